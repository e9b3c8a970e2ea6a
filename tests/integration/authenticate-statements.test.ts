import { sql } from 'kysely'
import { beforeAll, describe, expect, it } from 'vitest'
import { createApiToken, revokeApiToken } from '#server/auth/api-token.ts'
import { authenticate } from '#server/auth/authenticate.ts'
import { createSession, sessionCookieName } from '#server/auth/session.ts'
import { db, onQuery } from '#server/db.ts'
import { loadActor } from '#server/repositories/actors.ts'
import { createMember, createWorkspace, type TestWorkspace } from '#tests/factories/index.ts'

/**
 * Authentication reads the session (or API token), its user and the user's
 * active memberships in ONE statement; a second one only when something must
 * be written (the idle expiry slides, last_used_at is stamped, a session is
 * deleted). The Actor it builds is the one loadActor builds.
 */
let ws: TestWorkspace
let other: TestWorkspace

beforeAll(async () => {
  ws = await createWorkspace(db, { countries: ['AR', 'BR'] })
  other = await createWorkspace(db, { countries: ['CL'] })
})

async function counted<T>(fn: () => Promise<T>): Promise<{ result: T; statements: string[] }> {
  const statements: string[] = []
  const off = onQuery((q) => statements.push(q.sql))
  try {
    return { result: await fn(), statements }
  } finally {
    off()
  }
}

const withCookie = (token: string) => ({ cookie: `${sessionCookieName()}=${token}`, authorization: undefined, ip: '127.0.0.1', userAgent: 'vitest' })
const withBearer = (token: string) => ({ cookie: undefined, authorization: `Bearer ${token}`, ip: '127.0.0.1', userAgent: 'vitest' })

describe('session cookie', () => {
  it('one statement, and the same Actor as loadActor (memberships of several workspaces, in order)', async () => {
    const { user } = await createMember(db, ws, 'focal_point', { countryCode: 'BR' })
    await db.insertInto('membership').values({ workspace_id: other.id, user_id: user.id, role: 'observer' }).execute()
    const { token, session } = await createSession(user.id)
    const { result, statements } = await counted(() => authenticate(withCookie(token)))
    expect(statements).toHaveLength(1)
    expect(result.setCookies).toEqual([])
    const expected = await loadActor(db, user.id, 'session')
    expect(result.actor).toEqual({ ...expected, sessionId: session.id })
    expect(result.actor?.memberships.map((m) => [m.slug, m.role, m.countryCode])).toEqual([
      [ws.slug, 'focal_point', 'BR'],
      [other.slug, 'observer', null],
    ])
  })

  it('a deactivated user is rejected and their session deleted', async () => {
    const { user } = await createMember(db, ws, 'observer')
    const { token, session } = await createSession(user.id)
    await db.updateTable('membership').set({ deactivated_at: sql<Date>`now()` }).where('user_id', '=', user.id).execute()
    const auth = await authenticate(withCookie(token))
    expect(auth.actor).toBeNull()
    expect(auth.setCookies).toHaveLength(1)
    expect(await db.selectFrom('user_session').select('id').where('id', '=', session.id).executeTakeFirst()).toBeUndefined()
  })

  it('writes only when the idle expiry slides (two statements), then reads alone again', async () => {
    const { user } = await createMember(db, ws, 'secretariat')
    const { token, session } = await createSession(user.id)
    await db.updateTable('user_session').set({ expires_at: sql<Date>`now() + interval '10 minutes'` }).where('id', '=', session.id).execute()
    const slid = await counted(() => authenticate(withCookie(token)))
    expect(slid.statements).toHaveLength(2)
    expect(slid.result.setCookies).toHaveLength(1)
    const again = await counted(() => authenticate(withCookie(token)))
    expect(again.statements).toHaveLength(1)
    expect(again.result.setCookies).toEqual([])
  })
})

describe('Bearer token', () => {
  it('one statement once last_used_at is fresh, the same Actor as loadActor; revoked tokens are refused', async () => {
    const { user } = await createMember(db, ws, 'partner')
    const { token, info } = await createApiToken(user.id, 'ci')
    const first = await counted(() => authenticate(withBearer(token)))
    expect(first.statements).toHaveLength(2)
    const second = await counted(() => authenticate(withBearer(token)))
    expect(second.statements).toHaveLength(1)
    expect(second.result.viaToken).toBe(true)
    expect(second.result.actor).toEqual(await loadActor(db, user.id, 'token'))
    expect(await revokeApiToken(user.id, info.id)).toBe(true)
    const revoked = await authenticate(withBearer(token))
    expect(revoked.actor).toBeNull()
    expect(revoked.invalidToken).toBe(true)
  })
})
