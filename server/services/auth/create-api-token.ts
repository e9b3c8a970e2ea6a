import type { Actor } from '#server/authz.ts'
import { createApiToken as issueToken, listApiTokens } from '#server/auth/api-token.ts'
import { db } from '#server/db.ts'
import { AppError } from '#server/errors.ts'
import { recordAccountActivity } from '#server/repositories/accounts.ts'
import { parseSettingsInput, ZCreateApiToken, type TCreateApiToken } from './settings-input.ts'

export const MAX_LIVE_API_TOKENS = 20

/** A new personal API token. The token itself is returned here only: it is stored as a hash. */
export async function createApiToken(actor: Actor, input: TCreateApiToken) {
  const { name } = parseSettingsInput(ZCreateApiToken, input)
  const live = (await listApiTokens(actor.userId)).filter((t) => !t.revokedAt)
  if (live.length >= MAX_LIVE_API_TOKENS) {
    throw new AppError('BAD_REQUEST', `At most ${MAX_LIVE_API_TOKENS} tokens; revoke one first`, {
      field: 'name',
      i18n: { key: 'settings:errors.tooManyTokens', values: { max: MAX_LIVE_API_TOKENS } },
    })
  }
  const created = await issueToken(actor.userId, name)
  await recordAccountActivity(db, { action: 'auth.api_token_created', actorId: actor.userId, subjectId: actor.userId, after: { tokenId: created.info.id, name } })
  return created
}
