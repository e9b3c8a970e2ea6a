import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { deliver } from '#emails/transport.ts'
import { db } from '#server/db.ts'
import { resetEnvForTests } from '#server/env.ts'
import { createSignedInMember, TEST_PASSWORD } from '#tests/factories/auth.ts'
import { latestMailTo, linkIn } from '#tests/factories/accounts.ts'
import { createMember, createUser, createWorkspace, type TestWorkspace } from '#tests/factories/index.ts'
import { createSession } from '#server/auth/session.ts'
import { startTestServer, type TestServer } from '#tests/e2e/support/server.ts'

// The member, invitation, reset, admin and /dev/emails pages over HTTP:
// the real Express app and Remix build on a random port, no JavaScript.
const PASSWORD = 'thistle-beacon-orchard-52'
let server: TestServer<undefined>
let ws: TestWorkspace
let secretariat: Awaited<ReturnType<typeof createSignedInMember>>

beforeAll(async () => {
  server = await startTestServer()
  ws = await createWorkspace(db)
  secretariat = await createSignedInMember(db, ws, 'secretariat', { email: 'pages.sec@example.org' })
}, 300_000)
afterAll(async () => server?.close())

/** Every page in English (`?lng=en` outranks the user's own language). */
function english(path: string) {
  return path.includes('lng=') ? path : `${path}${path.includes('?') ? '&' : '?'}lng=en`
}
function get(path: string, cookie?: string) {
  return fetch(`${server.url}${english(path)}`, { redirect: 'manual', headers: { 'Accept-Language': 'en', ...(cookie ? { Cookie: cookie } : {}) } })
}
function post(path: string, fields: Record<string, string>, cookie?: string, origin: string | null = server.url) {
  return fetch(`${server.url}${english(path)}`, {
    method: 'POST',
    redirect: 'manual',
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      'Accept-Language': 'en',
      ...(origin ? { Origin: origin } : {}),
      ...(cookie ? { Cookie: cookie } : {}),
    },
    body: new URLSearchParams(fields).toString(),
  })
}
const en = (cookie: string) => cookie
const sessionCookieOf = (response: Response) => response.headers.getSetCookie().find((c) => c.startsWith('ruta_session=')) ?? ''

describe('/w/<slug>/members', () => {
  it('shows the secretariat the members and the invite form', async () => {
    const response = await get(`/w/${ws.slug}/members`, en(secretariat.cookieHeader))
    expect(response.status).toBe(200)
    const html = await response.text()
    expect(html).toContain('<h1 id="members-title">Members</h1>')
    expect(html).toContain('pages.sec@example.org')
    expect(html).toContain('<label for="invite-email">Their email address</label>')
  })

  // Who may invite is in the authorisation matrix (authz-matrix.test.ts).
  it('a request without Origin cannot invite; the secretariat can', async () => {
    const fields = { intent: 'invite', email: 'via.http@example.org', role: 'observer', countryId: '', organisationId: '', locale: '' }
    expect((await post(`/w/${ws.slug}/members`, fields, en(secretariat.cookieHeader), null)).status).toBe(403)
    expect(await db.selectFrom('invitation').select('id').where('email', '=', 'via.http@example.org').executeTakeFirst()).toBeUndefined()

    const ok = await post(`/w/${ws.slug}/members`, fields, en(secretariat.cookieHeader))
    expect(ok.status).toBe(200)
    expect(await ok.text()).toContain('Invitation sent to via.http@example.org.')
    expect(await latestMailTo(db, 'via.http@example.org')).toBeDefined()
  })

  it('bad input answers 400 with the message next to the form, in the reader’s language', async () => {
    const response = await post(`/w/${ws.slug}/members`, { intent: 'invite', email: 'broken', role: 'observer' }, en(secretariat.cookieHeader))
    expect(response.status).toBe(400)
    expect(await response.text()).toContain('This email address is not valid.')
  })
})

describe('deactivating from the members page', () => {
  it('ends the member’s session at once and they can no longer sign in; reactivated, they can', async () => {
    const member = await createSignedInMember(db, ws, 'observer', { email: 'to.deactivate@example.org' })
    const membership = await db.selectFrom('membership').select('id').where('user_id', '=', member.user.id).executeTakeFirstOrThrow()
    expect((await get(`/w/${ws.slug}/plan`, member.cookieHeader)).status).toBe(200)

    const done = await post(`/w/${ws.slug}/members`, { intent: 'deactivate', membershipId: membership.id }, secretariat.cookieHeader)
    expect(done.status).toBe(200)
    expect(await done.text()).toContain('Member deactivated; their sessions have ended.')
    expect((await get(`/w/${ws.slug}/plan`, member.cookieHeader)).status).toBe(303)
    const refused = await post('/login', { email: 'to.deactivate@example.org', password: TEST_PASSWORD })
    expect(refused.status).toBe(401)

    await post(`/w/${ws.slug}/members`, { intent: 'reactivate', membershipId: membership.id }, secretariat.cookieHeader)
    const again = await post('/login', { email: 'to.deactivate@example.org', password: TEST_PASSWORD })
    expect(again.status).toBe(303)
  })

  it('the last secretariat member cannot deactivate themselves: 400 with the reason', async () => {
    const lone = await createWorkspace(db)
    const only = await createSignedInMember(db, lone, 'secretariat')
    const membership = await db.selectFrom('membership').select('id').where('user_id', '=', only.user.id).executeTakeFirstOrThrow()
    const response = await post(`/w/${lone.slug}/members`, { intent: 'deactivate', membershipId: membership.id }, only.cookieHeader)
    expect(response.status).toBe(400)
    expect(await response.text()).toContain('You are the last active secretariat member: invite or appoint another one first.')
  })
})

describe('/invite/<token>', () => {
  it('GET shows the form and uses nothing up; POST joins, signs in and lands in the workspace', async () => {
    await post(`/w/${ws.slug}/members`, { intent: 'invite', email: 'http.joiner@example.org', role: 'focal_point', countryId: ws.countryId('CO') }, en(secretariat.cookieHeader))
    const { token } = linkIn((await latestMailTo(db, 'http.joiner@example.org'))?.text ?? '', 'invite')
    for (let i = 0; i < 2; i++) {
      const page = await get(`/invite/${token}?lng=en`)
      expect(page.status).toBe(200)
      const html = await page.text()
      expect(html).toContain('<label for="invite-name">Your name</label>')
      expect(html).toContain('<label for="invite-password-confirm">Password again</label>')
    }
    const joined = await post(`/invite/${token}`, { name: 'Camila Colombia', password: PASSWORD, passwordConfirm: PASSWORD })
    expect(joined.status).toBe(303)
    expect(joined.headers.get('location')).toBe(`/w/${ws.slug}`)
    const cookie = sessionCookieOf(joined)
    expect(cookie).toMatch(/^ruta_session=[0-9a-f]{48}; .*HttpOnly/i)
    const home = await get(`/w/${ws.slug}/plan`, cookie.split(';')[0])
    expect(home.status).not.toBe(303)

    const used = await get(`/invite/${token}?lng=en`)
    expect(used.status).toBe(410)
    expect(await used.text()).toContain('This invitation has already been used.')
  })

  it('an expired link says so and whom to ask; an unknown one is a 404 page', async () => {
    await post(`/w/${ws.slug}/members`, { intent: 'invite', email: 'http.late@example.org', role: 'observer' }, en(secretariat.cookieHeader))
    const { token } = linkIn((await latestMailTo(db, 'http.late@example.org'))?.text ?? '', 'invite')
    await db.updateTable('invitation').set({ expires_at: new Date(Date.now() - 60_000) }).where('email', '=', 'http.late@example.org').execute()
    const expired = await get(`/invite/${token}?lng=en`)
    expect(expired.status).toBe(410)
    const html = await expired.text()
    expect(html).toContain('This invitation has expired.')
    expect(html).toContain('pages.sec@example.org')
    const unknown = await get(`/invite/${'a'.repeat(64)}?lng=en`)
    expect(unknown.status).toBe(404)
    expect(await unknown.text()).toContain('This invitation link is not valid.')
  })
})

describe('/forgot-password and /reset-password/<token>', () => {
  it('answers the same whether or not the address exists', async () => {
    await createMember(db, ws, 'observer', { email: 'known.reset@example.org' })
    const notice = async (email: string) => {
      const response = await post('/forgot-password?lng=en', { email })
      const html = await response.text()
      const message = /<p class="notice" role="status">([^<]*)<\/p>/.exec(html)?.[1] ?? ''
      return { status: response.status, message: message.replace(email, '<email>') }
    }
    const known = await notice('known.reset@example.org')
    const unknown = await notice('unknown.reset@example.org')
    expect(known.status).toBe(200)
    expect(known.message).toContain('If <email> belongs to a Ruta account')
    expect(unknown).toEqual(known)
    expect(await latestMailTo(db, 'known.reset@example.org')).toBeDefined()
    expect(await latestMailTo(db, 'unknown.reset@example.org')).toBeUndefined()
  })

  it('GET shows the form only; POST sets the password, ends the other sessions and signs in afresh', async () => {
    const { user } = await createMember(db, ws, 'observer', { email: 'http.reset@example.org' })
    const old = await createSession(user.id, { ip: '127.0.0.1', userAgent: 'old' })
    await post('/forgot-password', { email: 'http.reset@example.org' })
    const { token } = linkIn((await latestMailTo(db, 'http.reset@example.org'))?.text ?? '', 'reset-password')
    const form = await get(`/reset-password/${token}?lng=en`)
    expect(form.status).toBe(200)
    expect(await form.text()).toContain('<label for="reset-password">New password</label>')
    const done = await post(`/reset-password/${token}`, { password: PASSWORD, passwordConfirm: PASSWORD })
    expect(done.status).toBe(303)
    expect(sessionCookieOf(done)).toMatch(/^ruta_session=[0-9a-f]{48};/)
    expect((await get(`/w/${ws.slug}/plan`, old.cookie.split(';')[0])).status).toBe(303)
    expect((await get(`/reset-password/${token}?lng=en`)).status).toBe(410)
  })
})

describe('/admin', () => {
  // Who may open /admin and post its forms is in the authorisation matrix (authz-matrix.test.ts).
  it('an instance admin creates a workspace and invites its secretariat', async () => {
    const admin = await createUser(db, { email: 'http.admin@example.org', isAdmin: true })
    const session = await createSession(admin.id)
    const page = await get('/admin', en(session.cookie.split(';')[0]))
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('Create a workspace')

    const created = await post('/admin?index', { slug: 'http-ws', name: 'HTTP Workspace', defaultLocale: 'pt', timeZone: 'America/Sao_Paulo', secretariatEmail: 'http.first@example.org' }, en(session.cookie.split(';')[0]))
    expect(created.status).toBe(200)
    expect(await created.text()).toContain('HTTP Workspace was created and http.first@example.org invited.')
    expect((await latestMailTo(db, 'http.first@example.org'))?.subject).toBe('Convite para HTTP Workspace no Ruta')

    const httpWs = await db.selectFrom('workspace').select('id').where('slug', '=', 'http-ws').executeTakeFirstOrThrow()
    const invited = await post('/admin?index', { intent: 'invite', workspaceId: httpWs.id, email: 'http.second@example.org' }, en(session.cookie.split(';')[0]))
    expect(invited.status).toBe(200)
    expect(await invited.text()).toContain('http.second@example.org was invited to the secretariat.')
  })
})

describe('/dev/emails', () => {
  it('lists the local outbox newest first and shows one message: HTML in a sandboxed frame, and the text part', async () => {
    const older = await deliver({ to: 'older@example.org', from: 'Ruta <no-reply@ruta.local>', subject: 'Older message', html: '<html><p>old</p></html>', text: 'old', idempotencyKey: 'dev:older' })
    const newest = await deliver({ to: 'dev.view@example.org', from: 'Ruta <no-reply@ruta.local>', subject: 'Dev page message', html: '<html><p>Hello <b>there</b></p></html>', text: 'Hello there, plain', idempotencyKey: 'dev:newest' })
    const list = await get('/dev/emails?lng=en')
    expect(list.status).toBe(200)
    const html = await list.text()
    const newestAt = html.indexOf(`href="/dev/emails/${newest.providerId}"`)
    expect(newestAt).toBeGreaterThan(-1)
    expect(newestAt).toBeLessThan(html.indexOf(`href="/dev/emails/${older.providerId}"`))
    expect(html).toContain('dev.view@example.org')
    const one = await get(`/dev/emails/${newest.providerId}?lng=en`)
    expect(one.status).toBe(200)
    const page = await one.text()
    const frame = /<iframe[^>]*>/i.exec(page)?.[0] ?? ''
    expect(frame).toContain('sandbox=""')
    expect(frame).toMatch(/srcdoc="[^"]*&lt;html/i)
    expect(page).toContain('Hello there, plain')
    expect(page).toContain('<h2 id="dev-email-subject">Dev page message</h2>')
    expect((await get('/dev/emails/00000000-0000-0000-0000-000000000000')).status).toBe(404)
  })

  it('is a 404 when mail goes through Resend', async () => {
    process.env.RESEND_API_KEY = 're_not_local'
    resetEnvForTests()
    try {
      expect((await get('/dev/emails')).status).toBe(404)
    } finally {
      delete process.env.RESEND_API_KEY
      resetEnvForTests()
    }
  })
})

describe('/forgot-password throttling', () => {
  it('refuses an IP address that asks too often with 429 and when to retry, whatever the addresses', async () => {
    let last: Response | undefined
    for (let i = 0; i < 12 && last?.status !== 429; i++) last = await post('/forgot-password', { email: `flood${i}@example.org` })
    expect(last?.status).toBe(429)
    expect(Number(last?.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(await last?.text()).toMatch(/Too many requests\. Try again in \d+ minutes?\./)
  })
})
