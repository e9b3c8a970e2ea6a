import { beforeAll, describe, expect, it } from 'vitest'
import { authenticate } from '#server/auth/authenticate.ts'
import { createSession } from '#server/auth/session.ts'
import type { Actor } from '#server/authz.ts'
import { db } from '#server/db.ts'
import { AppError } from '#server/errors.ts'
import { loadActor } from '#server/repositories/actors.ts'
import { listMembers } from '#server/services/members/list-members.ts'
import { setMemberActive } from '#server/services/members/set-member-active.ts'
import { updateMember } from '#server/services/members/update-member.ts'
import { createMember, createWorkspace, type TestWorkspace } from '#tests/factories/index.ts'

let ws: TestWorkspace
let other: TestWorkspace
let secretariat: Actor

async function membershipOf(userId: string, workspaceId = ws.id) {
  return db.selectFrom('membership').selectAll().where('user_id', '=', userId).where('workspace_id', '=', workspaceId).executeTakeFirstOrThrow()
}

async function codeOf(promise: Promise<unknown>) {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(AppError)
  return { code: (error as AppError).code, field: (error as AppError).details.field, key: (error as AppError).details.i18n?.key }
}

beforeAll(async () => {
  ws = await createWorkspace(db)
  other = await createWorkspace(db)
  const s = await createMember(db, ws, 'secretariat', { name: 'Sol Secretaria' })
  secretariat = s.actor
})

describe('listing members', () => {
  it('shows the secretariat every member with role, country and status, and the choices for the forms', async () => {
    const fp = await createMember(db, ws, 'focal_point', { countryCode: 'CL', name: 'Carla Chile' })
    const result = await listMembers(secretariat, { workspaceId: ws.id })
    const row = result.members.find((m) => m.userId === fp.user.id)
    expect(row).toMatchObject({ role: 'focal_point', countryCode: 'CL', deactivatedAt: null, name: 'Carla Chile' })
    expect(result.countries.map((c) => c.code)).toContain('CL')
    expect(result.organisations.map((o) => o.code)).toEqual(['ECLAC', 'ILO', 'IOM'])
  })
  // Who may list members is in the authorisation matrix (authz-matrix.test.ts).
})

describe('changing role or country', () => {
  it('moves a focal point to another country, then makes them an observer; each change is in the activity log', async () => {
    const fp = await createMember(db, ws, 'focal_point', { countryCode: 'UY' })
    const m = await membershipOf(fp.user.id)
    await updateMember(secretariat, { workspaceId: ws.id, membershipId: m.id, role: 'focal_point', countryId: ws.countryId('PY') })
    expect((await membershipOf(fp.user.id)).country_id).toBe(ws.countryId('PY'))
    // The country select may still carry a value: an observer has none.
    await updateMember(secretariat, { workspaceId: ws.id, membershipId: m.id, role: 'observer', countryId: ws.countryId('PY') })
    expect(await membershipOf(fp.user.id)).toMatchObject({ role: 'observer', country_id: null })
    const log = await db.selectFrom('activity').selectAll().where('subject_id', '=', m.id).where('action', '=', 'member.role_changed').orderBy('at').execute()
    expect(log).toHaveLength(2)
    expect(log[0].before).toMatchObject({ role: 'focal_point', countryId: ws.countryId('UY') })
    expect(log[0].after).toMatchObject({ role: 'focal_point', countryId: ws.countryId('PY') })
    expect(log[1].after).toMatchObject({ role: 'observer', countryId: null })
    expect(log[1].actor_id).toBe(secretariat.userId)
    // The new role applies at the next request.
    expect((await loadActor(db, fp.user.id))?.memberships[0]).toMatchObject({ role: 'observer', countryCode: null })
  })

  it('refuses a focal point without a country, a country of another workspace, and callers who are not secretariat', async () => {
    const fp = await createMember(db, ws, 'focal_point', { countryCode: 'EC' })
    const m = await membershipOf(fp.user.id)
    expect(await codeOf(updateMember(secretariat, { workspaceId: ws.id, membershipId: m.id, role: 'focal_point' }))).toMatchObject({ code: 'BAD_REQUEST', field: 'countryId' })
    expect(await codeOf(updateMember(secretariat, { workspaceId: ws.id, membershipId: m.id, role: 'focal_point', countryId: other.countryId('EC') }))).toMatchObject({ code: 'BAD_REQUEST', field: 'countryId' })
    expect((await codeOf(updateMember(fp.actor, { workspaceId: ws.id, membershipId: m.id, role: 'secretariat' }))).code).toBe('FORBIDDEN')
    // A membership id of another workspace is not found here.
    const foreign = await createMember(db, other, 'observer')
    const foreignMembership = await membershipOf(foreign.user.id, other.id)
    expect((await codeOf(updateMember(secretariat, { workspaceId: ws.id, membershipId: foreignMembership.id, role: 'secretariat' }))).code).toBe('NOT_FOUND')
    expect((await membershipOf(foreign.user.id, other.id)).role).toBe('observer')
    expect(await membershipOf(fp.user.id)).toMatchObject({ role: 'focal_point', country_id: ws.countryId('EC') })
  })
})

describe('deactivating and reactivating', () => {
  it('a deactivated member loses the workspace and every session; reactivation restores access', async () => {
    const fp = await createMember(db, ws, 'focal_point', { countryCode: 'BO' })
    const m = await membershipOf(fp.user.id)
    const session = await createSession(fp.user.id, { ip: '127.0.0.1', userAgent: 'vitest' })
    await createSession(fp.user.id, { ip: '127.0.0.2', userAgent: 'vitest' })
    const cookie = session.cookie.split(';')[0]
    expect((await authenticate({ cookie, authorization: undefined, ip: '127.0.0.1', userAgent: 'vitest' })).actor?.userId).toBe(fp.user.id)

    const result = await setMemberActive(secretariat, { workspaceId: ws.id, membershipId: m.id, active: false })
    expect(result.endedSessions).toBe(2)
    expect((await membershipOf(fp.user.id)).deactivated_at).toBeInstanceOf(Date)
    expect(await db.selectFrom('user_session').select('id').where('user_id', '=', fp.user.id).execute()).toHaveLength(0)
    expect((await authenticate({ cookie, authorization: undefined, ip: '127.0.0.1', userAgent: 'vitest' })).actor).toBeNull()
    expect((await loadActor(db, fp.user.id))?.memberships).toEqual([])

    await setMemberActive(secretariat, { workspaceId: ws.id, membershipId: m.id, active: true })
    expect((await membershipOf(fp.user.id)).deactivated_at).toBeNull()
    expect((await loadActor(db, fp.user.id))?.memberships.map((x) => x.workspaceId)).toEqual([ws.id])
    const actions = await db.selectFrom('activity').select(['action', 'actor_id']).where('subject_id', '=', m.id).orderBy('at').execute()
    expect(actions).toEqual([
      { action: 'member.deactivated', actor_id: secretariat.userId },
      { action: 'member.reactivated', actor_id: secretariat.userId },
    ])
  })

  it('the last active secretariat member cannot deactivate or demote themselves', async () => {
    const lone = await createWorkspace(db)
    const s = await createMember(db, lone, 'secretariat')
    const m = await membershipOf(s.user.id, lone.id)
    expect(await codeOf(setMemberActive(s.actor, { workspaceId: lone.id, membershipId: m.id, active: false }))).toMatchObject({
      code: 'BAD_REQUEST',
      key: 'admin:errors.lastSecretariatSelf',
    })
    expect((await codeOf(updateMember(s.actor, { workspaceId: lone.id, membershipId: m.id, role: 'observer' }))).key).toBe('admin:errors.lastSecretariatSelf')
    expect(await membershipOf(s.user.id, lone.id)).toMatchObject({ role: 'secretariat', deactivated_at: null })

    // With a second secretariat member, one may go; then the other is the last.
    const second = await createMember(db, lone, 'secretariat')
    await setMemberActive(s.actor, { workspaceId: lone.id, membershipId: (await membershipOf(second.user.id, lone.id)).id, active: false })
    expect((await codeOf(setMemberActive(s.actor, { workspaceId: lone.id, membershipId: m.id, active: false }))).code).toBe('BAD_REQUEST')
  })

  it('two secretaries demoting each other at the same time: one change wins, the other is refused in words (no deadlock), one secretariat member remains', async () => {
    const duo = await createWorkspace(db)
    const a = await createMember(db, duo, 'secretariat')
    const b = await createMember(db, duo, 'secretariat')
    const ma = await membershipOf(a.user.id, duo.id)
    const mb = await membershipOf(b.user.id, duo.id)
    const outcomes = await Promise.allSettled([
      updateMember(a.actor, { workspaceId: duo.id, membershipId: mb.id, role: 'observer' }),
      updateMember(b.actor, { workspaceId: duo.id, membershipId: ma.id, role: 'observer' }),
    ])
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1)
    const refused = outcomes.find((o) => o.status === 'rejected')
    expect(refused?.status === 'rejected' && refused.reason).toBeInstanceOf(AppError)
    expect(refused?.status === 'rejected' && (refused.reason as AppError).details.i18n?.key).toBe('admin:errors.lastSecretariat')
    const roles = await db.selectFrom('membership').select('role').where('workspace_id', '=', duo.id).execute()
    expect(roles.filter((r) => r.role === 'secretariat')).toHaveLength(1)
  })
})
