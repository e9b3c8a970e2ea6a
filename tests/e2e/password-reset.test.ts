import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hashPassword } from '#server/auth/password.ts'
import { createMember, createWorkspace } from '#tests/factories/index.ts'
import { launchBrowser, signIn } from './support/browser.ts'
import { startTestServer, type TestServer } from './support/server.ts'

// "Forgot password" end to end: the link arrives in the local outbox, the
// new password works, the old one and the used link no longer do.
const OLD_PASSWORD = 'forgotten-walnut-harbor-12'
const NEW_PASSWORD = 'remembered-cobalt-heron-73'

let server: TestServer<Awaited<ReturnType<typeof seed>>>
let browser: Browser

async function seed() {
  const { db } = await import('#server/db.ts')
  const workspace = await createWorkspace(db)
  const member = await createMember(db, workspace, 'focal_point', { countryCode: 'PE', email: `fp.pe-${workspace.slug}@example.org`, passwordHash: await hashPassword(OLD_PASSWORD) })
  return { workspace, member }
}

beforeAll(async () => {
  server = await startTestServer(seed)
  browser = await launchBrowser()
}, 300_000)

afterAll(async () => {
  await browser?.close()
  await server?.close()
})

async function readMail(page: Page, to: string): Promise<string> {
  await page.goto(`${server.url}/dev/emails?lng=en`)
  await page.getByRole('row').filter({ hasText: to }).first().getByRole('link').click()
  await page.waitForURL(/\/dev\/emails\/[0-9a-f-]{36}/)
  return page.getByTestId('email-text').innerText()
}

describe('resetting a forgotten password', () => {
  it('from the sign-in page to signed in with the new password', async () => {
    const { workspace, member } = server.seeded
    const email = member.user.email
    const context = await browser.newContext({ locale: 'en-US' })
    const page = await context.newPage()
    page.setDefaultTimeout(10_000)
    try {
      await page.goto(`${server.url}/login`)
      await page.getByRole('link', { name: 'Forgot your password?' }).click()
      await page.waitForURL(`${server.url}/forgot-password`)
      await page.getByLabel('Email').fill(email)
      await page.getByRole('button', { name: 'Send the link' }).click()
      await expect.poll(() => page.getByRole('status').innerText()).toContain(`If ${email} belongs to a Ruta account`)

      const text = await readMail(page, email)
      expect(text).toContain('Choose a new password')
      const link = /(http:\/\/[^\s]+\/reset-password\/[0-9a-f]{64})/.exec(text)?.[1]
      expect(link).toMatch(/\/reset-password\/[0-9a-f]{64}$/)

      await page.goto(`${link}?lng=en`)
      // Long enough for the browser's own check, but on the list of common passwords.
      await page.getByLabel('New password', { exact: true }).fill('password1234')
      await page.getByLabel('New password again').fill('password1234')
      await page.getByRole('button', { name: 'Save the password' }).click()
      await expect.poll(() => page.getByRole('alert').innerText()).toBe('This password is too common and easy to guess. Choose another.')

      await page.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD)
      await page.getByLabel('New password again').fill(NEW_PASSWORD)
      await Promise.all([page.waitForURL(`${server.url}/w/${workspace.slug}`), page.getByRole('button', { name: 'Save the password' }).click()])

      // The link is used up.
      await page.goto(`${link}?lng=en`)
      expect(await page.getByRole('alert').innerText()).toBe('This link has already been used.')

      // The old password no longer works; the new one does.
      await context.clearCookies()
      await page.goto(`${server.url}/login`)
      await page.getByLabel('Email').fill(email)
      await page.getByLabel('Password').fill(OLD_PASSWORD)
      await page.getByRole('button', { name: 'Sign in' }).click()
      await expect.poll(() => page.getByRole('alert').innerText()).toBe('The email address or the password is not correct.')
      await signIn(page, server.url, email, NEW_PASSWORD, `/w/${workspace.slug}`)
      expect(new URL(page.url()).pathname).toBe(`/w/${workspace.slug}`)
    } finally {
      await context.close()
    }
  })
})
