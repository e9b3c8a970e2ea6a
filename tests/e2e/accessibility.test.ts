import AxeBuilder from '@axe-core/playwright'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { db } from '#server/db.ts'
import { addComment } from '#server/services/assignments/add-comment.ts'
import { addEvidence } from '#server/services/assignments/add-evidence.ts'
import { updateAssignment } from '#server/services/assignments/update-assignment.ts'
import { deliverPending } from '#emails/delivery/deliver.ts'
import { createSession } from '#server/auth/session.ts'
import { runReminderSweep } from '#server/services/follow-up/run-reminder-sweep.ts'
import { parseAsOf } from '#server/services/follow-up/time.ts'
import { createInvitation } from '#server/services/invitations/create-invitation.ts'
import { requestPasswordReset } from '#server/services/password-reset/request-password-reset.ts'
import { latestMailTo, linkIn } from '#tests/factories/accounts.ts'
import { createFollowUpWorld } from '#tests/factories/follow-up.ts'
import { createMemberWithPassword, TEST_PASSWORD } from '#tests/factories/auth.ts'
import { createUser, createWorkspace } from '#tests/factories/index.ts'
import { createAssignment, createPlan } from '#tests/factories/plan.ts'
import { launchBrowser, signIn } from './support/browser.ts'
import { startTestServer, type TestServer } from './support/server.ts'

/**
 * The main pages under axe (WCAG 2.0/2.1 A and AA rules, and axe's best
 * practices: landmarks, heading order, one h1) in a real browser,
 * signed in as the secretariat and as a focal point, in English; and one
 * flow by keyboard alone: Tab to the status form, choose, type the note,
 * submit with Enter.
 */
async function seed() {
  const workspace = await createWorkspace(db, { countries: ['AR', 'BR'] })
  const plan = await createPlan(db, workspace, [
    'Protect migrants\tHuman rights\tInformation campaigns\tPublish the national migration law',
    '\t\t\tTrain consular staff',
  ])
  const fp = await createMemberWithPassword(db, workspace, 'focal_point', { countryCode: 'AR', name: 'Ana Focal', email: `ana-${workspace.slug}@example.org` })
  const secretariat = await createMemberWithPassword(db, workspace, 'secretariat', { name: 'Sofía Secretariat', email: `sofia-${workspace.slug}@example.org` })
  const taskId = plan.nodeId('1.1.1.1')
  // An assignment with history, evidence (a file and a link) and a comment.
  const rich = await createAssignment(db, workspace, taskId, { countryCode: 'AR' }, { dueDate: '2099-06-30' })
  await updateAssignment(fp.actor, { assignmentId: rich.id, version: 1, status: 'in_progress', progressNote: 'The draft law is with congress.' })
  await addEvidence(fp.actor, { assignmentId: rich.id, version: 2, url: 'https://example.org/draft-law' })
  await addEvidence(fp.actor, { assignmentId: rich.id, version: 3, file: { name: 'informe.pdf', data: Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n') } })
  await addComment(secretariat.actor, { assignmentId: rich.id, body: 'Thank you — please add the decree number when it is published.' })
  // One for the keyboard flow, and one overdue for the board's badges.
  const keyboard = await createAssignment(db, workspace, plan.nodeId('1.1.1.2'), { countryCode: 'AR' }, { dueDate: '2099-07-31' })
  await createAssignment(db, workspace, taskId, { countryCode: 'BR' }, { dueDate: '2020-01-31' })
  await createInvitation(secretariat.actor, { workspaceId: workspace.id, email: `invitee-${workspace.slug}@example.org`, role: 'observer', countryId: '', organisationId: '', locale: 'en' })
  const mail = await latestMailTo(db, `invitee-${workspace.slug}@example.org`)
  await requestPasswordReset({ email: fp.user.email }, { locale: 'en' })
  const reset = await latestMailTo(db, fp.user.email)
  const admin = await createUser(db, { email: `admin-${workspace.slug}@example.org`, isAdmin: true })
  // A reminder e-mail, for its status link and its unsubscribe link (pages opened from the mail, signed out).
  const followUp = await createFollowUpWorld(db)
  await followUp.assign(1, 'GY', '2027-03-15', 'in_progress')
  await runReminderSweep({ asOf: parseAsOf('2027-03-12') })
  await deliverPending()
  const reminder = (await latestMailTo(db, `fp.gy.${followUp.workspace.slug}@example.org`))?.text ?? ''
  const fromMail = (pattern: RegExp) => new URL(pattern.exec(reminder)?.[0] ?? 'http://x/missing-link').pathname
  return {
    workspace,
    fp,
    secretariat,
    admin,
    taskId,
    actionLineId: plan.nodeId('1.1.1'),
    rich: rich.id,
    keyboard: keyboard.id,
    invitationToken: linkIn(mail?.text ?? '', 'invite').token,
    resetToken: linkIn(reset?.text ?? '', 'reset-password').token,
    statusLink: fromMail(/https?:\/\/\S+\/a\/[\w-]+\.[\w-]+/),
    unsubscribeLink: fromMail(/https?:\/\/\S+\/unsubscribe\/[\w-]+\.[\w-]+/),
  }
}

let server: TestServer<Awaited<ReturnType<typeof seed>>>
let browser: Browser
const contexts: BrowserContext[] = []

beforeAll(async () => {
  server = await startTestServer(seed)
  browser = await launchBrowser()
}, 300_000)

afterAll(async () => {
  for (const context of contexts) await context.close()
  await browser?.close()
  await server?.close()
})

async function newPage(): Promise<Page> {
  const context = await browser.newContext({ locale: 'en-US' })
  contexts.push(context)
  return context.newPage()
}

async function signedIn(email: string, landing: string): Promise<Page> {
  const page = await newPage()
  await signIn(page, server.url, email, TEST_PASSWORD, landing)
  return page
}

/** A page signed in by a session made directly (no sign-in form: for the admin). */
async function withSession(userId: string): Promise<Page> {
  const page = await newPage()
  const cookie = (await createSession(userId, { ip: '127.0.0.1', userAgent: 'axe' })).cookie.split(';')[0]
  const [name, value] = [cookie.slice(0, cookie.indexOf('=')), cookie.slice(cookie.indexOf('=') + 1)]
  await page.context().addCookies([{ name, value, url: server.url }])
  return page
}

/** The violations axe finds on the page at `path`, one line each, so a failure says what and where. */
async function violations(page: Page, path: string, expectedStatus?: number): Promise<string[]> {
  const response = await page.goto(`${server.url}${path}${path.includes('?') ? '&' : '?'}${/[?&]lng=/.test(path) ? '' : 'lng=en'}`)
  if (expectedStatus) expect(response?.status(), path).toBe(expectedStatus)
  else expect(response?.status(), path).toBeLessThan(400)
  return check(page, path)
}

/** axe on the page as it is now (after a form was submitted, say). */
async function check(page: Page, label: string): Promise<string[]> {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze()
  return result.violations.flatMap((v) => v.nodes.map((n) => `${label}: ${v.id} (${v.impact}) ${n.target.join(' ')} — ${n.failureSummary?.split('\n').slice(0, 2).join(' ')}`))
}

describe('axe: WCAG 2.1 A and AA on the main pages', () => {
  it('signed out: sign-in (and refused), forgot password, an invitation, a password reset, the status and unsubscribe links of a reminder', async () => {
    const page = await newPage()
    const found = [
      ...(await violations(page, '/login')),
      ...(await violations(page, '/forgot-password')),
      ...(await violations(page, `/invite/${server.seeded.invitationToken}`)),
      ...(await violations(page, `/invite/${'0'.repeat(64)}`, 404)),
      ...(await violations(page, `/reset-password/${server.seeded.resetToken}`)),
      ...(await violations(page, server.seeded.statusLink)),
      ...(await violations(page, server.seeded.unsubscribeLink)),
    ]
    // A failed sign-in (the form again, with its message).
    await page.goto(`${server.url}/login?lng=en`)
    await page.getByLabel('Email').fill('nobody@example.org')
    await page.getByLabel('Password').fill('not the password')
    await Promise.all([page.waitForResponse((r) => r.url().includes('/login') && r.request().method() === 'POST'), page.getByRole('button', { name: 'Sign in' }).click()])
    await page.getByRole('alert').first().waitFor()
    found.push(...(await check(page, '/login (refused)')))
    expect(found).toEqual([])
  })

  it('a focal point: home (my country) and one of its groups, board, plan, an action line, task, assignment, settings, search', async () => {
    const { workspace, fp, taskId, actionLineId, rich } = server.seeded
    const w = `/w/${workspace.slug}`
    const page = await signedIn(fp.user.email, w)
    const found: string[] = []
    for (const path of [w, `${w}?group=overdue`, `${w}/board`, `${w}/plan`, `${w}/plan/${actionLineId}`, `${w}/tasks/${taskId}`, `${w}/assignments/${rich}`, '/settings', `${w}/search?q=law`, `${w}?lng=es`, `${w}/plan?lng=pt`]) {
      found.push(...(await violations(page, path)))
    }
    // Error pages: a page of the secretariat's (403) and an assignment that does not exist (404).
    found.push(...(await violations(page, `${w}/members`, 403)))
    found.push(...(await violations(page, `${w}/assignments/00000000-0000-4000-8000-000000000000`, 404)))
    // A form sent back with a message next to its field.
    await page.goto(`${server.url}${w}/assignments/${rich}?lng=en`)
    await page.getByLabel('Evidence link (optional)').fill('ftp://example.org/file')
    await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), page.getByRole('button', { name: 'Save' }).first().click()])
    await page.locator('#update-evidenceUrl-error').waitFor()
    found.push(...(await check(page, 'assignment page (refused link)')))
    expect(found).toEqual([])
    // A dozen pages and more through axe: past the default 30 s on a busy machine (here and below).
  }, 120_000)

  it('the secretariat: board, plan, task, assignment, members, activity, search, settings', async () => {
    const { workspace, secretariat, taskId, rich } = server.seeded
    const w = `/w/${workspace.slug}`
    const page = await signedIn(secretariat.user.email, `${w}/board`)
    const found: string[] = []
    for (const path of [`${w}/board`, `${w}/plan`, `${w}/plan/edit`, `${w}/tasks/${taskId}`, `${w}/assignments/${rich}`, `${w}/members`, `${w}/activity`, `${w}/emails`, `${w}/setup`, `${w}/search?q=law`, '/settings', '/dev/emails']) {
      found.push(...(await violations(page, path)))
    }
    // The invite form sent back with a bad address.
    await page.goto(`${server.url}${w}/members?lng=en`)
    await page.locator('#invite-email').fill('not-an-address@')
    await page.locator('#invite-email').evaluate((el) => el.closest('form')?.setAttribute('novalidate', ''))
    await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), page.locator('#invite-email').press('Enter')])
    await page.locator('[aria-invalid="true"]').first().waitFor()
    found.push(...(await check(page, 'members (refused invitation)')))
    expect(found).toEqual([])
  }, 120_000)

  it('an instance admin: the admin page', async () => {
    const page = await withSession(server.seeded.admin.id)
    expect(await violations(page, '/admin')).toEqual([])
  })
})

/** WCAG relative luminance contrast of two computed colours ('rgb(r, g, b)'). */
function contrast(a: string, b: string): number {
  const luminance = (css: string) => {
    const [r, g, bl] = (css.match(/\d+(\.\d+)?/g) ?? []).slice(0, 3).map((v) => {
      const c = Number(v) / 255
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4
    })
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl
  }
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x)
  return (hi + 0.05) / (lo + 0.05)
}

describe('non-text contrast (WCAG 1.4.11, which axe does not measure)', () => {
  it('form fields have edges and the keyboard focus has a ring of at least 3:1 against the page', async () => {
    const page = await newPage()
    await page.goto(`${server.url}/login?lng=en`)
    const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor === 'rgba(0, 0, 0, 0)' ? getComputedStyle(document.documentElement).backgroundColor : getComputedStyle(document.body).backgroundColor)
    const email = page.getByLabel('Email')
    const edge = await email.evaluate((el) => getComputedStyle(el).borderTopColor)
    expect(contrast(edge, background), `field edge ${edge} on ${background}`).toBeGreaterThanOrEqual(3)
    // Focus by keyboard (focus-visible), then read the ring: outline and the inner shadow.
    await page.locator('body').focus()
    for (let i = 0; i < 30 && !(await email.evaluate((el) => el === document.activeElement)); i++) await page.keyboard.press('Tab')
    const ring = await email.evaluate((el) => {
      const style = getComputedStyle(el)
      return { outline: style.outlineColor, outlineWidth: style.outlineWidth, shadow: /rgba?\([^)]*\)/.exec(style.boxShadow)?.[0] ?? '' }
    })
    expect(ring.outlineWidth).not.toBe('0px')
    const best = Math.max(contrast(ring.outline, background), ring.shadow ? contrast(ring.shadow, background) : 0)
    expect(best, JSON.stringify(ring)).toBeGreaterThanOrEqual(3)
  })
})

describe('what axe does not judge: titles (WCAG 2.4.2) and reflow at 320 px (1.4.10)', () => {
  it('every page has its own title, and nothing but a data table is wider than a 320 px screen', async () => {
    const { workspace, secretariat, taskId, rich, invitationToken } = server.seeded
    const w = `/w/${workspace.slug}`
    const context = await browser.newContext({ locale: 'en-US', viewport: { width: 320, height: 640 } })
    contexts.push(context)
    const page = await context.newPage()
    const titles = new Map<string, string>()
    const tooWide: string[] = []
    const visit = async (path: string) => {
      await page.goto(`${server.url}${path}${path.includes('?') ? '&' : '?'}lng=en`)
      titles.set(path, await page.title())
      const wide = await page.evaluate(() =>
        [...document.querySelectorAll('body *')]
          .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 1 && !el.closest('table, .table-scroll'))
          .map((el) => `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${el.className ? `.${String(el.className).replace(/\s+/g, '.')}` : ''}`),
      )
      if (wide.length) tooWide.push(`${path}: ${wide.slice(0, 3).join(', ')}`)
    }
    for (const path of ['/login', '/forgot-password', `/invite/${invitationToken}`]) await visit(path)
    const cookie = (await createSession(secretariat.user.id, { ip: '127.0.0.1', userAgent: 'axe' })).cookie.split(';')[0]
    await context.addCookies([{ name: cookie.slice(0, cookie.indexOf('=')), value: cookie.slice(cookie.indexOf('=') + 1), url: server.url }])
    for (const path of [`${w}/board`, `${w}/plan`, `${w}/plan/edit`, `${w}/tasks/${taskId}`, `${w}/assignments/${rich}`, `${w}/members`, `${w}/activity`, `${w}/emails`, `${w}/setup`, `${w}/search?q=law`, '/settings']) {
      await visit(path)
    }
    expect([...titles].filter(([, title]) => title === 'Ruta' || !title.endsWith(' · Ruta'))).toEqual([])
    expect(new Set(titles.values()).size, JSON.stringify([...titles])).toBe(titles.size)
    expect(tooWide).toEqual([])
  })
})

describe('keyboard', () => {
  it('a focal point reaches the status form with Tab, chooses, types the note and submits with Enter', async () => {
    const { workspace, fp, keyboard } = server.seeded
    const path = `/w/${workspace.slug}/assignments/${keyboard}`
    const page = await signedIn(fp.user.email, path)
    await page.goto(`${server.url}${path}?lng=en`)
    // The first Tab reaches the skip link; Enter on it moves the focus to the page's main content.
    await page.locator('body').focus()
    await page.keyboard.press('Tab')
    expect(await page.evaluate(() => document.activeElement?.className)).toBe('skip-link')
    await page.keyboard.press('Enter')
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('main')
    // Tab from the top of the page until a choice of the "New status" group has the focus.
    const focusedStatus = () => page.evaluate(() => (document.activeElement instanceof HTMLInputElement && document.activeElement.name === 'status' ? document.activeElement.value : null))
    await page.locator('body').focus()
    let reached = false
    for (let i = 0; i < 80 && !reached; i++) {
      await page.keyboard.press('Tab')
      reached = (await focusedStatus()) !== null
    }
    expect(reached).toBe(true)
    // The arrow keys move through the radio group and choose: "Start → In progress" comes after "keep".
    await page.keyboard.press('ArrowDown')
    expect(await focusedStatus()).toBe('in_progress')
    expect(await page.getByRole('radio', { name: /In progress/ }).isChecked()).toBe(true)
    await page.keyboard.press('Tab')
    expect(await page.getByRole('textbox', { name: 'Progress note' }).evaluate((el) => el === document.activeElement)).toBe(true)
    await page.keyboard.type('Started by keyboard.')
    // Enter in a textarea is a new line: Tab on to the link field, where Enter submits the form.
    await page.keyboard.press('Tab')
    await Promise.all([page.waitForURL(/saved=update/), page.keyboard.press('Enter')])
    const row = await db.selectFrom('assignment').select(['status', 'progress_note', 'version']).where('id', '=', keyboard).executeTakeFirstOrThrow()
    expect(row).toEqual({ status: 'in_progress', progress_note: 'Started by keyboard.', version: 2 })
    // The saved message is announced and the focus is not lost.
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain('Changes saved.')
  })
})
