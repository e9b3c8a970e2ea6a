import type { Kysely, Transaction } from 'kysely'
import type { DB } from '#db/types.ts'
import { env } from '#server/env.ts'
import { newOneTimeToken } from '../one-time-token.ts'

export const RESET_TTL_MS = 60 * 60 * 1000

/** Stores a single-use reset token (its hash) for a user; returns the token for the link. */
export async function issuePasswordReset(executor: Kysely<DB> | Transaction<DB>, userId: string, ttlMs = RESET_TTL_MS) {
  const { token, hash } = newOneTimeToken()
  const expiresAt = new Date(Date.now() + ttlMs)
  const row = await executor.insertInto('password_reset').values({ user_id: userId, token_hash: hash, expires_at: expiresAt }).returning('id').executeTakeFirstOrThrow()
  return { resetId: row.id, token, expiresAt }
}

export function resetUrl(token: string) {
  return `${env().APP_URL}/reset-password/${token}`
}
