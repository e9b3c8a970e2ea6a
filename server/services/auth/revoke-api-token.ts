import type { Actor } from '#server/authz.ts'
import { revokeApiToken as revoke } from '#server/auth/api-token.ts'
import { db } from '#server/db.ts'
import { AppError } from '#server/errors.ts'
import { recordAccountActivity } from '#server/repositories/accounts.ts'

/** Revokes one of the caller's own tokens; another user's token is NOT_FOUND. */
export async function revokeApiToken(actor: Actor, input: { tokenId: string }) {
  const revoked = await revoke(actor.userId, String(input.tokenId ?? ''))
  if (!revoked) throw new AppError('NOT_FOUND', 'No such API token', { field: 'tokenId', i18n: { key: 'settings:errors.tokenNotFound' } })
  await recordAccountActivity(db, { action: 'auth.api_token_revoked', actorId: actor.userId, subjectId: actor.userId, after: { tokenId: input.tokenId } })
}
