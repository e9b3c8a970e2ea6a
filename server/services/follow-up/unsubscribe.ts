import type { NotificationCategory } from '#db/types.ts'
import { db } from '#server/db.ts'
import { findUserEmail, setPreference } from '#server/repositories/follow-up.ts'
import { verifyUnsubscribeToken } from './tokens.ts'

export interface TUnsubscribeView {
  email: string
  category: NotificationCategory
}

/** What a one-click unsubscribe link is about, or null when it is forged, expired or its user is gone. */
export async function inspectUnsubscribe(token: string, now = new Date()): Promise<TUnsubscribeView | null> {
  const claims = await verifyUnsubscribeToken(token, now)
  if (!claims) return null
  const user = await findUserEmail(db, claims.u)
  return user ? { email: user.email, category: claims.c } : null
}

/**
 * RFC 8058 one-click unsubscribe: the signed token is the proof, no
 * session needed. Turns the category off (the digest: frequency off).
 * Idempotent — a second POST changes nothing more.
 */
export async function unsubscribe(token: string, now = new Date()): Promise<TUnsubscribeView | null> {
  const claims = await verifyUnsubscribeToken(token, now)
  if (!claims) return null
  const user = await findUserEmail(db, claims.u)
  if (!user) return null
  await setPreference(db, claims.u, claims.c, 'off')
  return { email: user.email, category: claims.c }
}
