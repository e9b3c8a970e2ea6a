import AxeBuilder from '@axe-core/playwright'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createSession } from '#server/auth/session.ts'
import { db } from '#server/db.ts'
import { createMember, createUser, createWorkspace } from '#tests/factories/index.ts'
import { launchBrowser } from './support/browser.ts'
import { startTestServer, type TestServer } from './support/server.ts'

/**
 * /w/<slug>/setup in a real browser (and with JavaScript turned off): a member
 * state added by keyboard, a refused edit shown next to its form, a
 * partner organisation added; axe (WCAG 2.1 A/AA) on each state; and the
 * admin's create form with its member-state choices.
 */
async function seed() {
  const workspace = await createWorkspace(db, { countries: ['AR', 'BR'] })
  const { user } = await createMember(db, workspace, 'secretariat', { name: 'Sofía Secretariat' })
  await createMember(db, workspace, 'focal_point', { countryCode: 'AR' })
  const admin = await createUser(db, { isAdmin: true, name: 'Root' })
  return { workspace, secretariatId: user.id, adminId: admin.id }
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

async function pageAs(userId: string, javaScriptEnabled = true): Promise<Page> {
  const context = await browser.newContext({ locale: 'en-US', javaScriptEnabled })
  contexts.push(context)
  const cookie = (await createSession(userId, { ip: '127.0.0.1', userAgent: 'setup-e2e' })).cookie.split(';')[0]
  await context.addCookies([{ name: cookie.slice(0, cookie.indexOf('=')), value: cookie.slice(cookie.indexOf('=') + 1), url: server.url }])
  return context.newPage()
}

async function axe(page: Page, label: string): Promise<string[]> {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze()
  return result.violations.flatMap((v) => v.nodes.map((n) => `${label}: ${v.id} ${n.target.join(' ')}`))
}

describe('member states and partners page', () => {
  it('works without JavaScript: a member state added with the keyboard, a refusal shown in words', async () => {
    const { workspace, secretariatId } = server.seeded
    const page = await pageAs(secretariatId, false)
    expect((await page.goto(`${server.url}/w/${workspace.slug}/setup?lng=en`))?.status()).toBe(200)
    await page.locator('#add-country-code').focus()
    await page.keyboard.type('pe')
    await Promise.all([page.waitForLoadState('load'), page.keyboard.press('Enter')])
    expect(await page.getByRole('status').innerText()).toBe('Peru (PE) was added.')
    await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: 'Remove Argentina' }).click()])
    expect(await page.getByRole('alert').first().innerText()).toContain('AR cannot be removed')
  })

  it('adds a member state by keyboard, shows a refused edit next to its form, adds a partner; no axe violations', async () => {
    const { workspace, secretariatId } = server.seeded
    const page = await pageAs(secretariatId)
    const url = `${server.url}/w/${workspace.slug}/setup?lng=en`
    expect((await page.goto(url))?.status()).toBe(200)
    const found = await axe(page, 'setup')
    await expect(page.getByRole('link', { name: 'States and partners' }).getAttribute('aria-current')).resolves.toBe('page')

    // Keyboard only: focus the code field, type, submit with Enter.
    await page.locator('#add-country-code').focus()
    await page.keyboard.type('uy')
    await page.keyboard.press('Enter')
    await page.getByRole('status').filter({ hasText: 'Uruguay (UY) was added.' }).waitFor()
    await page.getByRole('rowheader', { name: 'UY' }).waitFor()
    expect(await page.locator('#add-country-code').inputValue()).toBe('')

    // A refused edit: the form stays open with what was typed, its message is an alert tied to the field.
    await page.locator('summary[aria-label="Edit Brazil"]').click()
    const brForm = page.getByRole('form', { name: 'Edit Brazil' })
    await brForm.getByLabel('Time zone').fill('Brasilia')
    await brForm.getByRole('button', { name: 'Save' }).click()
    await page.getByRole('alert').first().waitFor()
    await expect(page.getByRole('alert').first().innerText()).resolves.toBe('The time zone is not a known IANA zone (for example America/Lima).')
    const field = page.getByRole('form', { name: 'Edit Brazil' }).getByLabel('Time zone')
    await expect(field.inputValue()).resolves.toBe('Brasilia')
    await expect(field.getAttribute('aria-invalid')).resolves.toBe('true')
    found.push(...(await axe(page, 'setup (refused edit)')))

    // Removing a member state a focal point belongs to is refused in words.
    await page.getByRole('button', { name: 'Remove Argentina' }).click()
    await page.getByRole('alert').filter({ hasText: 'AR cannot be removed' }).waitFor()

    await page.locator('#add-organisation-code').fill('UNHCR')
    await page.locator('#add-organisation-name').fill('UN Refugee Agency')
    await page.getByRole('button', { name: 'Add the organisation' }).click()
    await page.getByRole('rowheader', { name: 'UNHCR' }).waitFor()
    await expect(page.getByRole('status').innerText()).resolves.toBe('UNHCR was added.')
    found.push(...(await axe(page, 'setup (organisation added)')))
    if (process.env.SETUP_SCREENSHOT) await page.screenshot({ path: process.env.SETUP_SCREENSHOT, fullPage: true })
    expect(found).toEqual([])
  })

  it('the admin’s create form with member-state choices has no axe violations', async () => {
    const page = await pageAs(server.seeded.adminId)
    expect((await page.goto(`${server.url}/admin?lng=en`))?.status()).toBe(200)
    expect(await page.getByRole('group', { name: 'Member states (optional)' }).getByRole('checkbox').count()).toBe(12)
    expect(await axe(page, 'admin')).toEqual([])
  })
})
