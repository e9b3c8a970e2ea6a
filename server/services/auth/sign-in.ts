import { z } from 'zod'
import type { Actor } from '#server/authz.ts'
import { maySignIn } from '#server/auth/authenticate.ts'
import { burnPasswordCheck, verifyPassword } from '#server/auth/password.ts'
import { createSession, invalidateSession, purgeExpiredSessions, type SessionInfo } from '#server/auth/session.ts'
import { signInThrottle, type SignInThrottle } from '#server/auth/throttle.ts'
import { db } from '#server/db.ts'
import { AppError } from '#server/errors.ts'
import { findUserForSignIn, recordAccountActivity } from '#server/repositories/accounts.ts'
import { recordActivity } from '#server/repositories/activity.ts'
import { loadActor } from '#server/repositories/actors.ts'

export const ZSignIn = z.object({
  email: z.string({ message: 'Enter your email address' }).trim().toLowerCase().min(1, 'Enter your email address').max(320, 'This email address is too long'),
  password: z.string({ message: 'Enter your password' }).min(1, 'Enter your password').max(1024, 'This password is too long'),
})
export type TSignIn = z.input<typeof ZSignIn>

export interface SignInResult {
  actor: Actor
  token: string
  /** Set-Cookie value of the new session. */
  cookie: string
  session: SessionInfo
}

/**
 * Signs in with email and password and issues a fresh session.
 *
 * Whether the address exists is never revealed: an unknown address, an
 * account without a password, a wrong password and an account that may no
 * longer sign in (no active membership) all get the same error after the
 * same work (a dummy argon2 verification when there is no hash to check).
 */
export async function signIn(
  input: TSignIn,
  meta: { ip: string | null; userAgent: string | null; replacesSessionId?: string },
  options: { throttle?: SignInThrottle } = {},
): Promise<SignInResult> {
  const parsed = ZSignIn.safeParse(input)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const field = String(issue?.path[0] ?? 'email')
    throw new AppError('BAD_REQUEST', issue?.message ?? 'Enter your email address and password', {
      field,
      i18n: { key: field === 'password' ? 'signInPasswordMissing' : 'signInEmailMissing' },
    })
  }
  const { email, password } = parsed.data
  const ip = meta.ip ?? ''
  // Refused attempts are not written to the activity log: a flood of them
  // must not turn into a flood of writes. Attempts that are checked are.
  const attempt = await (options.throttle ?? signInThrottle()).attempt(email, ip)

  const user = await findUserForSignIn(db, email)
  let verified = false
  if (user?.password_hash) verified = await verifyPassword(user.password_hash, password)
  else await burnPasswordCheck(password)
  const actor = verified && user ? await loadActor(db, user.id, 'session') : null

  if (!actor || !maySignIn(actor)) {
    await recordAccountActivity(db, { action: 'auth.sign_in_failed', actorId: null, subjectId: user?.id ?? null, after: { email }, ip: meta.ip })
    throw new AppError('UNAUTHORIZED', 'The email address or the password is not correct', { i18n: { key: 'invalidCredentials' } })
  }

  await attempt.succeeded()
  // Never carry a session across a sign-in: the one this browser had (if any) ends, a new one starts.
  if (meta.replacesSessionId) await invalidateSession(meta.replacesSessionId)
  await purgeExpiredSessions(actor.userId)
  const { token, cookie, session } = await createSession(actor.userId, { ip: meta.ip, userAgent: meta.userAgent })
  actor.sessionId = session.id
  // The account's row (with the IP), and one per workspace the user is an active member of, so that
  // each secretariat sees its members' sign-ins on its activity page (without the IP). Failed attempts
  // above stay workspace-less: they must reveal nothing about any workspace.
  await db.transaction().execute(async (trx) => {
    await recordAccountActivity(trx, { action: 'auth.signed_in', actorId: actor.userId, subjectId: actor.userId, after: { email }, ip: meta.ip })
    for (const membership of actor.memberships) {
      await recordActivity(trx, { workspaceId: membership.workspaceId, actorId: actor.userId, action: 'auth.signed_in', subjectType: 'user', subjectId: actor.userId, after: { email } })
    }
  })
  return { actor, token, cookie, session }
}
