import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
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
 * Each step is checked on screen and in the database.
 */
const PASSWORD = 'a long workflow password'
const PDF = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.from('1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n')])

async function seed() {
  const { db } = await import('#server/db.ts')
  const workspace = await createWorkspace(db)
  const plan = await createPlan(db, workspace, ['Protect migrants\tHuman rights\tInformation campaigns\tPublish the national migration law'])
  const passwordHash = await hashPassword(PASSWORD)
  const fp = await createMember(db, workspace, 'focal_point', { countryCode: 'AR', name: 'Ana Focal', email: `ana-${workspace.slug}@example.org`, passwordHash })
  const secretariat = await createMember(db, workspace, 'secretariat', { name: 'Sofía Secretariat', email: `sofia-${workspace.slug}@example.org`, passwordHash })
  const assignment = await createAssignment(db, workspace, plan.nodeId('1.1.1.1'), { countryCode: 'AR' }, { dueDate: '2099-06-30' })
  return { workspace, fp, secretariat, assignmentId: assignment.id }
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

async function row() {
  const { db } = await import('#server/db.ts')
  const id = server.seeded.assignmentId
  const a = await db.selectFrom('assignment').select(['status', 'progress_note', 'version']).where('id', '=', id).executeTakeFirstOrThrow()
  const history = await db.selectFrom('assignment_history').select(['action', 'to_status']).where('assignment_id', '=', id).orderBy('version').execute()
  const evidence = await db.selectFrom('evidence').select(['kind', 'file_name', 'content_type', 'size_bytes']).where('assignment_id', '=', id).execute()
  const comments = await db.selectFrom('comment').select('body').where('assignment_id', '=', id).orderBy('created_at').execute()
  return { ...a, history: history.map((h) => h.action), evidence, comments: comments.map((c) => c.body) }
}

async function signedIn(email: string, path: string, javaScriptEnabled: boolean): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ locale: 'en-US', javaScriptEnabled })
  const page = await context.newPage()
  await signIn(page, server.url, email, PASSWORD, path)
  // The users' language comes from their country (Spanish); this run is in English.
  await page.goto(`${server.url}${path}?lng=en`)
  return { context, page }
}

async function submitAndWait(page: Page, button: string) {
  await Promise.all([page.waitForURL(/[?&]saved=/), page.getByRole('button', { name: button, exact: true }).click()])
}

describe('the follow-up workflow in the browser', () => {
  it('reports, submits with evidence, is returned, resubmits after a conflict, and is verified', async () => {
    const { slug } = server.seeded.workspace
    const assignmentPath = `/w/${slug}/assignments/${server.seeded.assignmentId}`
    const focal = await signedIn(server.seeded.fp.user.email, `/w/${slug}`, false)
    const sec = await signedIn(server.seeded.secretariat.user.email, `/w/${slug}/board`, true)
    try {
      const fp = focal.page
      // "My country": the assignment is in the open group, linked to its page.
      expect(await fp.getByRole('heading', { level: 1 }).innerText()).toBe('My country')
      await Promise.all([fp.waitForURL(`**${assignmentPath}`), fp.getByRole('link', { name: /1\.1\.1\.1 Publish the national migration law/ }).click()])
      expect(await fp.title()).toBe('Assignment 1.1.1.1 — Argentina · Ruta')
      expect(await fp.getByRole('navigation', { name: 'Place in the plan' }).innerText()).toContain('1.1.1 Information campaigns')

      // Start.
      await fp.getByRole('radio', { name: /^Start → In progress/ }).check()
      await submitAndWait(fp, 'Save')
      expect(await fp.getByRole('status').innerText()).toBe('Changes saved.')
      expect(await fp.locator('.assignment-facts .status').innerText()).toBe('In progress')
      expect(await row()).toMatchObject({ status: 'in_progress', version: 2, history: ['start'] })

      // Submitting without a note is refused next to the field; nothing changes.
      await fp.getByRole('radio', { name: /^Submit for verification/ }).check()
      await fp.getByRole('textbox', { name: 'Progress note' }).fill('')
      await fp.getByRole('button', { name: 'Save', exact: true }).click()
      await fp.waitForLoadState()
      const note = fp.getByRole('textbox', { name: 'Progress note' })
      expect(await note.getAttribute('aria-invalid')).toBe('true')
      const describedBy = (await note.getAttribute('aria-describedby')) ?? ''
      expect(await fp.locator(`#${describedBy.split(' ')[0]}`).innerText()).toBe('Write a progress note before submitting.')
      expect(await row()).toMatchObject({ status: 'in_progress', version: 2 })

      // Evidence: a PDF uploaded through the form, stored in PostgreSQL.
      await fp.getByLabel('File', { exact: true }).setInputFiles({ name: 'ley-27000.pdf', mimeType: 'application/pdf', buffer: PDF })
      await submitAndWait(fp, 'Add evidence')
      expect(await fp.getByRole('status').innerText()).toBe('Evidence added.')
      const download = fp.getByRole('link', { name: /^Download ley-27000\.pdf/ })
      expect(await download.count()).toBe(1)
      const fileResponse = await fp.request.get(`${server.url}${await download.getAttribute('href')}`)
      expect(fileResponse.status()).toBe(200)
      expect(fileResponse.headers()['content-type']).toBe('application/pdf')
      expect(Buffer.compare(await fileResponse.body(), PDF)).toBe(0)
      expect((await row()).evidence).toEqual([{ kind: 'file', file_name: 'ley-27000.pdf', content_type: 'application/pdf', size_bytes: PDF.length }])

      // Submit with a progress note.
      await fp.getByRole('radio', { name: /^Submit for verification/ }).check()
      await fp.getByRole('textbox', { name: 'Progress note' }).fill('Law 27.000 published in the Official Gazette.')
      await submitAndWait(fp, 'Save')
      expect(await fp.locator('.assignment-facts .status').innerText()).toBe('Submitted for verification')
      expect(await row()).toMatchObject({ status: 'submitted', version: 4, progress_note: 'Law 27.000 published in the Official Gazette.' })

      // The secretariat sees it waiting for verification on the board, and returns it.
      const s = sec.page
      await s.goto(`${server.url}/w/${slug}/board`)
      expect(await s.title()).toBe(`Assignment board · Workspace ${slug} · Ruta`)
      const waiting = s.getByRole('region', { name: /Waiting for verification/ })
      await Promise.all([s.waitForURL(`**${assignmentPath}`), waiting.getByRole('link', { name: /1\.1\.1\.1 Publish the national migration law — Argentina/ }).click()])
      await s.getByLabel('Comment for returning it').fill('Please attach the signed text, @' + server.seeded.fp.user.email.split('@')[0] + '.')
      await submitAndWait(s, 'Return with comment')
      expect(await s.getByRole('status').innerText()).toBe('Assignment returned with your comment.')
      expect(await s.locator('.assignment-facts .status').innerText()).toBe('In progress')
      let db = await row()
      expect(db).toMatchObject({ status: 'in_progress', version: 5 })
      expect(db.history).toEqual(['start', 'evidence', 'submit', 'return'])
      expect(db.comments).toEqual([expect.stringMatching(/^Please attach the signed text, @ana-/)])

      // The focal point sees the comment (mention emphasised).
      await fp.goto(`${server.url}${assignmentPath}`)
      expect(await fp.getByRole('region', { name: 'Comments' }).locator('.mention').innerText()).toMatch(/^@ana-/)

      // Meanwhile the secretariat edits the note: the focal point's form is now stale.
      await s.goto(`${server.url}${assignmentPath}`)
      await s.getByRole('textbox', { name: 'Progress note' }).fill('Edited by the secretariat.')
      await submitAndWait(s, 'Save')
      expect(await row()).toMatchObject({ version: 6, progress_note: 'Edited by the secretariat.' })

      await fp.getByRole('radio', { name: /^Submit for verification/ }).check()
      await fp.getByRole('textbox', { name: 'Progress note' }).fill('Signed text attached; see the gazette link.')
      await fp.getByLabel('Evidence link (optional)').fill('https://www.boletinoficial.gob.ar/ley-27000')
      await fp.getByRole('button', { name: 'Save', exact: true }).click()
      await fp.waitForLoadState()
      const conflict = fp.getByRole('region', { name: 'Someone changed this assignment while you were editing' })
      expect(await conflict.innerText()).toContain('Sofía Secretariat changed this assignment at')
      expect(await conflict.innerText()).toContain('Edited by the secretariat.')
      expect(await conflict.innerText()).toContain('Signed text attached; see the gazette link.')
      // The typed text is still in the form, now based on the current version.
      expect(await fp.getByRole('textbox', { name: 'Progress note' }).inputValue()).toBe('Signed text attached; see the gazette link.')
      expect(await fp.getByLabel('Evidence link (optional)').inputValue()).toBe('https://www.boletinoficial.gob.ar/ley-27000')
      expect(await row()).toMatchObject({ status: 'in_progress', version: 6 })

      // Saving again applies it, knowingly.
      await submitAndWait(fp, 'Save')
      db = await row()
      expect(db).toMatchObject({ status: 'submitted', version: 7, progress_note: 'Signed text attached; see the gazette link.' })
      expect(db.evidence.map((e) => e.kind)).toEqual(['file', 'link'])

      // The secretariat verifies.
      await s.goto(`${server.url}${assignmentPath}`)
      await submitAndWait(s, 'Verify (completed)')
      expect(await s.getByRole('status').innerText()).toBe('Assignment verified.')
      expect(await s.locator('.assignment-facts .status').innerText()).toBe('Completed')
      db = await row()
      expect(db).toMatchObject({ status: 'completed', version: 8 })
      expect(db.history).toEqual(['start', 'evidence', 'submit', 'return', 'note', 'submit', 'verify'])

      // The focal point sees it completed, in history, with no update form.
      await fp.goto(`${server.url}${assignmentPath}`)
      expect(await fp.locator('.assignment-facts .status').innerText()).toBe('Completed')
      expect(await fp.getByRole('radio').count()).toBe(0)
      const history = fp.getByRole('table')
      expect(await history.getByRole('row').count()).toBe(8)
      expect(await history.getByRole('row').nth(1).innerText()).toContain('Sofía Secretariat')
    } finally {
      await focal.context.close()
      await sec.context.close()
    }
  }, 120_000)

  it('names its pages in Spanish and Portuguese too', async () => {
    const { slug } = server.seeded.workspace
    const { context, page } = await signedIn(server.seeded.secretariat.user.email, `/w/${slug}/board`, true)
    try {
      const path = `/w/${slug}/assignments/${server.seeded.assignmentId}`
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
      // The secretariat's home is the board.
      const home = await page.goto(`${server.url}/w/${slug}`)
      expect(home?.url()).toBe(`${server.url}/w/${slug}/board`)
    } finally {
      await context.close()
    }
  })
})
