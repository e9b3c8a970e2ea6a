import { db } from '#server/db.ts'
import { hashOneTimeToken, isWellFormedOneTimeToken } from '../one-time-token.ts'

export type ResetState = 'valid' | 'expired' | 'used' | 'unknown'

export function resetState(row: { used_at: Date | null; expires_at: Date } | undefined, now = new Date()): ResetState {
  if (!row) return 'unknown'
  if (row.used_at) return 'used'
  if (row.expires_at.getTime() <= now.getTime()) return 'expired'
  return 'valid'
}

/** Whether a reset link can still be used. Read only: opening the link uses nothing up. */
export async function inspectPasswordReset(token: string): Promise<{ state: ResetState; email: string | null }> {
  if (!isWellFormedOneTimeToken(token)) return { state: 'unknown', email: null }
  const row = await db
    .selectFrom('password_reset as r')
    .innerJoin('app_user as u', 'u.id', 'r.user_id')
    .select(['r.used_at', 'r.expires_at', 'u.email'])
    .where('r.token_hash', '=', hashOneTimeToken(token))
    .executeTakeFirst()
  const state = resetState(row)
  return { state, email: state === 'valid' ? (row?.email ?? null) : null }
}
