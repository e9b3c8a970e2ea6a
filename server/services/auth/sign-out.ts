import type { Actor } from '#server/authz.ts'
import { blankSessionCookie, invalidateSession } from '#server/auth/session.ts'
import { db } from '#server/db.ts'
import { recordAccountActivity } from '#server/repositories/accounts.ts'

/** Ends the caller's session; returns the Set-Cookie value that clears the cookie. */
export async function signOut(actor: Actor | null, meta: { ip: string | null } = { ip: null }): Promise<{ cookie: string }> {
  if (actor?.sessionId) {
    await invalidateSession(actor.sessionId)
    await recordAccountActivity(db, { action: 'auth.signed_out', actorId: actor.userId, subjectId: actor.userId, ip: meta.ip })
  }
  return { cookie: blankSessionCookie() }
}
