import type { Actor } from '#server/authz.ts'
import { listApiTokens } from '#server/auth/api-token.ts'
import { listSessions } from '#server/auth/session.ts'
import { db } from '#server/db.ts'
import { AppError } from '#server/errors.ts'
import { findProfile } from '#server/repositories/accounts.ts'
import { timeZoneOptions } from '#server/services/auth/settings-input.ts'
import { CATEGORY_MODES, getNotificationPreferences } from '#server/services/follow-up/notification-preferences.ts'

export { isAppError } from '#server/errors.ts'
export { changePassword } from '#server/services/auth/change-password.ts'
export { createApiToken } from '#server/services/auth/create-api-token.ts'
export { revokeApiToken } from '#server/services/auth/revoke-api-token.ts'
export { signOutOtherSessions } from '#server/services/auth/sign-out-other-sessions.ts'
export { updateProfile } from '#server/services/auth/update-profile.ts'
export { updateNotificationSettings } from '#server/services/auth/update-notification-settings.ts'

/** Everything the settings page shows, with instants formatted in the reader's language and time zone. */
export async function loadSettings(actor: Actor, locale: string) {
  const profile = await findProfile(db, actor.userId)
  if (!profile) throw new AppError('NOT_FOUND', 'No such user')
  const [sessions, tokens, notifications] = await Promise.all([listSessions(actor.userId), listApiTokens(actor.userId), getNotificationPreferences(actor)])
  const format = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: actor.timeZone })
  const at = (d: Date | null) => (d ? format.format(d) : null)
  const timeZone = profile.time_zone ?? actor.timeZone
  return {
    profile: {
      email: profile.email,
      name: profile.name,
      locale: profile.locale ?? actor.locale,
      timeZone,
      digestFrequency: profile.digest_frequency,
    },
    timeZones: timeZoneOptions(timeZone),
    /** Each category's current mode, and the modes it may take (mandatory notices are not among them). */
    notifications: { current: notifications, modes: CATEGORY_MODES },
    sessions: sessions.map((s) => ({
      // The stored id is a hash, useless to anyone; still, the page only needs to know which one is this.
      current: s.id === actor.sessionId,
      key: s.id.slice(0, 12),
      createdAt: at(s.createdAt),
      lastSeenAt: at(s.lastSeenAt),
      userAgent: s.userAgent,
      ip: s.ip,
    })),
    tokens: tokens.map((t) => ({ id: t.id, name: t.name, createdAt: at(t.createdAt), lastUsedAt: at(t.lastUsedAt), revokedAt: at(t.revokedAt) })),
  }
}
