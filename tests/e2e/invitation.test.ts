import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hashPassword } from '#server/auth/password.ts'
import { createMember, createWorkspace } from '#tests/factories/index.ts'
import { launchBrowser, signIn } from './support/browser.ts'
import { startTestServer, type TestServer } from './support/server.ts'

// The secretariat invites a focal point; the invitee reads the e-mail in the
// local outbox (/dev/emails), opens the link, sets name and password, lands
// in the workspace, and can sign in again later.
const SECRETARIAT_PASSWORD = 'steady-invite-lantern-31'
const INVITEE_PASSWORD = 'marble-river-toucan-88'

let server: TestServer<Awaited<ReturnType<typeof seed>>>
let browser: Browser

async function seed() {
  const { db } = await import('#server/db.ts')
  const workspace = await createWorkspace(db, { name: 'Andean Follow-up' })
  const secretariat = await createMember(db, workspace, 'secretariat', {
    email: `sec-${workspace.slug}@example.org`,
    name: 'Sara Secretaria',
    passwordHash: await hashPassword(SECRETARIAT_PASSWORD),
  })
  return { workspace, secretariat, invitee: `fp.br-${workspace.slug}@example.org` }
}

beforeAll(async () => {
  server = await startTestServer(seed)
  browser = await launchBrowser()
}, 300_000)

afterAll(async () => {
  await browser?.close()
  await server?.close()
})

/** Opens the newest message to `to` on /dev/emails and returns its text part. */
async function readMail(page: Page, to: string): Promise<string> {
  await page.goto(`${server.url}/dev/emails?lng=en`)
  const row = page.getByRole('row').filter({ hasText: to }).first()
  await row.getByRole('link').click()
  await page.waitForURL(/\/dev\/emails\/[0-9a-f-]{36}/)
  return page.getByTestId('email-text').innerText()
}

describe('inviting a focal point', () => {
  it('from the members page to a signed-in focal point who can sign in again', async () => {
    const { workspace, secretariat, invitee } = server.seeded
    const members = `/w/${workspace.slug}/members`

    // The secretariat invites.
    const secContext = await browser.newContext({ locale: 'en-US' })
    const sec = await secContext.newPage()
    sec.setDefaultTimeout(10_000)
    await signIn(sec, server.url, secretariat.user.email, SECRETARIAT_PASSWORD, members)
    await sec.goto(`${server.url}${members}?lng=en`)
    const form = sec.getByRole('form', { name: 'Invite someone' })
    await form.getByLabel('Their email address').fill(invitee)
    await form.getByLabel('Role', { exact: true }).selectOption({ label: 'Focal point' })
    await form.getByLabel('Country (focal points)').selectOption({ label: 'Brazil (BR)' })
    await form.getByRole('button', { name: 'Send the invitation' }).click()
    await expect.poll(() => sec.getByRole('status').innerText()).toBe(`Invitation sent to ${invitee}.`)
    expect(await sec.getByRole('table', { name: 'Pending invitations' }).innerText()).toContain(invitee)
    await secContext.close()

    // The invitee reads the e-mail (in Portuguese: Brazil's language) and opens the link.
    const context = await browser.newContext({ locale: 'en-US' })
    const page = await context.newPage()
    page.setDefaultTimeout(10_000)
    try {
      const text = await readMail(page, invitee)
      expect(text).toContain('Aceitar o convite')
      expect(text).toContain('Sara Secretaria')
      expect(await page.frameLocator('iframe.dev-email-frame').getByRole('link', { name: 'Aceitar o convite' }).count()).toBe(1)
      const link = /(http:\/\/[^\s]+\/invite\/[0-9a-f]{64})/.exec(text)?.[1]
      expect(link).toMatch(/\/invite\/[0-9a-f]{64}$/)

      await page.goto(`${link}?lng=en`)
      expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Invitation to Andean Follow-up')
      await page.getByLabel('Your name').fill('Bruna Brasil')
      await page.getByLabel('Password', { exact: true }).fill(INVITEE_PASSWORD)
      await page.getByLabel('Password again').fill('not the same password')
      await page.getByRole('button', { name: 'Join Andean Follow-up' }).click()
      await expect.poll(() => page.getByRole('alert').innerText()).toBe('The two passwords do not match.')
      expect(await page.getByLabel('Your name').inputValue()).toBe('Bruna Brasil')

      await page.getByLabel('Password', { exact: true }).fill(INVITEE_PASSWORD)
      await page.getByLabel('Password again').fill(INVITEE_PASSWORD)
      await Promise.all([page.waitForURL(`${server.url}/w/${workspace.slug}`), page.getByRole('button', { name: 'Join Andean Follow-up' }).click()])
      // Signed in: the header names them.
      expect(await page.locator('header .user-name').innerText()).toBe('Bruna Brasil')

      // The link is used up.
      await page.goto(`${link}?lng=en`)
      expect(await page.getByRole('alert').innerText()).toBe('This invitation has already been used.')

      // Signed out, they sign in again with the password they chose.
      await context.clearCookies()
      await signIn(page, server.url, invitee, INVITEE_PASSWORD, `/w/${workspace.slug}`)
      expect(new URL(page.url()).pathname).toBe(`/w/${workspace.slug}`)
    } finally {
      await context.close()
    }
  })

  it('a focal point who opens the members page is refused', async () => {
    const { workspace, invitee } = server.seeded
    const context = await browser.newContext({ locale: 'en-US' })
    const page = await context.newPage()
    page.setDefaultTimeout(10_000)
    try {
      await signIn(page, server.url, invitee, INVITEE_PASSWORD, `/w/${workspace.slug}`)
      const response = await page.goto(`${server.url}/w/${workspace.slug}/members?lng=en`)
      expect(response?.status()).toBe(403)
      expect(await page.getByRole('alert').innerText()).toBe('You do not have permission to see this page.')
    } finally {
      await context.close()
    }
  })
})
