import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { importPlanFile } from '#db/import/plan-importer.ts'
import { DEMO_PLAN_FILE } from '#db/seed/demo.ts'
import { hashPassword } from '#server/auth/password.ts'
import { createMember, createWorkspace } from '#tests/factories/index.ts'
import { createAssignment } from '#tests/factories/plan.ts'
import { launchBrowser, signIn } from './support/browser.ts'
import { startTestServer, type TestServer } from './support/server.ts'

const PASSWORD = 'a long plan-page password'

const GENERAL_OBJECTIVES = [
  'Definition and coordination of strategies and regional programs in the migratory scope.',
  'Consolidation and development of the South American Observatory on Migrations.',
  'Harmonization and coordination of migratory information systems.',
  'Harmonization and coordination of migratory administrations.',
  'Harmonization and coordination of the migratory legislation.',
]

let server: TestServer<Awaited<ReturnType<typeof seed>>>
let browser: Browser

async function seed() {
  const { db } = await import('#server/db.ts')
  const workspace = await createWorkspace(db)
  await importPlanFile(db, DEMO_PLAN_FILE, workspace.slug)
  const passwordHash = await hashPassword(PASSWORD)
  const member = await createMember(db, workspace, 'focal_point', { countryCode: 'AR', email: `fp-${workspace.slug}@example.org`, passwordHash })
  const task = await db.selectFrom('plan_node').select('id').where('workspace_id', '=', workspace.id).where('code', '=', '1.1.1.1').executeTakeFirstOrThrow()
  await createAssignment(db, workspace, task.id, { countryCode: 'AR' }, { status: 'completed', dueDate: '2000-01-01' })
  await createAssignment(db, workspace, task.id, { countryCode: 'BO' }, { status: 'in_progress', dueDate: '2000-01-01' })
  const elsewhere = await createWorkspace(db)
  const outsider = await createMember(db, elsewhere, 'secretariat', { email: `sec-${elsewhere.slug}@example.org`, passwordHash })
  return { workspace, member, task, outsider }
}

beforeAll(async () => {
  server = await startTestServer(seed)
  browser = await launchBrowser()
}, 300_000)

afterAll(async () => {
  await browser?.close()
  await server?.close()
})

async function signedInPage(email: string, path: string): Promise<{ context: BrowserContext; page: Page }> {
  // An English browser, so the sign-in form reads "Email", "Password", "Sign in".
  const context = await browser.newContext({ locale: 'en-US' })
  const page = await context.newPage()
  await signIn(page, server.url, email, PASSWORD, path)
  return { context, page }
}

describe('the plan page', () => {
  it('sends a signed-out visitor to sign in, and back to the plan afterwards', async () => {
    const path = `/w/${server.seeded.workspace.slug}/plan`
    const response = await fetch(`${server.url}${path}`, { redirect: 'manual' })
    expect(response.status).toBe(303)
    expect(response.headers.get('location')).toBe(`/login?redirectTo=${encodeURIComponent(path)}`)
  })

  it("shows a member the five general objectives down to the action lines, and an action line's tasks on its own page, in Spanish by default and in English with ?lng=en", async () => {
    const { slug } = server.seeded.workspace
    const { context, page } = await signedInPage(server.seeded.member.user.email, `/w/${slug}/plan`)
    try {
      // A fresh page load, as when a member opens the plan from a bookmark. The
      // user's language comes from their country (Spanish), not from the English browser.
      const response = await page.goto(`${server.url}/w/${slug}/plan`)
      expect(response?.status()).toBe(200)
      expect(await page.locator('html').getAttribute('lang')).toBe('es')
      const headings = page.getByRole('heading', { level: 2 })
      expect(await headings.allInnerTexts()).toHaveLength(5)
      for (const [index, title] of GENERAL_OBJECTIVES.entries()) {
        const heading = page.getByRole('heading', { level: 2, name: new RegExp(`^Objetivo general ${index + 1} ${escape(title)}$`) })
        expect(await heading.count()).toBe(1)
      }
      expect(await page.getByRole('heading', { level: 3 }).count()).toBe(12)
      expect(await page.getByRole('heading', { level: 4 }).count()).toBe(27)

      const progressOf = (item: string | RegExp) => page.getByRole('listitem', { name: item }).locator(':scope > p.progress').innerText()
      expect(await progressOf(/^Objetivo general 1 Definition/)).toBe('1 de 2 completadas · 1 vencida')
      expect(await progressOf(/^Línea de acción 1\.1\.1 /)).toBe('1 de 2 completadas · 1 vencida')
      expect(await progressOf(/^Objetivo general 2 Consolidation/)).toBe('Sin asignaciones')
      // The plan page lists no task: each action line links to its own page with its tasks.
      expect(await page.getByRole('link', { name: /^1\.1\.1\.1 Applying/ }).count()).toBe(0)
      const line = page.getByRole('link', { name: 'Ver las 3 tareas de 1.1.1', exact: true })
      await Promise.all([page.waitForURL(/\/plan\/[0-9a-f-]{36}$/), line.click()])
      // The address can change before the new page is rendered, and count() does not wait: wait for the heading.
      const lineHeading = page.getByRole('heading', { level: 1, name: /^Línea de acción 1\.1\.1 Develop actions/ })
      await lineHeading.waitFor()
      expect(await lineHeading.count()).toBe(1)
      expect(await page.locator('h1 + p.progress').innerText()).toBe('1 de 2 completadas · 1 vencida')
      const breadcrumb = page.getByRole('navigation', { name: 'Ubicación en el plan' })
      expect(await breadcrumb.getByRole('link').allInnerTexts()).toHaveLength(3)
      const tasks = page.getByRole('list', { name: 'Contenido de 1.1.1' })
      expect(await tasks.getByRole('link').count()).toBe(3)
      const task = tasks.getByRole('link', { name: /^1\.1\.1\.1 Applying and implementing agreements/ })
      expect(await task.getAttribute('href')).toBe(`/w/${slug}/tasks/${server.seeded.task.id}`)
      expect(await progressOf(/^1\.1\.1\.1 Applying/)).toBe('1 de 2 completadas · 1 vencida')
      const linePath = new URL(page.url()).pathname
      // The task page's breadcrumb leads back to its action line's page.
      await Promise.all([page.waitForURL(/\/tasks\//), task.click()])
      expect(await page.locator('nav.breadcrumb').getByRole('link', { name: /^1\.1\.1 / }).getAttribute('href')).toBe(linePath)

      await page.goto(`${server.url}/w/${slug}/plan?lng=en`)
      expect(await page.locator('html').getAttribute('lang')).toBe('en')
      expect(await page.getByRole('heading', { level: 2, name: 'General objective 5 Harmonization and coordination of the migratory legislation.', exact: true }).count()).toBe(1)
      expect(await progressOf(/^Action line 1\.1\.1 /)).toBe('1 of 2 completed · 1 overdue')
      expect(await page.getByRole('link', { name: 'See the 3 tasks of 1.1.1', exact: true }).getAttribute('href')).toBe(linePath)
      await page.goto(`${server.url}${linePath}`)
      expect(await progressOf(/^1\.1\.1\.1 Applying/)).toBe('1 of 2 completed · 1 overdue')
      expect(await page.title()).toMatch(/^1\.1\.1 .+ · Ruta$/)
    } finally {
      await context.close()
    }
  })

  it('is not found for someone who is not a member of the workspace', async () => {
    const { slug } = server.seeded.workspace
    const { context, page } = await signedInPage(server.seeded.outsider.user.email, `/w/${server.seeded.outsider.actor.memberships[0]?.slug}/plan`)
    try {
      const response = await page.goto(`${server.url}/w/${slug}/plan?lng=en`)
      expect(response?.status()).toBe(404)
      expect(await page.getByRole('alert').innerText()).toBe('This workspace does not exist or you are not a member of it.')
    } finally {
      await context.close()
    }
  })
})

function escape(text: string) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
