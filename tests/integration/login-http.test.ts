import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { db } from '#server/db.ts'
import { createWorkspace, type TestWorkspace } from '#tests/factories/index.ts'
import { createMemberWithPassword, createSignedInMember, TEST_PASSWORD } from '#tests/factories/auth.ts'
import { startHttpApp, type HttpApp } from '#tests/support/http-app.ts'

// Sign-in, sign-out and the HTTP security rules, against the real Express
// app serving the real Remix build, on a random port.
let app: HttpApp | undefined
let base = ''
let workspace: TestWorkspace

async function serve() {
  app = await startHttpApp()
  base = app.base
}

async function stopServer() {
  await app?.close()
  app = undefined
}

function form(fields: Record<string, string>) {
  return new URLSearchParams(fields).toString()
}

function postLogin(fields: Record<string, string>, headers: Record<string, string> = {}) {
  return fetch(`${base}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: base, 'Accept-Language': 'en', ...headers },
    body: form(fields),
  })
}

const GENERIC = 'The email address or the password is not correct.'

beforeAll(async () => {
  workspace = await createWorkspace(db)
  await serve()
})
afterAll(stopServer)

describe('GET /login', () => {
  it('shows a form labelled Email and Password with a Sign in button, a link to reset the password, and security headers', async () => {
    const response = await fetch(`${base}/login`, { headers: { 'Accept-Language': 'en' } })
    expect(response.status).toBe(200)
    const html = await response.text()
    expect(html).toMatch(/<label for="login-email">Email<\/label>/)
    expect(html).toMatch(/<label for="login-password">Password<\/label>/)
    expect(html).toMatch(/<button type="submit"[^>]*>Sign in<\/button>/)
    expect(html).toMatch(/autoComplete="username"|autocomplete="username"/)
    expect(html).toMatch(/autocomplete="current-password"/i)
    expect(html).toContain('href="/forgot-password"')

    const csp = response.headers.get('content-security-policy') ?? ''
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1]
    expect(nonce).toBeTruthy()
    expect(csp).toContain("frame-ancestors 'none'")
    const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0])
    expect(scripts.length).toBeGreaterThan(0)
    for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`)
    expect(response.headers.get('x-content-type-options')).toBe('nosniff')
    expect(response.headers.get('referrer-policy')).toBeTruthy()
    // http APP_URL: no HSTS.
    expect(response.headers.get('strict-transport-security')).toBeNull()
  })

  it('is in Spanish by default and Portuguese on request', async () => {
    expect(await (await fetch(`${base}/login`)).text()).toContain('Correo electrónico')
    expect(await (await fetch(`${base}/login?lng=pt`)).text()).toContain('Senha')
  })
})

describe('POST /login', () => {
  it('signs in: 303 to the first workspace with a fresh HttpOnly, SameSite=Lax session cookie', async () => {
    const { user } = await createMemberWithPassword(db, workspace, 'observer')
    const response = await postLogin({ email: user.email.toUpperCase(), password: TEST_PASSWORD })
    expect(response.status).toBe(303)
    expect(response.headers.get('location')).toBe(`/w/${workspace.slug}`)
    const cookie = response.headers.getSetCookie().find((c) => c.startsWith('ruta_session='))
    expect(cookie).toBeDefined()
    expect(cookie).toMatch(/; HttpOnly/)
    expect(cookie).toMatch(/; SameSite=Lax/)
    expect(cookie).toMatch(/; Path=\//)
    expect(cookie).not.toMatch(/Secure/)

    // The cookie works: auth.me answers for this user.
    const me = await fetch(`${base}/api/trpc/auth.me`, { headers: { Cookie: cookie!.split(';')[0] } })
    expect(me.status).toBe(200)
    expect((await me.json()).result.data.user.email).toBe(user.email)
    const logged = await db.selectFrom('activity').select(['action', 'after']).where('actor_id', '=', user.id).execute()
    expect(logged.map((a) => a.action)).toContain('auth.signed_in')
    expect(JSON.stringify(logged)).not.toContain(TEST_PASSWORD)
  })

  it('issues a fresh session and ends the one the browser already had', async () => {
    const before = await createSignedInMember(db, workspace, 'observer')
    const { user } = await createMemberWithPassword(db, workspace, 'observer')
    const response = await postLogin({ email: user.email, password: TEST_PASSWORD }, { Cookie: before.cookieHeader })
    expect(response.status).toBe(303)
    const cookie = response.headers.getSetCookie().find((c) => /^ruta_session=[0-9a-f]/.test(c))
    expect(cookie).toBeDefined()
    expect(cookie).not.toContain(before.token)
    expect(await db.selectFrom('user_session').select('id').where('id', '=', before.sessionId).executeTakeFirst()).toBeUndefined()
  })

  it('goes to a same-origin redirectTo, and ignores foreign ones', async () => {
    const { user } = await createMemberWithPassword(db, workspace, 'observer')
    const to = async (redirectTo: string) => (await postLogin({ email: user.email, password: TEST_PASSWORD, redirectTo })).headers.get('location')
    expect(await to('/settings?tab=tokens')).toBe('/settings?tab=tokens')
    for (const evil of ['//evil.example', 'https://evil.example/x', '/\\evil.example', '\\\\evil.example', 'javascript:alert(1)', '/\r\nevil.example', '/login']) {
      const location = await to(evil)
      expect(location, evil).toBe(`/w/${workspace.slug}`)
    }
  })

  it('answers 401 with one generic message for a wrong password and for an unknown address, keeping the email', async () => {
    const { user } = await createMemberWithPassword(db, workspace, 'observer')
    const wrong = await postLogin({ email: user.email, password: 'not the password at all' })
    expect(wrong.status).toBe(401)
    const wrongHtml = await wrong.text()
    expect(wrongHtml).toContain(GENERIC)
    expect(wrongHtml).toContain(`value="${user.email}"`)
    expect(wrong.headers.getSetCookie().some((c) => /^ruta_session=[0-9a-f]/.test(c))).toBe(false)

    const unknown = await postLogin({ email: 'nobody-here@example.org', password: 'not the password at all' })
    expect(unknown.status).toBe(401)
    const unknownHtml = await unknown.text()
    expect(unknownHtml).toContain(GENERIC)
    expect(unknownHtml).toContain('value="nobody-here@example.org"')
    // Nothing else on the page differs: the same error block.
    const block = (html: string) => /<p class="form-error"[^>]*>[^<]*<\/p>/.exec(html)?.[0]
    expect(block(unknownHtml)).toBe(block(wrongHtml))

    const failed = await db.selectFrom('activity').select(['subject_id', 'after']).where('action', '=', 'auth.sign_in_failed').execute()
    expect(failed.map((f) => (f.after as { email: string }).email)).toEqual(expect.arrayContaining([user.email, 'nobody-here@example.org']))
  })

  it('refuses a member whose only membership is deactivated, with the same message', async () => {
    const { user } = await createMemberWithPassword(db, workspace, 'focal_point', { countryCode: 'BO' })
    await db.updateTable('membership').set({ deactivated_at: new Date() }).where('user_id', '=', user.id).execute()
    const response = await postLogin({ email: user.email, password: TEST_PASSWORD })
    expect(response.status).toBe(401)
    expect(await response.text()).toContain(GENERIC)
  })

  it('answers 429 with when to retry after 5 failures for one account from one address, even with the right password', async () => {
    const { user } = await createMemberWithPassword(db, workspace, 'observer')
    for (let i = 0; i < 5; i++) expect((await postLogin({ email: user.email, password: `wrong guess ${i}` })).status).toBe(401)
    const throttled = await postLogin({ email: user.email, password: TEST_PASSWORD })
    expect(throttled.status).toBe(429)
    expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(await throttled.text()).toMatch(/Too many attempts\. Try again in 1[45] minutes\./)
  })

  it('refuses an empty address with a message naming the field', async () => {
    const response = await postLogin({ email: '', password: 'whatever it is' })
    expect(response.status).toBe(400)
    expect(await response.text()).toContain('Enter your email address.')
  })
})

describe('sign-out', () => {
  it('GET /logout only shows a button; POST ends the session, clears the cookie and goes to /login', async () => {
    const member = await createSignedInMember(db, workspace, 'observer')
    const page = await fetch(`${base}/logout?lng=en`, { headers: { Cookie: member.cookieHeader } })
    expect(page.status).toBe(200)
    expect(await page.text()).toMatch(/<button type="submit">Sign out<\/button>/)
    expect(await db.selectFrom('user_session').select('id').where('id', '=', member.sessionId).executeTakeFirst()).toBeDefined()

    const response = await fetch(`${base}/logout`, { method: 'POST', redirect: 'manual', headers: { Cookie: member.cookieHeader, Origin: base } })
    expect(response.status).toBe(303)
    expect(response.headers.get('location')).toBe('/login')
    expect(response.headers.getSetCookie().at(-1)).toMatch(/^ruta_session=; .*Max-Age=0/)
    expect(await db.selectFrom('user_session').select('id').where('id', '=', member.sessionId).executeTakeFirst()).toBeUndefined()
    const me = await fetch(`${base}/api/trpc/auth.me`, { headers: { Cookie: member.cookieHeader } })
    expect(me.status).toBe(401)
  })
})

describe('the Origin rule and tRPC bodies', () => {
  it('refuses cookie-authenticated POSTs with a missing, null or foreign Origin (403)', async () => {
    const member = await createSignedInMember(db, workspace, 'observer')
    const post = (origin: string | undefined, path = '/logout') =>
      fetch(`${base}${path}`, {
        method: 'POST',
        redirect: 'manual',
        headers: { Cookie: member.cookieHeader, 'Content-Type': 'application/x-www-form-urlencoded', ...(origin === undefined ? {} : { Origin: origin }) },
        body: '',
      })
    expect((await post(undefined)).status).toBe(403)
    expect((await post('null')).status).toBe(403)
    expect((await post('https://evil.example')).status).toBe(403)
    expect((await post(undefined, '/settings')).status).toBe(403)
    // The session survived all of them.
    expect(await db.selectFrom('user_session').select('id').where('id', '=', member.sessionId).executeTakeFirst()).toBeDefined()
    // The same request with our Origin goes through.
    expect((await post(base)).status).toBe(303)
  })

  it('exempts Bearer-token calls from the Origin rule', async () => {
    const { createApiToken } = await import('#server/auth/api-token.ts')
    const member = await createSignedInMember(db, workspace, 'observer')
    const { token } = await createApiToken(member.user.id, 'script')
    const response = await fetch(`${base}/api/trpc/auth.me?batch=1`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ 0: {} }),
    })
    // Past the Origin rule: tRPC itself answers (a query is not callable with POST).
    expect(response.status).not.toBe(403)
    expect(response.headers.get('content-type')).toMatch(/application\/json/)
  })

  it('refuses form-encoded tRPC bodies (415)', async () => {
    const member = await createSignedInMember(db, workspace, 'observer')
    const response = await fetch(`${base}/api/trpc/auth.me`, {
      method: 'POST',
      headers: { Cookie: member.cookieHeader, Origin: base, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'a=1',
    })
    expect(response.status).toBe(415)
  })
})

describe('with an https APP_URL', () => {
  const saved = { APP_URL: process.env.APP_URL, SESSION_SECRET: process.env.SESSION_SECRET }
  afterEach(async () => {
    await stopServer()
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k]
      else process.env[k] = v
    }
    await serve()
  })

  it('sends HSTS and issues a Secure __Host- session cookie', async () => {
    await stopServer()
    process.env.APP_URL = 'https://ruta.example.org'
    process.env.SESSION_SECRET = 'x'.repeat(40)
    await serve()
    const page = await fetch(`${base}/login`)
    expect(page.headers.get('strict-transport-security')).toMatch(/max-age=\d+/)
    const { user } = await createMemberWithPassword(db, workspace, 'observer')
    // As behind the TLS-terminating proxy on loopback: the public host and scheme.
    const response = await postLogin(
      { email: user.email, password: TEST_PASSWORD },
      { Origin: 'https://ruta.example.org', 'X-Forwarded-Host': 'ruta.example.org', 'X-Forwarded-Proto': 'https' },
    )
    expect(response.status).toBe(303)
    const cookie = response.headers.getSetCookie().find((c) => c.startsWith('__Host-ruta_session='))
    expect(cookie).toMatch(/; Secure/)
    expect(cookie).toMatch(/; HttpOnly/)
    expect(cookie).toMatch(/; Path=\//)
    expect(cookie).not.toMatch(/Domain=/)
  })
})
