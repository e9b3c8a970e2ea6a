import { sql } from 'kysely'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { authenticate } from '#server/auth/authenticate.ts'
import { sha256Hex } from '#server/auth/tokens.ts'
import {
  blankSessionCookie,
  createSession,
  invalidateUserSessions,
  listSessions,
  sessionCookie,
  validateSessionToken,
} from '#server/auth/session.ts'
import { db } from '#server/db.ts'
import { resetEnvForTests } from '#server/env.ts'
import { changePassword } from '#server/services/auth/change-password.ts'
import { signOut } from '#server/services/auth/sign-out.ts'
import { signOutOtherSessions } from '#server/services/auth/sign-out-other-sessions.ts'
import { createWorkspace, type TestWorkspace } from '#tests/factories/index.ts'
import { createMemberWithPassword, createSignedInMember, TEST_PASSWORD } from '#tests/factories/auth.ts'
import { verifyPassword } from '#server/auth/password.ts'

let workspace: TestWorkspace
const saved = { APP_URL: process.env.APP_URL, SESSION_SECRET: process.env.SESSION_SECRET }

beforeAll(async () => {
  workspace = await createWorkspace(db)
})

afterEach(() => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k]
    else process.env[k] = v
  }
  resetEnvForTests()
})

const credentials = (cookie: string) => ({ cookie, authorization: undefined, ip: '127.0.0.1', userAgent: 'vitest' })

async function row(id: string) {
  return db.selectFrom('user_session').selectAll().where('id', '=', id).executeTakeFirst()
}

describe('session cookie', () => {
  it('is HttpOnly, SameSite=Lax, Path=/ and named ruta_session without Secure for an http APP_URL', async () => {
    process.env.APP_URL = 'http://localhost:3000'
    resetEnvForTests()
    const cookie = sessionCookie('a'.repeat(48))
    expect(cookie).toMatch(/^ruta_session=a{48}; /)
    expect(cookie).toMatch(/; HttpOnly/)
    expect(cookie).toMatch(/; SameSite=Lax/)
    expect(cookie).toMatch(/; Path=\//)
    expect(cookie).toMatch(/; Max-Age=1800/)
    expect(cookie).not.toMatch(/Secure/)
    expect(blankSessionCookie()).toMatch(/^ruta_session=; .*Max-Age=0/)
  })

  it('is Secure and named __Host-ruta_session, without Domain, for an https APP_URL', async () => {
    process.env.APP_URL = 'https://ruta.example.org'
    process.env.SESSION_SECRET = 's'.repeat(40)
    resetEnvForTests()
    const cookie = sessionCookie('b'.repeat(48))
    expect(cookie).toMatch(/^__Host-ruta_session=b{48}; /)
    expect(cookie).toMatch(/; Secure/)
    expect(cookie).toMatch(/; HttpOnly/)
    expect(cookie).toMatch(/; Path=\//)
    expect(cookie).not.toMatch(/Domain/i)
    expect(blankSessionCookie()).toMatch(/^__Host-ruta_session=; .*Secure/)
  })
})

describe('sessions in the database', () => {
  it('stores only the SHA-256 of the token, and the cookie carries the token', async () => {
    const { user } = await createMemberWithPassword(db, workspace, 'observer')
    const { token, cookie, session } = await createSession(user.id, { ip: '10.0.0.1', userAgent: 'Firefox' })
    expect(token).toMatch(/^[0-9a-f]{48}$/)
    expect(session.id).toBe(sha256Hex(token))
    expect(cookie.startsWith(`ruta_session=${token};`)).toBe(true)
    expect(cookie).not.toContain(session.id)
    const stored = await row(session.id)
    expect(stored).toMatchObject({ user_id: user.id, ip: '10.0.0.1', user_agent: 'Firefox' })
    expect(JSON.stringify(await db.selectFrom('user_session').selectAll().where('user_id', '=', user.id).execute())).not.toContain(token)
    // The stored id itself is no credential.
    expect(await validateSessionToken(session.id)).toBeNull()
    expect((await validateSessionToken(token))?.session.userId).toBe(user.id)
  })

  it('ends at the absolute lifetime (12 h after sign-in) even while active', async () => {
    const member = await createSignedInMember(db, workspace, 'observer')
    await db
      .updateTable('user_session')
      .set({ created_at: sql<Date>`now() - interval '12 hours 1 second'`, expires_at: sql<Date>`now() + interval '20 minutes'` })
      .where('id', '=', member.sessionId)
      .execute()
    expect(await validateSessionToken(member.token)).toBeNull()
    expect(await row(member.sessionId)).toBeUndefined()
  })

  it('ends after 30 minutes idle', async () => {
    const member = await createSignedInMember(db, workspace, 'observer')
    await db.updateTable('user_session').set({ expires_at: sql<Date>`now() - interval '1 second'` }).where('id', '=', member.sessionId).execute()
    const auth = await authenticate(credentials(member.cookieHeader))
    expect(auth.actor).toBeNull()
    expect(auth.setCookies).toEqual([blankSessionCookie()])
    expect(await row(member.sessionId)).toBeUndefined()
  })

  it('slides the idle expiry on use (and re-sends the cookie), capped at the absolute end', async () => {
    const member = await createSignedInMember(db, workspace, 'observer')
    // Fresh: nothing to slide yet, no cookie re-sent.
    expect((await authenticate(credentials(member.cookieHeader))).setCookies).toEqual([])

    // Last active 20 minutes ago: 10 minutes left; a request moves it back to 30.
    await db
      .updateTable('user_session')
      .set({ expires_at: sql<Date>`now() + interval '10 minutes'`, last_seen_at: sql<Date>`now() - interval '20 minutes'` })
      .where('id', '=', member.sessionId)
      .execute()
    const auth = await authenticate(credentials(member.cookieHeader))
    expect(auth.actor?.userId).toBe(member.user.id)
    expect(auth.actor?.sessionId).toBe(member.sessionId)
    expect(auth.setCookies).toHaveLength(1)
    expect(auth.setCookies[0]).toMatch(new RegExp(`^ruta_session=${member.token}; `))
    const slid = await row(member.sessionId)
    expect(slid!.expires_at.getTime() - Date.now()).toBeGreaterThan(29 * 60_000)
    expect(Date.now() - slid!.last_seen_at.getTime()).toBeLessThan(60_000)

    // 11 h 50 min after sign-in: the idle expiry may not pass the 12-hour mark.
    await db
      .updateTable('user_session')
      .set({ created_at: sql<Date>`now() - interval '11 hours 50 minutes'`, expires_at: sql<Date>`now() + interval '1 minute'` })
      .where('id', '=', member.sessionId)
      .execute()
    const near = await authenticate(credentials(member.cookieHeader))
    expect(near.actor).not.toBeNull()
    const capped = await row(member.sessionId)
    const left = capped!.expires_at.getTime() - Date.now()
    expect(left).toBeGreaterThan(9 * 60_000)
    expect(left).toBeLessThanOrEqual(10 * 60_000 + 1000)
    expect(near.setCookies[0]).toMatch(/Max-Age=(59\d|600)\b/)
  })

  it('clears a cookie whose token is unknown', async () => {
    const auth = await authenticate(credentials(`ruta_session=${'c'.repeat(48)}`))
    expect(auth.actor).toBeNull()
    expect(auth.setCookies).toEqual([blankSessionCookie()])
    expect((await authenticate(credentials('other=1'))).setCookies).toEqual([])
  })
})

describe('ending sessions', () => {
  it('sign-out deletes the session', async () => {
    const member = await createSignedInMember(db, workspace, 'observer')
    const auth = await authenticate(credentials(member.cookieHeader))
    const { cookie } = await signOut(auth.actor, { ip: '127.0.0.1' })
    expect(cookie).toBe(blankSessionCookie())
    expect(await row(member.sessionId)).toBeUndefined()
    expect((await authenticate(credentials(member.cookieHeader))).actor).toBeNull()
  })

  it('a password change ends all OTHER sessions of the user and keeps the current one', async () => {
    const member = await createSignedInMember(db, workspace, 'observer')
    const other1 = await createSession(member.user.id, { ip: '10.0.0.2', userAgent: 'phone' })
    const other2 = await createSession(member.user.id, { ip: '10.0.0.3', userAgent: 'laptop' })
    const someoneElse = await createSignedInMember(db, workspace, 'observer')
    const actor = (await authenticate(credentials(member.cookieHeader))).actor!

    const result = await changePassword(actor, { currentPassword: TEST_PASSWORD, newPassword: 'a brand new phrase for ruta' }, { ip: '127.0.0.1' })
    expect(result.endedSessions).toBe(2)
    expect(await validateSessionToken(other1.token)).toBeNull()
    expect(await validateSessionToken(other2.token)).toBeNull()
    expect(await validateSessionToken(member.token)).not.toBeNull()
    expect(await validateSessionToken(someoneElse.token)).not.toBeNull()
    const stored = await db.selectFrom('app_user').select('password_hash').where('id', '=', member.user.id).executeTakeFirstOrThrow()
    expect(await verifyPassword(stored.password_hash, 'a brand new phrase for ruta')).toBe(true)
    const activity = await db.selectFrom('activity').select('action').where('actor_id', '=', member.user.id).execute()
    expect(activity.map((a) => a.action)).toContain('auth.password_changed')
  })

  it('a password change needs the current password and a good new one, and changes nothing otherwise', async () => {
    const member = await createSignedInMember(db, workspace, 'observer')
    const other = await createSession(member.user.id, {})
    const actor = (await authenticate(credentials(member.cookieHeader))).actor!
    await expect(changePassword(actor, { currentPassword: 'not it at all', newPassword: 'a brand new phrase for ruta' })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      details: { field: 'currentPassword' },
    })
    await expect(changePassword(actor, { currentPassword: TEST_PASSWORD, newPassword: 'short' })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      details: { field: 'newPassword', i18n: { key: 'auth:password.tooShort' } },
    })
    await expect(changePassword(actor, { currentPassword: TEST_PASSWORD, newPassword: 'qwerty123456' })).rejects.toMatchObject({
      details: { field: 'newPassword', i18n: { key: 'auth:password.tooCommon' } },
    })
    expect(await validateSessionToken(other.token)).not.toBeNull()
    const stored = await db.selectFrom('app_user').select('password_hash').where('id', '=', member.user.id).executeTakeFirstOrThrow()
    expect(await verifyPassword(stored.password_hash, TEST_PASSWORD)).toBe(true)
  })

  it('"sign out everywhere else" ends the other sessions and lists only the current one', async () => {
    const member = await createSignedInMember(db, workspace, 'observer')
    await createSession(member.user.id, { userAgent: 'phone' })
    expect(await listSessions(member.user.id)).toHaveLength(2)
    const actor = (await authenticate(credentials(member.cookieHeader))).actor!
    expect((await signOutOtherSessions(actor)).endedSessions).toBe(1)
    const left = await listSessions(member.user.id)
    expect(left.map((s) => s.id)).toEqual([member.sessionId])
  })

  it('listSessions leaves out sessions past their absolute lifetime', async () => {
    const member = await createSignedInMember(db, workspace, 'observer')
    const old = await createSession(member.user.id, {})
    await db.updateTable('user_session').set({ created_at: sql<Date>`now() - interval '13 hours'` }).where('id', '=', old.session.id).execute()
    expect((await listSessions(member.user.id)).map((s) => s.id)).toEqual([member.sessionId])
    expect(await invalidateUserSessions(member.user.id)).toBe(2)
  })

  it('deactivating the only membership ends access and deletes the session; another active membership keeps it', async () => {
    const member = await createSignedInMember(db, workspace, 'focal_point', { countryCode: 'CL' })
    await db.updateTable('membership').set({ deactivated_at: new Date() }).where('user_id', '=', member.user.id).execute()
    const auth = await authenticate(credentials(member.cookieHeader))
    expect(auth.actor).toBeNull()
    expect(auth.setCookies).toEqual([blankSessionCookie()])
    expect(await row(member.sessionId)).toBeUndefined()

    const second = await createWorkspace(db)
    const both = await createSignedInMember(db, workspace, 'observer')
    await db.insertInto('membership').values({ workspace_id: second.id, user_id: both.user.id, role: 'observer' }).execute()
    await db
      .updateTable('membership')
      .set({ deactivated_at: new Date() })
      .where('user_id', '=', both.user.id)
      .where('workspace_id', '=', workspace.id)
      .execute()
    const still = await authenticate(credentials(both.cookieHeader))
    expect(still.actor?.memberships.map((m) => m.workspaceId)).toEqual([second.id])
  })

  it('an instance admin without any workspace may sign in', async () => {
    const { createUser } = await import('#tests/factories/index.ts')
    const admin = await createUser(db, { isAdmin: true })
    const { cookie } = await createSession(admin.id, {})
    const auth = await authenticate(credentials(cookie.split(';')[0]))
    expect(auth.actor).toMatchObject({ userId: admin.id, isAdmin: true, via: 'session' })
  })
})
