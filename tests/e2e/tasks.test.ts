import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hashPassword } from '#server/auth/password.ts'
import { db } from '#server/db.ts'
import { updatePlanItem } from '#server/services/plan-editing/update-plan-item.ts'
import { createMember, createWorkspace } from '#tests/factories/index.ts'
import { createPlan } from '#tests/factories/plan.ts'
import { launchBrowser, signIn } from './support/browser.ts'
import { startTestServer, type TestServer } from './support/server.ts'

// The secretariat's pages (plan editor, task page, activity, search) in a
// real browser with JavaScript turned OFF: every form must work as plain HTML.

const PASSWORD = 'a long task-page password'

async function seed() {
  const workspace = await createWorkspace(db)
  const plan = await createPlan(db, workspace, ['Gobernanza\tFlujos\tRegularización\tPolítica de migración regional', '\t\t\tSegunda tarea'])
  const passwordHash = await hashPassword(PASSWORD)
  const secretariat = await createMember(db, workspace, 'secretariat', { email: `sec-${workspace.slug}@example.org`, name: 'Sara Secretariat', passwordHash })
  const focalPoint = await createMember(db, workspace, 'focal_point', { countryCode: 'AR', email: `fp-${workspace.slug}@example.org`, passwordHash })
  return { workspace, plan, secretariat, focalPoint, taskId: plan.nodeId('1.1.1.1') }
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

async function signedIn(email: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ locale: 'en-US', javaScriptEnabled: false })
  const page = await context.newPage()
  const slug = server.seeded.workspace.slug
  await signIn(page, server.url, email, PASSWORD, `/w/${slug}/plan`)
  await page.goto(`${server.url}/w/${slug}/plan?lng=en`)
  return { context, page }
}

describe('secretariat pages without JavaScript', () => {
  it('edits the plan, assigns a task, edits it, and sees it all in the activity log and search', async () => {
    const { slug } = server.seeded.workspace
    const { context, page } = await signedIn(server.seeded.secretariat.user.email)
    try {
      // Plan editor: add a general objective, then move it up to the top.
      await page.goto(`${server.url}/w/${slug}/plan/edit`)
      expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Edit the plan')
      await page.locator('details.add-item').last().locator('summary').click()
      await page.getByLabel('Title of the new item').last().fill('Observatorio regional')
      await page.getByRole('button', { name: 'Add', exact: true }).last().click()
      expect(await page.locator('.notice').innerText()).toBe('2 was created.')
      const created = await db.selectFrom('plan_node').select(['id', 'code', 'kind']).where('title', '=', 'Observatorio regional').executeTakeFirstOrThrow()
      expect(created).toMatchObject({ code: '2', kind: 'general_objective' })
      await page.getByRole('button', { name: 'Move 2 up' }).click()
      expect(await page.locator('.notice').innerText()).toBe('The item is now 1; codes were renumbered.')
      const codes = await db.selectFrom('plan_node').select(['title', 'code']).where('workspace_id', '=', server.seeded.workspace.id).orderBy('code').execute()
      expect(codes.map((c) => `${c.code} ${c.title}`)).toEqual([
        '1 Observatorio regional',
        '2 Gobernanza',
        '2.1 Flujos',
        '2.1.1 Regularización',
        '2.1.1.1 Política de migración regional',
        '2.1.1.2 Segunda tarea',
      ])

      // Task page: assign two countries, one with its own date.
      await page.goto(`${server.url}/w/${slug}/tasks/${server.seeded.taskId}`)
      expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('TASK 2.1.1.1 Política de migración regional')
      await page.getByRole('checkbox', { name: /^Brazil \(BR\)/ }).check()
      await page.getByRole('checkbox', { name: /^Chile \(CL\)/ }).check()
      await page.locator('#assign-due').fill('2027-06-30')
      await page.locator('details.per-country summary').click()
      await page.getByLabel('Due date for Chile').fill('2027-07-31')
      await page.getByRole('button', { name: 'Assign', exact: true }).click()
      expect(await page.locator('.notice').innerText()).toBe('2 assignments saved.')
      const rows = page.locator('table.task-assignments tbody tr')
      expect(await rows.count()).toBe(2)
      expect(await rows.nth(0).innerText()).toMatch(/Brazil \(BR\)\s+Not started\s+Jun 30, 2027/)
      expect(await rows.nth(1).innerText()).toMatch(/Chile \(CL\)\s+Not started\s+Jul 31, 2027/)
      const assignmentId = (await db.selectFrom('assignment').select('id').where('task_id', '=', server.seeded.taskId).where('due_date', '=', '2027-06-30').executeTakeFirstOrThrow()).id
      expect(await rows.nth(0).getByRole('link', { name: 'Open the assignment of Brazil (BR)' }).getAttribute('href')).toBe(`/w/${slug}/assignments/${assignmentId}`)

      // All member states at once: the twelve, the two already assigned keep their dates.
      await page.getByRole('checkbox', { name: 'All member states' }).check()
      await page.locator('#assign-due').fill('2027-09-30')
      await page.getByRole('button', { name: 'Assign', exact: true }).click()
      expect(await page.locator('.notice').innerText()).toBe('12 assignments saved.')
      expect(await rows.count()).toBe(12)

      // Unknown input is refused with a message, and what was typed stays.
      await page.getByLabel('Start date').fill('2027-05-01')
      await page.getByLabel('Due date', { exact: true }).last().fill('2027-04-01')
      await page.getByLabel('Title', { exact: true }).fill('Título editado')
      await page.getByRole('button', { name: 'Save changes' }).click()
      expect(await page.getByRole('alert').innerText()).toBe('The due date (2027-04-01) may not be before the start date (2027-05-01).')
      expect(await page.getByLabel('Title', { exact: true }).inputValue()).toBe('Título editado')
      expect(await page.locator('#edit-due').getAttribute('aria-invalid')).toBe('true')
      expect((await db.selectFrom('plan_node').select('title').where('id', '=', server.seeded.taskId).executeTakeFirstOrThrow()).title).toBe('Política de migración regional')
      await page.locator('#edit-due').fill('2027-12-31')
      await page.getByRole('button', { name: 'Save changes' }).click()
      expect(await page.locator('.notice').innerText()).toBe('Changes saved.')
      expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('TASK 2.1.1.1 Título editado')

      // Activity: the edit, before → after, filterable in the URL; CSV of the same filter.
      await page.goto(`${server.url}/w/${slug}/activity`)
      await page.getByLabel('Action').selectOption('plan_item.updated')
      await page.getByRole('button', { name: 'Filter' }).click()
      expect(new URL(page.url()).searchParams.get('action')).toBe('plan_item.updated')
      const logRows = page.locator('table.activity-log tbody tr')
      expect(await logRows.count()).toBe(1)
      expect(await logRows.first().innerText()).toMatch(/Sara Secretariat\s+Plan item edited\s+Task/)
      expect(await logRows.first().innerText()).toContain('Política de migración regional → Título editado')
      const csv = await context.request.get(`${server.url}/w/${slug}/activity.csv?action=plan_item.updated`)
      expect(csv.status()).toBe(200)
      expect(csv.headers()['content-type']).toBe('text/csv; charset=utf-8')
      const body = await csv.text()
      expect(body.charCodeAt(0)).toBe(0xfeff)
      expect(body.split('\r\n')).toHaveLength(3)
      expect(body).toContain('Título editado')

      // Search finds the task without accents.
      await page.goto(`${server.url}/w/${slug}/search`)
      await page.getByLabel('Search tasks, progress notes and comments').fill('titulo editado')
      await page.getByRole('button', { name: 'Search', exact: true }).click()
      expect(await page.getByRole('heading', { level: 2 }).innerText()).toBe('1 result for “titulo editado”')
      expect(await page.locator('.search-results a').getAttribute('href')).toBe(`/w/${slug}/tasks/${server.seeded.taskId}`)
    } finally {
      await context.close()
    }
  })

  it('refuses a stale edit with who changed it, shows current values next to what was typed, and keeps the typing', async () => {
    const { slug } = server.seeded.workspace
    const taskId = server.seeded.plan.nodeId('1.1.1.2')
    const { context, page } = await signedIn(server.seeded.secretariat.user.email)
    try {
      await page.goto(`${server.url}/w/${slug}/tasks/${taskId}`)
      // Someone else saves first.
      const other = await createMember(db, server.seeded.workspace, 'secretariat', { name: 'Otto Other' })
      const version = (await db.selectFrom('plan_node').select('version').where('id', '=', taskId).executeTakeFirstOrThrow()).version
      await updatePlanItem(other.actor, { id: taskId, version, description: 'Their description' })
      await page.getByLabel('Description').fill('My careful description')
      await page.getByRole('button', { name: 'Save changes' }).click()
      const alert = page.getByRole('alert')
      expect(await alert.innerText()).toContain('While you were editing, Otto Other changed this task')
      const row = alert.getByRole('row', { name: /Description/ })
      expect(await row.innerText()).toMatch(/Description\s+Their description\s+My careful description/)
      expect(await page.getByLabel('Description').inputValue()).toBe('My careful description')
      // Saving again, having seen theirs, applies to the current version.
      await page.getByRole('button', { name: 'Save changes' }).click()
      expect(await page.locator('.notice').innerText()).toBe('Changes saved.')
      expect((await db.selectFrom('task').select('description').where('id', '=', taskId).executeTakeFirstOrThrow()).description).toBe('My careful description')
    } finally {
      await context.close()
    }
  })

  it('shows a focal point the task page without the secretariat’s forms, and refuses them the editor and the log', async () => {
    const { slug } = server.seeded.workspace
    const { context, page } = await signedIn(server.seeded.focalPoint.user.email)
    try {
      const taskPage = await page.goto(`${server.url}/w/${slug}/tasks/${server.seeded.plan.nodeId('1.1.1.2')}`)
      expect(taskPage?.status()).toBe(200)
      expect(await page.getByRole('heading', { name: 'Assign', exact: true }).count()).toBe(0)
      expect(await page.getByRole('heading', { name: 'Edit the task' }).count()).toBe(0)
      expect((await page.goto(`${server.url}/w/${slug}/plan/edit`))?.status()).toBe(403)
      expect((await page.goto(`${server.url}/w/${slug}/activity`))?.status()).toBe(403)
      expect((await context.request.get(`${server.url}/w/${slug}/activity.csv`)).status()).toBe(403)
      expect((await page.goto(`${server.url}/w/${slug}/tasks/00000000-0000-4000-8000-000000000000`))?.status()).toBe(404)
      // A forged post to the task page is refused as well.
      const post = await context.request.post(`${server.url}/w/${slug}/tasks/${server.seeded.taskId}`, {
        form: { intent: 'assign', countryCodes: 'AR', dueDate: '2027-01-31' },
        headers: { Origin: server.url },
      })
      expect(post.status()).toBe(403)
    } finally {
      await context.close()
    }
  })
})
