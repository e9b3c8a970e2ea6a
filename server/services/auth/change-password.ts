import type { Actor } from '#server/authz.ts'
import { hashPassword, passwordProblem, verifyPassword } from '#server/auth/password.ts'
import { invalidateUserSessions } from '#server/auth/session.ts'
import { signInThrottle, type SignInThrottle } from '#server/auth/throttle.ts'
import { db } from '#server/db.ts'
import { AppError } from '#server/errors.ts'
import { findPasswordHash, recordAccountActivity, setPasswordHash } from '#server/repositories/accounts.ts'
import { parseSettingsInput, ZChangePassword, type TChangePassword } from './settings-input.ts'

/**
 * Changes the caller's password (the current one is required) and ends all
 * their OTHER sessions; the one making the change stays signed in. Guesses
 * at the current password count against the sign-in throttle.
 */
export async function changePassword(
  actor: Actor,
  input: TChangePassword,
  meta: { ip: string | null } = { ip: null },
  options: { throttle?: SignInThrottle } = {},
): Promise<{ endedSessions: number }> {
  const { currentPassword, newPassword } = parseSettingsInput(ZChangePassword, input)
  const problem = passwordProblem(newPassword)
  if (problem) {
    throw new AppError('BAD_REQUEST', `newPassword: ${problem.key}`, { field: 'newPassword', i18n: { key: `auth:${problem.key}`, values: problem.values } })
  }
  const attempt = await (options.throttle ?? signInThrottle()).attempt(actor.email, meta.ip ?? '')
  const current = await findPasswordHash(db, actor.userId)
  if (!(await verifyPassword(current, currentPassword))) {
    throw new AppError('BAD_REQUEST', 'currentPassword: the current password is not correct', {
      field: 'currentPassword',
      i18n: { key: 'settings:errors.currentPasswordWrong' },
    })
  }
  await attempt.succeeded()
  const hash = await hashPassword(newPassword)
  await db.transaction().execute(async (trx) => {
    await setPasswordHash(trx, actor.userId, hash)
    await recordAccountActivity(trx, { action: 'auth.password_changed', actorId: actor.userId, subjectId: actor.userId, ip: meta.ip })
  })
  const endedSessions = await invalidateUserSessions(actor.userId, { exceptSessionId: actor.sessionId })
  return { endedSessions }
}
