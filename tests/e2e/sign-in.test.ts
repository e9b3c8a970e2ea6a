import type { Browser } from 'playwright-core'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { db } from '#server/db.ts'
import { createWorkspace } from '#tests/factories/index.ts'
import { createMemberWithPassword, TEST_PASSWORD } from '#tests/factories/auth.ts'
import { launchBrowser, signIn } from './support/browser.ts'
import { startTestServer, type TestServer } from './support/server.ts'

// Sign-in, sign-out and the expired-session draft in a real browser, with
// JavaScript on (the HTTP tests cover the same without it).
async function seed() {
  const workspace = await createWorkspace(db)
  const { user } = await createMemberWithPassword(db, workspace, 'focal_point', { countryCode: 'EC', email: `fp-${workspace.slug}@example.org` })
  return { workspace, user }
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

describe('signing in with a browser', () => {
  it('announces a wrong password, then signs in, and signs out with the header button', async () => {
    const context = await browser.newContext({ locale: 'en-US' })
    context.setDefaultTimeout(10_000)
    const page = await context.newPage()
    await page.goto(`${server.url}/login`)
    await page.getByLabel('Email').fill(server.seeded.user.email)
    await page.getByLabel('Password').fill('certainly not the password')
    await page.getByRole('button', { name: 'Sign in' }).click()
    await expect.poll(() => page.getByRole('alert').textContent()).toBe('The email address or the password is not correct.')
    // The address stays; focus goes to the password to try again.
    expect(await page.getByLabel('Email').inputValue()).toBe(server.seeded.user.email)
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('login-password')

    await page.getByLabel('Password').fill(TEST_PASSWORD)
    await Promise.all([page.waitForURL((url) => url.pathname.startsWith(`/w/${server.seeded.workspace.slug}`)), page.getByRole('button', { name: 'Sign in' }).click()])
    const cookies = await context.cookies()
    expect(cookies.find((c) => c.name === 'ruta_session')).toMatchObject({ httpOnly: true, sameSite: 'Lax' })

    // The focal point's own language is Spanish: switch to English for the button's name.
    await page.goto(`${server.url}/settings?lng=en`)
    await Promise.all([page.waitForURL((url) => url.pathname === '/login'), page.getByRole('button', { name: 'Sign out' }).click()])
    expect((await context.cookies()).find((c) => c.name === 'ruta_session')).toBeUndefined()
    await context.close()
  })

  it('keeps what was typed in a form whose session expired, and puts it back after signing in again', async () => {
    const context = await browser.newContext({ locale: 'en-US' })
    context.setDefaultTimeout(10_000)
    const page = await context.newPage()
    // The focal point's own language is Spanish; ?lng=en sets the language cookie for what follows.
    await signIn(page, server.url, server.seeded.user.email, TEST_PASSWORD, '/settings?lng=en')
    const typed = 'Ana Lucía Cevallos — punto focal Ecuador'
    await page.getByLabel('Name', { exact: true }).fill(typed)

    // Meanwhile the session ends.
    await db.updateTable('user_session').set({ expires_at: sql<Date>`now() - interval '1 second'` }).where('user_id', '=', server.seeded.user.id).execute()
    await Promise.all([page.waitForURL((url) => url.pathname === '/login'), page.getByRole('button', { name: 'Save profile' }).click()])
    expect(new URL(page.url()).searchParams.get('redirectTo')).toBe('/settings')
    await expect.poll(() => page.getByText('Your session expired. Sign in again: what you typed was kept.').count()).toBe(1)

    await page.getByLabel('Email').fill(server.seeded.user.email)
    await page.getByLabel('Password').fill(TEST_PASSWORD)
    await Promise.all([page.waitForURL((url) => url.pathname === '/settings'), page.getByRole('button', { name: 'Sign in' }).click()])
    await expect.poll(() => page.getByLabel('Name', { exact: true }).inputValue()).toBe(typed)
    expect(await page.getByText('We kept what you had typed before your session expired.').count()).toBe(1)

    await page.getByRole('button', { name: 'Save profile' }).click()
    await expect.poll(() => page.getByText('Changes saved.').count()).toBe(1)
    const saved = await db.selectFrom('app_user').select('name').where('id', '=', server.seeded.user.id).executeTakeFirstOrThrow()
    expect(saved.name).toBe(typed)
    await context.close()
  })
})
