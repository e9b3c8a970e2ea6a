import { sql } from 'kysely'
import { TRPCError } from '@trpc/server'
import { beforeAll, describe, expect, it } from 'vitest'
import { createApiToken, listApiTokens } from '#server/auth/api-token.ts'
import { authenticate } from '#server/auth/authenticate.ts'
import { db } from '#server/db.ts'
import { appRouter } from '#server/routers/_app.ts'
import { createApiToken as createTokenService } from '#server/services/auth/create-api-token.ts'
import { revokeApiToken } from '#server/services/auth/revoke-api-token.ts'
import { createCallerFactory } from '#server/trpc.ts'
import { createUser, createWorkspace, type TestWorkspace } from '#tests/factories/index.ts'
import { createSignedInMember } from '#tests/factories/auth.ts'

// auth.me and workspace.list, with the caller resolved exactly as the HTTP
// server does it: authenticate() on the request's credentials.
const createCaller = createCallerFactory(appRouter)

async function callerFor(headers: { cookie?: string; authorization?: string }) {
  const auth = await authenticate({ cookie: headers.cookie, authorization: headers.authorization, ip: '127.0.0.1', userAgent: 'vitest' })
  return { auth, caller: createCaller({ actor: auth.actor, requestId: 'test', locale: 'en', invalidToken: auth.invalidToken }) }
}

async function unauthorized(promise: Promise<unknown>) {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(TRPCError)
  expect((error as TRPCError).code).toBe('UNAUTHORIZED')
  return error as TRPCError
}

let sacm: TestWorkspace
let other: TestWorkspace

beforeAll(async () => {
  sacm = await createWorkspace(db, { name: 'South American Conference on Migration' })
  other = await createWorkspace(db, { name: 'Second workspace' })
})

describe('auth.me', () => {
  it('describes the session caller and their memberships, exactly per API.md', async () => {
    const member = await createSignedInMember(db, sacm, 'focal_point', { countryCode: 'BR' })
    await db.insertInto('membership').values({ workspace_id: other.id, user_id: member.user.id, role: 'observer' }).execute()
    const { caller } = await callerFor({ cookie: member.cookieHeader })
    const me = await caller.auth.me()
    expect(me).toEqual({
      user: { id: member.user.id, email: member.user.email, name: 'focal_point BR', locale: 'pt', timeZone: 'America/Sao_Paulo', isAdmin: false },
      memberships: [
        { workspaceId: sacm.id, slug: sacm.slug, name: 'South American Conference on Migration', role: 'focal_point', countryCode: 'BR' },
        { workspaceId: other.id, slug: other.slug, name: 'Second workspace', role: 'observer', countryCode: null },
      ],
    })
  })

  it('leaves out deactivated memberships', async () => {
    const member = await createSignedInMember(db, sacm, 'observer')
    await db.insertInto('membership').values({ workspace_id: other.id, user_id: member.user.id, role: 'observer', deactivated_at: new Date() }).execute()
    const { caller } = await callerFor({ cookie: member.cookieHeader })
    expect((await caller.auth.me()).memberships.map((m) => m.slug)).toEqual([sacm.slug])
    expect(await caller.workspace.list()).toEqual([{ id: sacm.id, slug: sacm.slug, name: 'South American Conference on Migration' }])
  })

  it('answers for a personal API token (via token), and stamps last_used_at at most once a minute', async () => {
    const member = await createSignedInMember(db, sacm, 'secretariat')
    const { token, info } = await createApiToken(member.user.id, 'reporting script')
    expect(token).toMatch(/^ruta_[0-9a-f]{64}$/)
    const stored = await db.selectFrom('api_token').selectAll().where('id', '=', info.id).executeTakeFirstOrThrow()
    expect(stored.token_hash).toMatch(/^[0-9a-f]{64}$/)
    expect(JSON.stringify(stored)).not.toContain(token)

    const { auth, caller } = await callerFor({ authorization: `Bearer ${token}` })
    expect(auth.viaToken).toBe(true)
    expect(auth.actor?.via).toBe('token')
    expect((await caller.auth.me()).user.id).toBe(member.user.id)
    const firstUse = (await listApiTokens(member.user.id))[0].lastUsedAt
    expect(firstUse).not.toBeNull()
    await callerFor({ authorization: `Bearer ${token}` })
    expect((await listApiTokens(member.user.id))[0].lastUsedAt).toEqual(firstUse)
    await db.updateTable('api_token').set({ last_used_at: sql<Date>`now() - interval '2 minutes'` }).where('id', '=', info.id).execute()
    await callerFor({ authorization: `Bearer ${token}` })
    expect((await listApiTokens(member.user.id))[0].lastUsedAt!.getTime()).toBeGreaterThan(Date.now() - 60_000)
  })

  it('a Bearer request is judged by its token alone, never by a cookie riding along', async () => {
    const member = await createSignedInMember(db, sacm, 'observer')
    const { auth, caller } = await callerFor({ cookie: member.cookieHeader, authorization: 'Bearer ruta_' + '0'.repeat(64) })
    expect(auth.invalidToken).toBe(true)
    const error = await unauthorized(caller.auth.me())
    expect(error.message).toMatch(/token is not valid/)
  })

  it('refuses a revoked token, an unknown one and no credentials with UNAUTHORIZED', async () => {
    const member = await createSignedInMember(db, sacm, 'observer')
    const { token, info } = await createTokenService(member.actor, { name: 'to be revoked' })
    expect((await (await callerFor({ authorization: `Bearer ${token}` })).caller.auth.me()).user.id).toBe(member.user.id)
    await revokeApiToken(member.actor, { tokenId: info.id })
    const revoked = await callerFor({ authorization: `Bearer ${token}` })
    expect(revoked.auth.invalidToken).toBe(true)
    await unauthorized(revoked.caller.auth.me())
    await unauthorized(revoked.caller.workspace.list())
    await unauthorized((await callerFor({ authorization: 'Bearer not-a-token' })).caller.auth.me())
    const anonymous = await callerFor({})
    expect(anonymous.auth.invalidToken).toBe(false)
    await unauthorized(anonymous.caller.workspace.list())
  })

  it('a user may not revoke another user\'s token (NOT_FOUND) and tokens of a deactivated member stop working', async () => {
    const owner = await createSignedInMember(db, sacm, 'focal_point', { countryCode: 'UY' })
    const intruder = await createSignedInMember(db, sacm, 'secretariat')
    const { token, info } = await createTokenService(owner.actor, { name: 'mine' })
    await expect(revokeApiToken(intruder.actor, { tokenId: info.id })).rejects.toMatchObject({ code: 'NOT_FOUND' })
    expect((await callerFor({ authorization: `Bearer ${token}` })).auth.actor?.userId).toBe(owner.user.id)
    await db.updateTable('membership').set({ deactivated_at: new Date() }).where('user_id', '=', owner.user.id).execute()
    await unauthorized((await callerFor({ authorization: `Bearer ${token}` })).caller.auth.me())
  })

  it('an admin without workspaces: isAdmin true and an empty workspace.list', async () => {
    const admin = await createUser(db, { isAdmin: true, email: 'root-admin@example.org', name: 'Admin' })
    const { token } = await createApiToken(admin.id, 'ops')
    const { caller } = await callerFor({ authorization: `Bearer ${token}` })
    expect((await caller.auth.me()).user).toMatchObject({ isAdmin: true, email: 'root-admin@example.org' })
    expect(await caller.workspace.list()).toEqual([])
  })
})
