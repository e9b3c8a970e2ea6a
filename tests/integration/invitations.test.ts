import { beforeAll, describe, expect, it } from 'vitest'
import { hashPassword, verifyPassword } from '#server/auth/password.ts'
import { db } from '#server/db.ts'
import { AppError } from '#server/errors.ts'
import { sha256Hex } from '#server/auth/tokens.ts'
import { acceptInvitation, InvitationUnusableError } from '#server/services/invitations/accept-invitation.ts'
import { createInvitation } from '#server/services/invitations/create-invitation.ts'
import { inspectInvitation } from '#server/services/invitations/inspect-invitation.ts'
import { revokeInvitation } from '#server/services/invitations/revoke-invitation.ts'
import { latestMailTo, linkIn } from '#tests/factories/accounts.ts'
import { createMember, createUser, createWorkspace, type TestWorkspace } from '#tests/factories/index.ts'
import type { Actor } from '#server/authz.ts'

const PASSWORD = 'harbour-violet-canoe-83'
let ws: TestWorkspace
let other: TestWorkspace
let secretariat: Actor
let focalPoint: Actor
let outsider: Actor

beforeAll(async () => {
  ws = await createWorkspace(db, { name: 'Conferencia Suramericana' })
  other = await createWorkspace(db)
  secretariat = (await createMember(db, ws, 'secretariat', { name: 'Ana Secretaria', email: 'ana.sec@example.org' })).actor
  focalPoint = (await createMember(db, ws, 'focal_point', { countryCode: 'AR' })).actor
  outsider = (await createMember(db, other, 'secretariat')).actor
})

async function invite(email: string, extra: Partial<Parameters<typeof createInvitation>[1]> = {}) {
  const result = await createInvitation(secretariat, { workspaceId: ws.id, email, role: 'focal_point', countryId: ws.countryId('BR'), ...extra })
  const mail = await latestMailTo(db, email.toLowerCase())
  if (!mail) throw new Error('no invitation e-mail')
  return { ...result, mail, ...linkIn(mail.text, 'invite') }
}

async function expectAppError(promise: Promise<unknown>, code: string, field?: string) {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(AppError)
  expect((error as AppError).code).toBe(code)
  if (field) expect((error as AppError).details.field).toBe(field)
  return error as AppError
}

describe('creating an invitation', () => {
  it('stores only the hash of a random token, expires in 7 days, logs the activity and e-mails the link in the country language', async () => {
    const before = Date.now()
    const { invitationId, token, mail, url, delivery } = await invite('New.FP@Example.org')
    expect(delivery.status).toBe('sent')
    const row = await db.selectFrom('invitation').selectAll().where('id', '=', invitationId).executeTakeFirstOrThrow()
    expect(row.email).toBe('new.fp@example.org')
    expect(row.token_hash).toBe(sha256Hex(token))
    expect(row.token_hash).not.toContain(token)
    const week = 7 * 24 * 3600 * 1000
    expect(row.expires_at.getTime()).toBeGreaterThanOrEqual(before + week - 1000)
    expect(row.expires_at.getTime()).toBeLessThanOrEqual(Date.now() + week)
    // Brazil's focal point: Portuguese.
    expect(mail.subject).toBe('Convite para Conferencia Suramericana no Ruta')
    expect(mail.text).toContain('Ponto focal de Brasil')
    expect(mail.text).toContain('Ana Secretaria')
    expect(url).toMatch(/^http:\/\/(localhost|127\.0\.0\.1):\d+\/invite\/[0-9a-f]{64}$/)
    const log = await db.selectFrom('email_log').selectAll().where('key', '=', `invitation:${invitationId}`).executeTakeFirstOrThrow()
    expect(log).toMatchObject({ status: 'sent', kind: 'invitation', workspace_id: ws.id, category: 'mandatory' })
    const activity = await db.selectFrom('activity').selectAll().where('subject_id', '=', invitationId).executeTakeFirstOrThrow()
    expect(activity).toMatchObject({ action: 'invitation.created', actor_id: secretariat.userId, workspace_id: ws.id, subject_type: 'invitation' })
    expect(activity.after).toMatchObject({ email: 'new.fp@example.org', role: 'focal_point', countryId: ws.countryId('BR') })
  })

  it('uses the inviter’s choice of language, else the workspace default for roles without a country', async () => {
    expect((await invite('chosen@example.org', { locale: 'en' })).mail.subject).toBe('Invitation to Conferencia Suramericana on Ruta')
    expect((await invite('observer1@example.org', { role: 'observer', countryId: undefined })).mail.subject).toBe('Invitación a Conferencia Suramericana en Ruta')
  })

  it('refuses bad input with the field named, and changes nothing', async () => {
    const count = async () => Number((await db.selectFrom('invitation').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n)
    const n = await count()
    await expectAppError(createInvitation(secretariat, { workspaceId: ws.id, email: 'not-an-address', role: 'observer' }), 'BAD_REQUEST', 'email')
    await expectAppError(createInvitation(secretariat, { workspaceId: ws.id, email: 'x@example.org', role: 'focal_point' }), 'BAD_REQUEST', 'countryId')
    await expectAppError(createInvitation(secretariat, { workspaceId: ws.id, email: 'x@example.org', role: 'partner' }), 'BAD_REQUEST', 'organisationId')
    await expectAppError(createInvitation(secretariat, { workspaceId: ws.id, email: 'x@example.org', role: 'focal_point', countryId: other.countryId('AR') }), 'BAD_REQUEST', 'countryId')
    await expectAppError(createInvitation(secretariat, { workspaceId: ws.id, email: 'x@example.org', role: 'chief' as 'observer' }), 'BAD_REQUEST', 'role')
    await expectAppError(createInvitation(secretariat, { workspaceId: ws.id, email: focalPoint.email, role: 'observer' }), 'BAD_REQUEST', 'email')
    expect(await count()).toBe(n)
  })

  it('is for the secretariat only: FORBIDDEN for a focal point, NOT_FOUND for another workspace', async () => {
    await expectAppError(createInvitation(focalPoint, { workspaceId: ws.id, email: 'y@example.org', role: 'observer' }), 'FORBIDDEN')
    await expectAppError(createInvitation(outsider, { workspaceId: ws.id, email: 'y@example.org', role: 'observer' }), 'NOT_FOUND')
    expect(await latestMailTo(db, 'y@example.org')).toBeUndefined()
  })
})

describe('the invitation link', () => {
  it('GET only looks: opening it any number of times uses nothing up', async () => {
    const { token, invitationId } = await invite('looker@example.org')
    for (let i = 0; i < 3; i++) expect((await inspectInvitation(token, 'es')).state).toBe('valid')
    const row = await db.selectFrom('invitation').select(['accepted_at', 'revoked_at']).where('id', '=', invitationId).executeTakeFirstOrThrow()
    expect(row).toEqual({ accepted_at: null, revoked_at: null })
    expect(await db.selectFrom('app_user').select('id').where('email', '=', 'looker@example.org').executeTakeFirst()).toBeUndefined()
  })

  it('POST sets name and password, joins the workspace, signs in, and is then used up', async () => {
    const { token, invitationId } = await invite('joiner@example.org')
    const result = await acceptInvitation({ token, name: 'Joana Silva', password: PASSWORD, passwordConfirm: PASSWORD }, { ip: '10.0.0.1', userAgent: 'vitest' })
    expect(result.workspaceSlug).toBe(ws.slug)
    expect(result.cookie).toMatch(/^ruta_session=[0-9a-f]{48};/)
    const user = await db.selectFrom('app_user').selectAll().where('email', '=', 'joiner@example.org').executeTakeFirstOrThrow()
    expect(user.name).toBe('Joana Silva')
    expect(await verifyPassword(user.password_hash, PASSWORD)).toBe(true)
    const membership = await db.selectFrom('membership').selectAll().where('user_id', '=', user.id).executeTakeFirstOrThrow()
    expect(membership).toMatchObject({ workspace_id: ws.id, role: 'focal_point', country_id: ws.countryId('BR'), deactivated_at: null })
    expect(await db.selectFrom('user_session').select('id').where('user_id', '=', user.id).execute()).toHaveLength(1)
    const inv = await db.selectFrom('invitation').select('accepted_at').where('id', '=', invitationId).executeTakeFirstOrThrow()
    expect(inv.accepted_at).toBeInstanceOf(Date)
    const activity = await db.selectFrom('activity').selectAll().where('action', '=', 'invitation.accepted').where('actor_id', '=', user.id).executeTakeFirstOrThrow()
    expect(activity).toMatchObject({ workspace_id: ws.id, subject_id: membership.id, ip: '10.0.0.1' })

    expect((await inspectInvitation(token, 'es')).state).toBe('accepted')
    const again = await acceptInvitation({ token, name: 'Someone Else', password: PASSWORD, passwordConfirm: PASSWORD }).catch((e: unknown) => e)
    expect(again).toBeInstanceOf(InvitationUnusableError)
    expect((again as InvitationUnusableError).state).toBe('accepted')
    expect((await db.selectFrom('app_user').select('name').where('id', '=', user.id).executeTakeFirstOrThrow()).name).toBe('Joana Silva')
  })

  it('two simultaneous submissions: exactly one joins', async () => {
    const { token } = await invite('twice@example.org', { role: 'observer', countryId: undefined })
    const outcomes = await Promise.allSettled([
      acceptInvitation({ token, name: 'First', password: PASSWORD, passwordConfirm: PASSWORD }),
      acceptInvitation({ token, name: 'Second', password: PASSWORD, passwordConfirm: PASSWORD }),
    ])
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1)
    const user = await db.selectFrom('app_user').select('id').where('email', '=', 'twice@example.org').execute()
    expect(user).toHaveLength(1)
    expect(await db.selectFrom('membership').select('id').where('user_id', '=', user[0].id).execute()).toHaveLength(1)
  })

  it('bad passwords are refused with the field named, and nothing is used up', async () => {
    const { token, invitationId } = await invite('careful@example.org')
    const mismatch = await expectAppError(acceptInvitation({ token, name: 'C', password: PASSWORD, passwordConfirm: `${PASSWORD}x` }), 'BAD_REQUEST', 'passwordConfirm')
    expect(mismatch.details.i18n?.key).toBe('admin:errors.passwordMismatch')
    const weak = await expectAppError(acceptInvitation({ token, name: 'C', password: 'password1234', passwordConfirm: 'password1234' }), 'BAD_REQUEST', 'password')
    expect(weak.details.i18n?.key).toBe('auth:password.tooCommon')
    await expectAppError(acceptInvitation({ token, name: 'C', password: 'short', passwordConfirm: 'short' }), 'BAD_REQUEST', 'password')
    await expectAppError(acceptInvitation({ token, name: '  ', password: PASSWORD, passwordConfirm: PASSWORD }), 'BAD_REQUEST', 'name')
    expect((await db.selectFrom('invitation').select('accepted_at').where('id', '=', invitationId).executeTakeFirstOrThrow()).accepted_at).toBeNull()
    expect(await db.selectFrom('app_user').select('id').where('email', '=', 'careful@example.org').executeTakeFirst()).toBeUndefined()
  })

  it('an existing account joins by proving its password, which stays unchanged', async () => {
    const hash = await hashPassword(PASSWORD)
    const existing = await createUser(db, { email: 'veteran@example.org', name: 'Vera Veteran', passwordHash: hash })
    const { token } = await invite('veteran@example.org', { role: 'observer', countryId: undefined })
    expect((await inspectInvitation(token, 'en')).existingAccount).toBe(true)
    const wrong = await expectAppError(acceptInvitation({ token, password: 'not-the-password-at-all' }), 'BAD_REQUEST', 'password')
    expect(wrong.details.i18n?.key).toBe('admin:errors.wrongPassword')
    const result = await acceptInvitation({ token, password: PASSWORD })
    expect(result.userId).toBe(existing.id)
    const user = await db.selectFrom('app_user').select(['name', 'password_hash']).where('id', '=', existing.id).executeTakeFirstOrThrow()
    expect(user).toEqual({ name: 'Vera Veteran', password_hash: hash })
    expect(await db.selectFrom('membership').select('role').where('user_id', '=', existing.id).where('workspace_id', '=', ws.id).executeTakeFirstOrThrow()).toEqual({ role: 'observer' })
  })

  it('an expired link says so and names whom to ask', async () => {
    const { token, invitationId } = await invite('late@example.org')
    await db.updateTable('invitation').set({ expires_at: new Date(Date.now() - 1000) }).where('id', '=', invitationId).execute()
    const view = await inspectInvitation(token, 'es')
    expect(view.state).toBe('expired')
    expect(view.invitation).toMatchObject({ inviterName: 'Ana Secretaria', inviterEmail: 'ana.sec@example.org' })
    const error = await acceptInvitation({ token, name: 'Late', password: PASSWORD, passwordConfirm: PASSWORD }).catch((e: unknown) => e)
    expect((error as InvitationUnusableError).state).toBe('expired')
  })

  it('inviting the same address again revokes the earlier link; revoking by hand works too', async () => {
    const first = await invite('again@example.org')
    const second = await invite('again@example.org')
    expect((await inspectInvitation(first.token, 'es')).state).toBe('revoked')
    expect((await inspectInvitation(second.token, 'es')).state).toBe('valid')
    await revokeInvitation(secretariat, { workspaceId: ws.id, invitationId: second.invitationId })
    expect((await inspectInvitation(second.token, 'es')).state).toBe('revoked')
    await expectAppError(revokeInvitation(secretariat, { workspaceId: ws.id, invitationId: second.invitationId }), 'NOT_FOUND')
    await expectAppError(revokeInvitation(focalPoint, { workspaceId: ws.id, invitationId: second.invitationId }), 'FORBIDDEN')
    const actions = await db.selectFrom('activity').select('action').where('subject_id', '=', second.invitationId).orderBy('at').execute()
    expect(actions.map((a) => a.action)).toEqual(['invitation.created', 'invitation.revoked'])
  })

  it('an unknown or malformed token is simply unknown', async () => {
    expect((await inspectInvitation('0'.repeat(64), 'es')).state).toBe('unknown')
    expect((await inspectInvitation('../../etc', 'es')).state).toBe('unknown')
    const error = await acceptInvitation({ token: 'abc', password: PASSWORD }).catch((e: unknown) => e)
    expect((error as InvitationUnusableError).state).toBe('unknown')
  })
})
