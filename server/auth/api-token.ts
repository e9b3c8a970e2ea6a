import { sql } from 'kysely'
import { db } from '../db.ts'
import { randomToken, sha256Hex } from './tokens.ts'

/**
 * Personal API tokens: `Authorization: Bearer ruta_<64 hex>`. Shown once at
 * creation; the table keeps only SHA-256(token). Revoked tokens stay listed
 * (with their revocation time) and never authenticate again.
 */
export const API_TOKEN_PREFIX = 'ruta_'
const TOKEN_PATTERN = /^ruta_[0-9a-f]{64}$/
/** last_used_at is written at most this often per token. */
const LAST_USED_STEP_MS = 60_000

export interface ApiTokenInfo {
  id: string
  name: string
  createdAt: Date
  lastUsedAt: Date | null
  revokedAt: Date | null
}

export async function createApiToken(userId: string, name: string): Promise<{ token: string; info: ApiTokenInfo }> {
  const token = `${API_TOKEN_PREFIX}${randomToken(32)}`
  const row = await db
    .insertInto('api_token')
    .values({ user_id: userId, name, token_hash: sha256Hex(token) })
    .returning(['id', 'name', 'created_at', 'last_used_at', 'revoked_at'])
    .executeTakeFirstOrThrow()
  return { token, info: toInfo(row) }
}

export async function listApiTokens(userId: string): Promise<ApiTokenInfo[]> {
  const rows = await db
    .selectFrom('api_token')
    .select(['id', 'name', 'created_at', 'last_used_at', 'revoked_at'])
    .where('user_id', '=', userId)
    .orderBy('created_at', 'desc')
    .execute()
  return rows.map(toInfo)
}

/** Revokes one of the user's own tokens; false when there is no such live token of theirs. */
export async function revokeApiToken(userId: string, tokenId: string): Promise<boolean> {
  if (!/^[0-9a-f-]{36}$/i.test(tokenId)) return false
  const result = await db
    .updateTable('api_token')
    .set({ revoked_at: sql<Date>`now()` })
    .where('id', '=', tokenId)
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst()
  return Number(result.numUpdatedRows) > 0
}

/** The stored hash of a well-formed token, or null (a malformed token is never looked up). */
export function apiTokenHashOf(token: string): string | null {
  return TOKEN_PATTERN.test(token) ? sha256Hex(token) : null
}

/**
 * Judges a token row the caller has already read together with its user
 * (server/repositories/actors.ts loadActorByApiTokenHash): false when
 * revoked; otherwise stamps last_used_at (at most once a minute) and true.
 */
export async function acceptStoredApiToken(row: { id: string; lastUsedAt: Date | null; revokedAt: Date | null }): Promise<boolean> {
  if (row.revokedAt) return false
  if (!row.lastUsedAt || Date.now() - row.lastUsedAt.getTime() >= LAST_USED_STEP_MS) {
    await db.updateTable('api_token').set({ last_used_at: sql<Date>`now()` }).where('id', '=', row.id).execute()
  }
  return true
}

function toInfo(row: { id: string; name: string; created_at: Date; last_used_at: Date | null; revoked_at: Date | null }): ApiTokenInfo {
  return { id: row.id, name: row.name, createdAt: row.created_at, lastUsedAt: row.last_used_at, revokedAt: row.revoked_at }
}
