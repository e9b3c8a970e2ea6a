import { chromium, type Browser, type Page } from 'playwright-core'

/** Debian's Chromium, headless, with nothing that phones home. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless=new',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
}

/**
 * Signs in through the /login form, as a person would, and waits to land on
 * `redirectTo`. The labels are the English ones: give the page a context with
 * an English locale (`browser.newContext({ locale: "en-US" })`).
 */
export async function signIn(page: Page, baseUrl: string, email: string, password: string, redirectTo: string) {
  await page.goto(`${baseUrl}/login?redirectTo=${encodeURIComponent(redirectTo)}`)
  await page.getByLabel('Email').fill(email)
  await page.getByLabel('Password').fill(password)
  await Promise.all([
    page.waitForURL((url) => url.pathname === redirectTo.split('?')[0]),
    page.getByRole('button', { name: 'Sign in' }).click(),
  ])
}
