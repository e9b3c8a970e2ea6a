import { z } from 'zod'
import { maySignIn } from '#server/auth/authenticate.ts'
import { hashPassword, passwordProblem } from '#server/auth/password.ts'
import { createSession, invalidateUserSessions } from '#server/auth/session.ts'
import { db } from '#server/db.ts'
import { AppError } from '#server/errors.ts'
import { loadActor } from '#server/repositories/actors.ts'
import { recordActivity } from '#server/repositories/activity.ts'
import { hashOneTimeToken, isWellFormedOneTimeToken } from '../one-time-token.ts'
import { parseInput } from '../parse-input.ts'
import { resetState, type ResetState } from './inspect-password-reset.ts'

export const ZResetPassword = z.object({
  token: z.string(),
  password: z.string({ message: 'admin:errors.passwordRequired' }).min(1, 'admin:errors.passwordRequired').max(1000, 'admin:errors.passwordRequired'),
  passwordConfirm: z.string().optional(),
})
export type TResetPassword = z.input<typeof ZResetPassword>

export class ResetUnusableError extends AppError {
  constructor(public readonly state: Exclude<ResetState, 'valid'>) {
    super(state === 'unknown' ? 'NOT_FOUND' : 'CONFLICT', `This reset link is ${state}`, { i18n: { key: `admin:reset.state.${state}` } })
  }
}

/**
 * Sets a new password from a reset link (the POST; the GET only shows the
 * form, so a prefetching scanner uses nothing up). The link is used up here,
 * with every other open link of the user; all their sessions end, and they
 * get a fresh one when they may sign in (else `cookie` is null: /login).
 */
export async function resetPassword(raw: TResetPassword, meta: { ip?: string | null; userAgent?: string | null } = {}) {
  const input = parseInput(ZResetPassword, raw)
  if (!isWellFormedOneTimeToken(input.token)) throw new ResetUnusableError('unknown')
  const tokenHash = hashOneTimeToken(input.token)
  const peek = await db.selectFrom('password_reset').select(['used_at', 'expires_at']).where('token_hash', '=', tokenHash).executeTakeFirst()
  const peekState = resetState(peek)
  if (peekState !== 'valid') throw new ResetUnusableError(peekState)
  if (input.password !== input.passwordConfirm) {
    throw new AppError('BAD_REQUEST', 'The two passwords differ', { field: 'passwordConfirm', i18n: { key: 'admin:errors.passwordMismatch' } })
  }
  const problem = passwordProblem(input.password)
  if (problem) throw new AppError('BAD_REQUEST', `Password refused (${problem.key})`, { field: 'password', i18n: { key: `auth:${problem.key}`, values: problem.values } })
  const passwordHash = await hashPassword(input.password)

  const userId = await db.transaction().execute(async (trx) => {
    // The row lock makes the link single-use even under two simultaneous submissions.
    const row = await trx.selectFrom('password_reset').select(['id', 'user_id', 'used_at', 'expires_at']).where('token_hash', '=', tokenHash).forUpdate().executeTakeFirst()
    const state = resetState(row)
    if (!row || state !== 'valid') throw new ResetUnusableError(state === 'valid' ? 'unknown' : state)
    const now = new Date()
    await trx.updateTable('app_user').set({ password_hash: passwordHash, updated_at: now }).where('id', '=', row.user_id).execute()
    await trx.updateTable('password_reset').set({ used_at: now }).where('user_id', '=', row.user_id).where('used_at', 'is', null).execute()
    await recordActivity(trx, { workspaceId: null, actorId: row.user_id, action: 'user.password_reset', subjectType: 'user', subjectId: row.user_id, ip: meta.ip ?? null })
    return row.user_id
  })
  await invalidateUserSessions(userId)
  const actor = await loadActor(db, userId)
  if (!actor || !maySignIn(actor)) return { userId, cookie: null }
  const session = await createSession(userId, meta)
  return { userId, cookie: session.cookie }
}
