import type { Actor } from '#server/authz.ts'
import { db } from '#server/db.ts'
import { AppError } from '#server/errors.ts'
import { findProfile, recordAccountActivity, updateProfile as saveProfile } from '#server/repositories/accounts.ts'
import { parseSettingsInput, ZUpdateProfile, type TUpdateProfile } from './settings-input.ts'

/** The caller's own name, language, time zone and digest frequency. */
export async function updateProfile(actor: Actor, input: TUpdateProfile) {
  const profile = parseSettingsInput(ZUpdateProfile, input)
  return db.transaction().execute(async (trx) => {
    const before = await findProfile(trx, actor.userId)
    if (!before) throw new AppError('NOT_FOUND', 'No such user')
    await saveProfile(trx, actor.userId, profile)
    await recordAccountActivity(trx, {
      action: 'user.profile_updated',
      actorId: actor.userId,
      subjectId: actor.userId,
      before: { name: before.name, locale: before.locale, timeZone: before.time_zone, digestFrequency: before.digest_frequency },
      after: profile,
    })
    return profile
  })
}
