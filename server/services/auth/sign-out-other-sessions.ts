import type { Actor } from '#server/authz.ts'
import { invalidateUserSessions } from '#server/auth/session.ts'
import { db } from '#server/db.ts'
import { recordAccountActivity } from '#server/repositories/accounts.ts'

/** "Sign out everywhere else": ends every session of the caller but the current one. */
export async function signOutOtherSessions(actor: Actor, meta: { ip: string | null } = { ip: null }): Promise<{ endedSessions: number }> {
  const endedSessions = await invalidateUserSessions(actor.userId, { exceptSessionId: actor.sessionId })
  await recordAccountActivity(db, { action: 'auth.signed_out_elsewhere', actorId: actor.userId, subjectId: actor.userId, after: { endedSessions }, ip: meta.ip })
  return { endedSessions }
}
