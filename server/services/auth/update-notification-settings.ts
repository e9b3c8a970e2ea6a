import { z } from 'zod'
import type { Actor } from '#server/authz.ts'
import { db } from '#server/db.ts'
import { AppError } from '#server/errors.ts'
import { findProfile, recordAccountActivity, setDigestFrequency } from '#server/repositories/accounts.ts'
import { getNotificationPreferences, updateNotificationPreferences, ZUpdatePreferences } from '#server/services/follow-up/notification-preferences.ts'

/** The settings page's Notifications form: a mode per category, and the digest frequency. */
export const ZNotificationSettings = ZUpdatePreferences.extend({
  digestFrequency: z.enum(['daily', 'weekly', 'off']).optional(),
}).strict()
export type TNotificationSettings = z.input<typeof ZNotificationSettings>

/**
 * Validates the whole form first (an unknown category or mode names the field
 * and changes nothing), then saves the categories through the follow-up
 * engine's service and the frequency on the profile.
 */
export async function updateNotificationSettings(actor: Actor, input: Record<string, unknown>) {
  const parsed = ZNotificationSettings.safeParse(input)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const unknown = issue?.code === 'unrecognized_keys'
    const field = unknown ? String(issue.keys[0] ?? 'input') : String(issue?.path[0] ?? 'input')
    const key = unknown ? 'settings:notifications.errors.unknown' : 'settings:notifications.errors.mode'
    throw new AppError('BAD_REQUEST', `${field} is not valid`, { field, i18n: { key, values: { field } } })
  }
  const { digestFrequency, ...categories } = parsed.data
  const before = await getNotificationPreferences(actor)
  const after = await updateNotificationPreferences(actor, categories)
  await db.transaction().execute(async (trx) => {
    const profile = await findProfile(trx, actor.userId)
    if (!profile) throw new AppError('NOT_FOUND', 'No such user')
    if (digestFrequency) await setDigestFrequency(trx, actor.userId, digestFrequency)
    await recordAccountActivity(trx, {
      action: 'user.notifications_updated',
      actorId: actor.userId,
      subjectId: actor.userId,
      before: { ...before, digestFrequency: profile.digest_frequency },
      after: { ...after, digestFrequency: digestFrequency ?? profile.digest_frequency },
    })
  })
  return { ...after, digestFrequency }
}
