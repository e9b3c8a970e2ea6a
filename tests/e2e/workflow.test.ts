import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AppLocale } from '#app/i18n/config.ts'
import assignmentsLocale from '#app/locales/assignments.ts'
import boardLocale from '#app/locales/board.ts'
import { hashPassword } from '#server/auth/password.ts'
import { createMember, createWorkspace } from '#tests/factories/index.ts'
import { createAssignment, createPlan } from '#tests/factories/plan.ts'
import { launchBrowser, signIn } from './support/browser.ts'
import { startTestServer, type TestServer } from './support/server.ts'

/**
 * The acceptance path of the follow-up workflow, in a real browser: a focal
 * point reports progress and submits with evidence, the secretariat returns
 * it with a comment, the focal point resubmits (after a conflict with the
 * secretariat's own edit), the secretariat verifies. The focal point's
 * browser runs WITHOUT JavaScript (plain HTML forms); the secretariat's with.
 * Each step is checked on screen and in the database, in English, Spanish
 * and Portuguese (the words come from the locale files).
 */
const PASSWORD = 'a long workflow password'
const PDF = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.from('1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n')])

async function seed() {
  const { db } = await import('#server/db.ts')
  const workspace = await createWorkspace(db)
  const plan = await createPlan(db, workspace, [
    'Protect migrants\tHuman rights\tInformation campaigns\tPublish the national migration law',
    '\t\t\tPublicar la ley nacional de migraciones',
    '\t\t\tPublicar a lei nacional de migrações',
  ])
  const passwordHash = await hashPassword(PASSWORD)
  const fp = await createMember(db, workspace, 'focal_point', { countryCode: 'AR', name: 'Ana Focal', email: `ana-${workspace.slug}@example.org`, passwordHash })
  const secretariat = await createMember(db, workspace, 'secretariat', { name: 'Sofía Secretariat', email: `sofia-${workspace.slug}@example.org`, passwordHash })
  const assignmentIds: Record<AppLocale, string> = { en: '', es: '', pt: '' }
  for (const [lng, code] of [['en', '1.1.1.1'], ['es', '1.1.1.2'], ['pt', '1.1.1.3']] as const) {
    assignmentIds[lng] = (await createAssignment(db, workspace, plan.nodeId(code), { countryCode: 'AR' }, { dueDate: '2099-06-30' })).id
  }
  return { workspace, fp, secretariat, assignmentIds }
}

let server: TestServer<Awaited<ReturnType<typeof seed>>>
let browser: Browser

beforeAll(async () => {
  server = await startTestServer(seed)
  browser = await launchBrowser()
}, 300_000)

afterAll(async () => {
  await browser?.close()
  await server?.close()
})

async function row(id: string) {
  const { db } = await import('#server/db.ts')
  const a = await db.selectFrom('assignment').select(['status', 'progress_note', 'version']).where('id', '=', id).executeTakeFirstOrThrow()
  const history = await db.selectFrom('assignment_history').select(['action', 'to_status']).where('assignment_id', '=', id).orderBy('version').execute()
  const evidence = await db.selectFrom('evidence').select(['kind', 'file_name', 'content_type', 'size_bytes']).where('assignment_id', '=', id).execute()
  const comments = await db.selectFrom('comment').select('body').where('assignment_id', '=', id).orderBy('created_at').execute()
  return { ...a, history: history.map((h) => h.action), evidence, comments: comments.map((c) => c.body) }
}

async function signedIn(email: string, path: string, javaScriptEnabled: boolean, lng: AppLocale = 'en'): Promise<{ context: BrowserContext; page: Page }> {
  // Signing in with an English browser (the helper knows the English labels), then the run's language.
  const context = await browser.newContext({ locale: 'en-US', javaScriptEnabled })
  const page = await context.newPage()
  await signIn(page, server.url, email, PASSWORD, path)
  await page.goto(`${server.url}${path}?lng=${lng}`)
  return { context, page }
}

/** The interface's words in one language, straight from the locale files. */
function words(lng: AppLocale) {
  const a = assignmentsLocale[lng]
  const b = boardLocale[lng]
  return {
    a,
    b,
    move: (action: keyof typeof a.actions, to: keyof typeof a.statuses) => new RegExp(`^${escape(a.actions[action])} → ${escape(a.statuses[to])}`),
  }
}

function escape(text: string) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

async function submitAndWait(page: Page, button: string) {
  await Promise.all([page.waitForURL(/[?&]saved=/), page.getByRole('button', { name: button, exact: true }).click()])
}

const TASKS: Record<AppLocale, { code: string; title: string }> = {
  en: { code: '1.1.1.1', title: 'Publish the national migration law' },
  es: { code: '1.1.1.2', title: 'Publicar la ley nacional de migraciones' },
  pt: { code: '1.1.1.3', title: 'Publicar a lei nacional de migrações' },
}

describe.each(['en', 'es', 'pt'] as const)('the follow-up workflow in the browser (%s)', (lng) => {
  it('reports, submits with evidence, is returned, resubmits after a conflict, and is verified', async () => {
    const { slug } = server.seeded.workspace
    const id = server.seeded.assignmentIds[lng]
    const task = TASKS[lng]
    const { a, b, move } = words(lng)
    const assignmentPath = `/w/${slug}/assignments/${id}`
    const focal = await signedIn(server.seeded.fp.user.email, `/w/${slug}`, false, lng)
    const sec = await signedIn(server.seeded.secretariat.user.email, `/w/${slug}/board`, true, lng)
    const textbox = (page: Page, name: string) => page.getByRole('textbox', { name, exact: true })
    try {
      const fp = focal.page
      // "My country": the assignment is in the open group, linked to its page.
      expect(await fp.getByRole('heading', { level: 1 }).innerText()).toBe(a.home.title)
      await Promise.all([fp.waitForURL(`**${assignmentPath}`), fp.getByRole('link', { name: `${task.code} ${task.title}` }).click()])
      expect(await fp.title()).toBe(`${a.title} ${task.code} — Argentina · Ruta`)
      expect(await fp.getByRole('navigation', { name: a.breadcrumb }).innerText()).toContain('1.1.1 Information campaigns')

      // Start.
      await fp.getByRole('radio', { name: move('start', 'in_progress') }).check()
      await submitAndWait(fp, a.update.save)
      expect(await fp.getByRole('status').innerText()).toBe(a.saved.update)
      expect(await fp.locator('.assignment-facts .status').innerText()).toBe(a.statuses.in_progress)
      expect(await row(id)).toMatchObject({ status: 'in_progress', version: 2, history: ['start'] })

      // Submitting without a note is refused next to the field; nothing changes.
      await fp.getByRole('radio', { name: move('submit', 'submitted') }).check()
      await textbox(fp, a.progressNote).fill('')
      await fp.getByRole('button', { name: a.update.save, exact: true }).click()
      await fp.waitForLoadState()
      const note = textbox(fp, a.progressNote)
      expect(await note.getAttribute('aria-invalid')).toBe('true')
      const describedBy = (await note.getAttribute('aria-describedby')) ?? ''
      expect(await fp.locator(`#${describedBy.split(' ')[0]}`).innerText()).toBe(a.errors.noteRequired.submit)
      expect(await row(id)).toMatchObject({ status: 'in_progress', version: 2 })

      // Evidence: a PDF uploaded through the form, stored in PostgreSQL.
      await fp.getByLabel(a.evidence.fileLabel, { exact: true }).setInputFiles({ name: 'ley-27000.pdf', mimeType: 'application/pdf', buffer: PDF })
      await submitAndWait(fp, a.evidence.upload)
      expect(await fp.getByRole('status').innerText()).toBe(a.saved.evidence)
      const download = fp.locator('.evidence-list a[download]')
      expect(await download.innerText()).toContain('ley-27000.pdf')
      const fileResponse = await fp.request.get(`${server.url}${await download.getAttribute('href')}`)
      expect(fileResponse.status()).toBe(200)
      expect(fileResponse.headers()['content-type']).toBe('application/pdf')
      expect(Buffer.compare(await fileResponse.body(), PDF)).toBe(0)
      expect((await row(id)).evidence).toEqual([{ kind: 'file', file_name: 'ley-27000.pdf', content_type: 'application/pdf', size_bytes: PDF.length }])

      // Submit with a progress note.
      await fp.getByRole('radio', { name: move('submit', 'submitted') }).check()
      await textbox(fp, a.progressNote).fill('Law 27.000 published in the Official Gazette.')
      await submitAndWait(fp, a.update.save)
      expect(await fp.locator('.assignment-facts .status').innerText()).toBe(a.statuses.submitted)
      expect(await row(id)).toMatchObject({ status: 'submitted', version: 4, progress_note: 'Law 27.000 published in the Official Gazette.' })

      // The secretariat sees it waiting for verification on the board, and returns it.
      const s = sec.page
      await s.goto(`${server.url}/w/${slug}/board`)
      expect(await s.title()).toBe(`${b.title} · Workspace ${slug} · Ruta`)
      const waiting = s.getByRole('region', { name: new RegExp(`^${escape(b.waiting.heading)}`) })
      await Promise.all([s.waitForURL(`**${assignmentPath}`), waiting.getByRole('link', { name: `${task.code} ${task.title} — Argentina` }).click()])
      await textbox(s, a.review.returnComment).fill('Please attach the signed text, @' + server.seeded.fp.user.email.split('@')[0] + '.')
      await submitAndWait(s, a.review.return)
      expect(await s.getByRole('status').innerText()).toBe(a.saved.return)
      expect(await s.locator('.assignment-facts .status').innerText()).toBe(a.statuses.in_progress)
      let db = await row(id)
      expect(db).toMatchObject({ status: 'in_progress', version: 5 })
      expect(db.history).toEqual(['start', 'evidence', 'submit', 'return'])
      expect(db.comments).toEqual([expect.stringMatching(/^Please attach the signed text, @ana-/)])

      // The focal point sees the comment (mention emphasised).
      await fp.goto(`${server.url}${assignmentPath}`)
      expect(await fp.getByRole('region', { name: a.comments.heading }).locator('.mention').innerText()).toMatch(/^@ana-/)

      // Meanwhile the secretariat edits the note: the focal point's form is now stale.
      await s.goto(`${server.url}${assignmentPath}`)
      await textbox(s, a.progressNote).fill('Edited by the secretariat.')
      await submitAndWait(s, a.update.save)
      expect(await row(id)).toMatchObject({ version: 6, progress_note: 'Edited by the secretariat.' })

      await fp.getByRole('radio', { name: move('submit', 'submitted') }).check()
      await textbox(fp, a.progressNote).fill('Signed text attached; see the gazette link.')
      await textbox(fp, a.update.evidenceUrl).fill('https://www.boletinoficial.gob.ar/ley-27000')
      await fp.getByRole('button', { name: a.update.save, exact: true }).click()
      await fp.waitForLoadState()
      const conflict = fp.getByRole('region', { name: a.conflict.heading })
      const conflictText = await conflict.innerText()
      expect(conflictText).toContain(a.errors.conflict.split('{{by}}')[1].split('{{at}}')[0].trim())
      expect(conflictText).toContain('Sofía Secretariat')
      expect(conflictText).toContain('Edited by the secretariat.')
      expect(conflictText).toContain('Signed text attached; see the gazette link.')
      // The typed text is still in the form, now based on the current version.
      expect(await textbox(fp, a.progressNote).inputValue()).toBe('Signed text attached; see the gazette link.')
      expect(await textbox(fp, a.update.evidenceUrl).inputValue()).toBe('https://www.boletinoficial.gob.ar/ley-27000')
      expect(await row(id)).toMatchObject({ status: 'in_progress', version: 6 })

      // Saving again applies it, knowingly.
      await submitAndWait(fp, a.update.save)
      db = await row(id)
      expect(db).toMatchObject({ status: 'submitted', version: 7, progress_note: 'Signed text attached; see the gazette link.' })
      expect(db.evidence.map((e) => e.kind)).toEqual(['file', 'link'])

      // The secretariat verifies.
      await s.goto(`${server.url}${assignmentPath}`)
      await submitAndWait(s, a.review.verify)
      expect(await s.getByRole('status').innerText()).toBe(a.saved.verify)
      expect(await s.locator('.assignment-facts .status').innerText()).toBe(a.statuses.completed)
      db = await row(id)
      expect(db).toMatchObject({ status: 'completed', version: 8 })
      expect(db.history).toEqual(['start', 'evidence', 'submit', 'return', 'note', 'submit', 'verify'])

      // The focal point sees it completed, in history, with no update form.
      await fp.goto(`${server.url}${assignmentPath}`)
      expect(await fp.locator('.assignment-facts .status').innerText()).toBe(a.statuses.completed)
      expect(await fp.getByRole('radio').count()).toBe(0)
      const history = fp.getByRole('table')
      expect(await history.getByRole('row').count()).toBe(8)
      expect(await history.getByRole('row').nth(1).innerText()).toContain('Sofía Secretariat')
      expect(await history.getByRole('row').nth(1).innerText()).toContain(a.actions.verify)
    } finally {
      await focal.context.close()
      await sec.context.close()
    }
  }, 120_000)
})

describe('pages in every language', () => {
  it('names its pages in Spanish and Portuguese too, and sends the secretariat home to the board', async () => {
    const { slug } = server.seeded.workspace
    const { context, page } = await signedIn(server.seeded.secretariat.user.email, `/w/${slug}/board`, true)
    try {
      const path = `/w/${slug}/assignments/${server.seeded.assignmentIds.en}`
      await page.goto(`${server.url}${path}?lng=es`)
      expect(await page.title()).toBe('Asignación 1.1.1.1 — Argentina · Ruta')
      expect(await page.getByRole('heading', { name: 'Historial' }).count()).toBe(1)
      await page.goto(`${server.url}${path}?lng=pt`)
      expect(await page.title()).toBe('Atribuição 1.1.1.1 — Argentina · Ruta')
      expect(await page.getByRole('heading', { name: 'Histórico' }).count()).toBe(1)
      await page.goto(`${server.url}/w/${slug}/board?lng=es`)
      expect(await page.title()).toBe(`Tablero de asignaciones · Workspace ${slug} · Ruta`)
      await page.goto(`${server.url}/w/${slug}/board?lng=pt`)
      expect(await page.title()).toBe(`Painel de atribuições · Workspace ${slug} · Ruta`)
      const home = await page.goto(`${server.url}/w/${slug}`)
      expect(home?.url()).toBe(`${server.url}/w/${slug}/board`)
    } finally {
      await context.close()
    }
  })
})
