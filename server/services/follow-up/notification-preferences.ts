import { z } from 'zod'
import type { Actor } from '#server/authz.ts'
import { db } from '#server/db.ts'
import { AppError } from '#server/errors.ts'
import { setPreference } from '#server/repositories/follow-up.ts'

/** The categories a person can turn off (mandatory notices are not among them), and what each may be set to. */
export const CATEGORY_MODES = {
  reminders: ['immediate', 'off'],
  status: ['immediate', 'off'],
  mentions: ['immediate', 'off'],
  submissions: ['immediate', 'digest', 'off'],
  escalations: ['immediate', 'off'],
} as const

export type TPreferenceCategory = keyof typeof CATEGORY_MODES
export type TPreferences = Record<TPreferenceCategory, 'immediate' | 'digest' | 'off'>

export const ZUpdatePreferences = z
  .object({
    reminders: z.enum(CATEGORY_MODES.reminders).optional(),
    status: z.enum(CATEGORY_MODES.status).optional(),
    mentions: z.enum(CATEGORY_MODES.mentions).optional(),
    submissions: z.enum(CATEGORY_MODES.submissions).optional(),
    escalations: z.enum(CATEGORY_MODES.escalations).optional(),
  })
  .strict()

/** The caller's e-mail preferences per category (a category never changed is 'immediate'). */
export async function getNotificationPreferences(actor: Actor): Promise<TPreferences> {
  const rows = await db.selectFrom('notification_preference').select(['category', 'mode']).where('user_id', '=', actor.userId).execute()
  const prefs: TPreferences = { reminders: 'immediate', status: 'immediate', mentions: 'immediate', submissions: 'immediate', escalations: 'immediate' }
  for (const r of rows) if (r.category in prefs) prefs[r.category as TPreferenceCategory] = r.mode
  return prefs
}

/** Changes the caller's own preferences (for the settings page); the digest frequency stays in the profile. */
export async function updateNotificationPreferences(actor: Actor, input: z.input<typeof ZUpdatePreferences>): Promise<TPreferences> {
  const parsed = ZUpdatePreferences.safeParse(input)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const field = String(issue?.path[0] ?? '')
    throw new AppError('BAD_REQUEST', `${field || 'preferences'}: ${issue?.message ?? 'is not valid'}`, { field })
  }
  await db.transaction().execute(async (trx) => {
    for (const [category, mode] of Object.entries(parsed.data)) if (mode) await setPreference(trx, actor.userId, category as TPreferenceCategory, mode)
  })
  return getNotificationPreferences(actor)
}
