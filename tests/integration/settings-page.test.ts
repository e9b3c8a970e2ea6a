import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { db } from '#server/db.ts'
import { createWorkspace, type TestWorkspace } from '#tests/factories/index.ts'
import { createSignedInMember, TEST_PASSWORD } from '#tests/factories/auth.ts'
import { startHttpApp, type HttpApp } from '#tests/support/http-app.ts'

// The settings page over HTTP, without JavaScript (plain form posts), and
// the promise that a form posted after the session expired loses nothing.
let app: HttpApp | undefined
let base = ''
let workspace: TestWorkspace

beforeAll(async () => {
  app = await startHttpApp()
  base = app.base
  workspace = await createWorkspace(db)
})
afterAll(() => app?.close())

/** Cookies as a browser keeps them: Set-Cookie with Max-Age=0 removes. */
class Jar {
  private cookies = new Map<string, string>()
  constructor(initial?: string) {
    if (initial) this.take([initial])
  }
  take(setCookies: string[]) {
    for (const c of setCookies) {
      const [pair] = c.split(';')
      const [name, ...rest] = pair.split('=')
      if (/Max-Age=0\b/.test(c) || rest.join('=') === '') this.cookies.delete(name)
      else this.cookies.set(name, rest.join('='))
    }
  }
  header() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ')
  }
  has(name: string) {
    return this.cookies.has(name)
  }
}

async function get(jar: Jar, path: string) {
  const response = await fetch(`${base}${path}`, { redirect: 'manual', headers: { Cookie: jar.header() } })
  jar.take(response.headers.getSetCookie())
  return response
}

async function post(jar: Jar, path: string, fields: Record<string, string>) {
  const response = await fetch(`${base}${path}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { Cookie: jar.header(), Origin: base, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  })
  jar.take(response.headers.getSetCookie())
  return response
}

describe('/settings', () => {
  it('sends anonymous visitors to sign in and back', async () => {
    const response = await get(new Jar(), '/settings')
    expect(response.status).toBe(303)
    expect(response.headers.get('location')).toBe('/login?redirectTo=%2Fsettings')
  })

  it('saves name, language, time zone and digest frequency, refusing a time zone that does not exist', async () => {
    const member = await createSignedInMember(db, workspace, 'observer')
    const jar = new Jar(member.cookie)
    const page = await get(jar, '/settings?lng=en')
    expect(page.status).toBe(200)
    expect(page.headers.get('cache-control')).toBe('no-store')
    const html = await page.text()
    expect(html).toMatch(/<label for="settings-name">Name<\/label>/)
    // The user's zone (from their workspace) is offered and selected, as are the member states' zones.
    expect(/<option value="America\/Lima" selected="">/.test(html)).toBe(true)
    expect(html.includes('value="America/Argentina/Buenos_Aires"')).toBe(true)

    const bad = await post(jar, '/settings?lng=en', { intent: 'profile', name: 'Ana Souza', locale: 'pt', timeZone: 'Mars/Olympus_Mons', digestFrequency: 'weekly' })
    expect(bad.status).toBe(400)
    expect(await bad.text()).toContain('Choose a time zone from the list.')
    const unchanged = await db.selectFrom('app_user').select(['name', 'time_zone']).where('id', '=', member.user.id).executeTakeFirstOrThrow()
    expect(unchanged.name).not.toBe('Ana Souza')

    const ok = await post(jar, '/settings?lng=en', { intent: 'profile', name: 'Ana Souza', locale: 'pt', timeZone: 'America/Sao_Paulo', digestFrequency: 'weekly' })
    expect(ok.status).toBe(200)
    expect(await db.selectFrom('app_user').select(['name', 'locale', 'time_zone', 'digest_frequency']).where('id', '=', member.user.id).executeTakeFirstOrThrow()).toEqual({
      name: 'Ana Souza',
      locale: 'pt',
      time_zone: 'America/Sao_Paulo',
      digest_frequency: 'weekly',
    })
  })

  it('creates a personal API token shown once, lists it, and revokes it', async () => {
    const member = await createSignedInMember(db, workspace, 'observer')
    const jar = new Jar(member.cookie)
    const created = await post(jar, '/settings?lng=en', { intent: 'createToken', tokenName: 'nightly export' })
    expect(created.status).toBe(200)
    const html = await created.text()
    const token = /data-testid="new-api-token">(ruta_[0-9a-f]{64})</.exec(html)?.[1]
    expect(token).toBeDefined()
    const me = await fetch(`${base}/api/trpc/auth.me`, { headers: { Authorization: `Bearer ${token}` } })
    expect(me.status).toBe(200)

    const later = await (await get(jar, '/settings?lng=en')).text()
    expect(later).toContain('nightly export')
    expect(later).not.toContain(token!)

    const row = await db.selectFrom('api_token').select('id').where('user_id', '=', member.user.id).executeTakeFirstOrThrow()
    const revoked = await post(jar, '/settings?lng=en', { intent: 'revokeToken', tokenId: row.id })
    expect(revoked.status).toBe(200)
    expect((await fetch(`${base}/api/trpc/auth.me`, { headers: { Authorization: `Bearer ${token}` } })).status).toBe(401)
  })

  it('refuses account changes made with an API token instead of a browser session', async () => {
    const member = await createSignedInMember(db, workspace, 'observer')
    const { createApiToken } = await import('#server/auth/api-token.ts')
    const { token } = await createApiToken(member.user.id, 'script')
    const response = await fetch(`${base}/settings`, {
      method: 'POST',
      redirect: 'manual',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ intent: 'createToken', tokenName: 'minted by a token' }).toString(),
    })
    expect(response.status).toBe(403)
    expect(await db.selectFrom('api_token').select('id').where('name', '=', 'minted by a token').executeTakeFirst()).toBeUndefined()
  })

  it('lists sessions and signs out everywhere else', async () => {
    const member = await createSignedInMember(db, workspace, 'observer')
    const { createSession } = await import('#server/auth/session.ts')
    const phone = await createSession(member.user.id, { ip: '10.1.2.3', userAgent: 'PhoneBrowser/1.0' })
    const jar = new Jar(member.cookie)
    const html = await (await get(jar, '/settings?lng=en')).text()
    expect(html).toContain('PhoneBrowser/1.0')
    expect(html).toContain('10.1.2.3')
    expect(html).toContain('This session')
    const response = await post(jar, '/settings?lng=en', { intent: 'signOutOthers' })
    expect(response.status).toBe(200)
    expect(await response.text()).toContain('1 session was signed out.')
    expect(await db.selectFrom('user_session').select('id').where('id', '=', phone.session.id).executeTakeFirst()).toBeUndefined()
    expect(await db.selectFrom('user_session').select('id').where('id', '=', member.sessionId).executeTakeFirst()).toBeDefined()
  })

  it('changes the password, ending the other sessions', async () => {
    const member = await createSignedInMember(db, workspace, 'observer')
    const { createSession } = await import('#server/auth/session.ts')
    const other = await createSession(member.user.id, {})
    const jar = new Jar(member.cookie)
    const wrong = await post(jar, '/settings?lng=en', { intent: 'password', currentPassword: 'wrong wrong wrong', newPassword: 'a sturdy new passphrase' })
    expect(wrong.status).toBe(400)
    expect(await wrong.text()).toContain('The current password is not correct.')
    const ok = await post(jar, '/settings?lng=en', { intent: 'password', currentPassword: TEST_PASSWORD, newPassword: 'a sturdy new passphrase' })
    expect(ok.status).toBe(200)
    expect(await ok.text()).toContain('Password changed. 1 session on other devices was signed out.')
    expect(await db.selectFrom('user_session').select('id').where('id', '=', other.session.id).executeTakeFirst()).toBeUndefined()
    expect((await get(jar, '/settings')).status).toBe(200)
  })
})

describe('a form submitted after the session expired', () => {
  it('keeps what was typed: sign in again and land back on the form with the text', async () => {
    const member = await createSignedInMember(db, workspace, 'focal_point', { countryCode: 'PE' })
    const jar = new Jar(member.cookie)
    expect((await get(jar, '/settings')).status).toBe(200)

    // The session ends (idle) while the user is typing.
    await db.updateTable('user_session').set({ expires_at: sql<Date>`now() - interval '1 second'` }).where('id', '=', member.sessionId).execute()
    const typed = 'María José Quispe Mamani — punto focal'
    const submitted = await post(jar, '/settings?lng=en', { intent: 'profile', name: typed, locale: 'pt', timeZone: 'America/Lima' })
    expect(submitted.status).toBe(303)
    expect(submitted.headers.get('location')).toBe('/login?redirectTo=%2Fsettings')
    expect(jar.has('ruta_session')).toBe(false)
    expect(jar.has('ruta_draft')).toBe(true)
    // Nothing was saved without a session.
    expect((await db.selectFrom('app_user').select('name').where('id', '=', member.user.id).executeTakeFirstOrThrow()).name).not.toBe(typed)
    // The draft is kept server-side under a hash; the cookie only holds a random token.
    const drafts = await db.selectFrom('form_draft').selectAll().execute()
    expect(drafts).toHaveLength(1)
    expect(drafts[0].path).toBe('/settings')
    expect(drafts[0].fields).toMatchObject({ intent: 'profile', name: typed })

    const login = await get(jar, '/login?redirectTo=%2Fsettings&lng=en')
    expect(await login.text()).toContain('Your session expired. Sign in again: what you typed was kept.')
    const signedIn = await post(jar, '/login?redirectTo=%2Fsettings', { email: member.user.email, password: TEST_PASSWORD, redirectTo: '/settings' })
    expect(signedIn.status).toBe(303)
    expect(signedIn.headers.get('location')).toBe('/settings')

    const back = await get(jar, '/settings?lng=en')
    expect(back.status).toBe(200)
    const html = await back.text()
    expect(html).toContain('We kept what you had typed before your session expired.')
    expect(html).toContain(`value="${typed}"`)
    expect(html).toMatch(/<option value="pt"[^>]*selected=""/)
    // Taken once: the row is gone and the cookie cleared.
    expect(await db.selectFrom('form_draft').selectAll().execute()).toHaveLength(0)
    expect(jar.has('ruta_draft')).toBe(false)
    expect(await (await get(jar, '/settings?lng=en')).text()).not.toContain(`value="${typed}"`)
  })

  it('never keeps passwords', async () => {
    const member = await createSignedInMember(db, workspace, 'observer')
    const jar = new Jar(member.cookie)
    await db.deleteFrom('user_session').where('id', '=', member.sessionId).execute()
    const submitted = await post(jar, '/settings', { intent: 'password', currentPassword: TEST_PASSWORD, newPassword: 'a sturdy new passphrase' })
    expect(submitted.status).toBe(303)
    const drafts = await db.selectFrom('form_draft').select('fields').execute()
    expect(JSON.stringify(drafts)).not.toContain(TEST_PASSWORD)
    expect(JSON.stringify(drafts)).not.toContain('sturdy')
  })
})
