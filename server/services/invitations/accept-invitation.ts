import { z } from 'zod'
import { hashPassword, passwordProblem, verifyPassword } from '#server/auth/password.ts'
import { createSession } from '#server/auth/session.ts'
import { signInThrottle } from '#server/auth/throttle.ts'
import { db } from '#server/db.ts'
import { AppError } from '#server/errors.ts'
import { recordActivity } from '#server/repositories/activity.ts'
import { findInvitationByTokenHash, markInvitationAccepted } from '#server/repositories/invitations.ts'
import { upsertMembership } from '#server/repositories/members.ts'
import { hashOneTimeToken, isWellFormedOneTimeToken } from '../one-time-token.ts'
import { parseInput } from '../parse-input.ts'
import { invitationState, type InvitationState } from './inspect-invitation.ts'

export const ZAcceptInvitation = z.object({
  token: z.string(),
  /** New accounts only. */
  name: z.string().trim().max(200, 'admin:errors.nameTooLong').optional(),
  password: z.string({ message: 'admin:errors.passwordRequired' }).min(1, 'admin:errors.passwordRequired').max(1000, 'admin:errors.passwordRequired'),
  /** New accounts only: the password typed again. */
  passwordConfirm: z.string().optional(),
})
export type TAcceptInvitation = z.input<typeof ZAcceptInvitation>

/** The link can no longer be used; `state` says why (the page explains and names whom to ask). */
export class InvitationUnusableError extends AppError {
  constructor(public readonly state: Exclude<InvitationState, 'valid'>) {
    super(state === 'unknown' ? 'NOT_FOUND' : 'CONFLICT', `This invitation is ${state}`, { i18n: { key: `admin:invite.state.${state}` } })
  }
}

/**
 * Accepts an invitation (the POST of /invite/<token>). A new person sets
 * their name and password; someone who already has an account proves it
 * with that account's password (attempts count against the sign-in
 * throttle). Then they join the workspace, the invitation is used up, and a
 * fresh session is created. The invitation row is locked, so two
 * submissions of one link cannot both succeed.
 */
export async function acceptInvitation(raw: TAcceptInvitation, meta: { ip?: string | null; userAgent?: string | null } = {}) {
  const input = parseInput(ZAcceptInvitation, raw)
  if (!isWellFormedOneTimeToken(input.token)) throw new InvitationUnusableError('unknown')
  const tokenHash = hashOneTimeToken(input.token)

  // Checked before any work so a used link answers the same however it is posted.
  const peek = await findInvitationByTokenHash(db, tokenHash)
  const peekState = invitationState(peek)
  if (!peek || peekState !== 'valid') throw new InvitationUnusableError(peekState === 'valid' ? 'unknown' : peekState)

  const existing = await db.selectFrom('app_user').select(['id', 'password_hash']).where('email', '=', peek.email).executeTakeFirst()
  let newPasswordHash: string | null = null
  let name: string | null = null
  if (existing?.password_hash) {
    const attempt = await signInThrottle().attempt(peek.email, meta.ip ?? '')
    if (!(await verifyPassword(existing.password_hash, input.password))) {
      throw new AppError('BAD_REQUEST', 'Wrong password for the existing account', { field: 'password', i18n: { key: 'admin:errors.wrongPassword' } })
    }
    await attempt.succeeded()
  } else {
    name = input.name ?? ''
    if (!name) throw new AppError('BAD_REQUEST', 'Your name is required', { field: 'name', i18n: { key: 'admin:errors.nameRequired' } })
    if (input.password !== input.passwordConfirm) {
      throw new AppError('BAD_REQUEST', 'The two passwords differ', { field: 'passwordConfirm', i18n: { key: 'admin:errors.passwordMismatch' } })
    }
    const problem = passwordProblem(input.password)
    if (problem) throw new AppError('BAD_REQUEST', `Password refused (${problem.key})`, { field: 'password', i18n: { key: `auth:${problem.key}`, values: problem.values } })
    newPasswordHash = await hashPassword(input.password)
  }

  const joined = await db.transaction().execute(async (trx) => {
    const invitation = await findInvitationByTokenHash(trx, tokenHash, { forUpdate: true })
    const state = invitationState(invitation)
    if (!invitation || state !== 'valid') throw new InvitationUnusableError(state === 'valid' ? 'unknown' : state)
    let userId: string
    const user = await trx.selectFrom('app_user').select(['id', 'password_hash']).where('email', '=', invitation.email).forUpdate().executeTakeFirst()
    if (user?.password_hash && !newPasswordHash) {
      userId = user.id
    } else if (user && newPasswordHash && !user.password_hash) {
      await trx.updateTable('app_user').set({ name: name ?? '', password_hash: newPasswordHash, updated_at: new Date() }).where('id', '=', user.id).execute()
      userId = user.id
    } else if (!user && newPasswordHash) {
      const created = await trx.insertInto('app_user').values({ email: invitation.email, name: name ?? '', password_hash: newPasswordHash }).returning('id').executeTakeFirstOrThrow()
      userId = created.id
    } else {
      // The account changed between the check and the lock (a password was set meanwhile): ask again.
      throw new AppError('CONFLICT', 'The account changed meanwhile; open the link again', { i18n: { key: 'admin:errors.accountChanged' } })
    }
    const membership = await upsertMembership(trx, {
      workspaceId: invitation.workspaceId,
      userId,
      role: invitation.role,
      countryId: invitation.countryId,
      organisationId: invitation.organisationId,
    })
    await markInvitationAccepted(trx, invitation.id)
    await recordActivity(trx, {
      workspaceId: invitation.workspaceId,
      actorId: userId,
      action: 'invitation.accepted',
      subjectType: 'membership',
      subjectId: membership.id,
      after: { invitationId: invitation.id, email: invitation.email, role: invitation.role, countryId: invitation.countryId, organisationId: invitation.organisationId },
      ip: meta.ip ?? null,
    })
    return { userId, workspaceSlug: invitation.workspaceSlug }
  })
  const session = await createSession(joined.userId, meta)
  return { ...joined, cookie: session.cookie }
}
