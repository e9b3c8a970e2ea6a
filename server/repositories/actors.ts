import type { Kysely } from 'kysely'
import { FALLBACK_LOCALE, isLocale } from '#app/i18n/config.ts'
import type { DB } from '#db/types.ts'
import type { Actor } from '../authz.ts'

/**
 * Builds the Actor of a user: who they are and their active memberships.
 * One query for the user, one for the memberships, whatever their number.
 * A user's language and time zone default from their country, then from
 * their first workspace.
 */
export async function loadActor(db: Kysely<DB>, userId: string, via: Actor['via'] = 'session'): Promise<Actor | null> {
  const user = await db
    .selectFrom('app_user')
    .select(['id', 'email', 'name', 'locale', 'time_zone', 'is_admin'])
    .where('id', '=', userId)
    .executeTakeFirst()
  if (!user) return null
  const memberships = await db
    .selectFrom('membership as m')
    .innerJoin('workspace as w', 'w.id', 'm.workspace_id')
    .leftJoin('country as c', 'c.id', 'm.country_id')
    .select([
      'm.workspace_id',
      'w.slug',
      'w.name',
      'w.default_locale',
      'w.time_zone as workspace_time_zone',
      'm.role',
      'm.country_id',
      'c.code as country_code',
      'c.locale as country_locale',
      'c.time_zone as country_time_zone',
      'm.organisation_id',
    ])
    .where('m.user_id', '=', userId)
    .where('m.deactivated_at', 'is', null)
    .orderBy('m.created_at')
    .execute()
  const first = memberships[0]
  const locale = user.locale ?? first?.country_locale ?? first?.default_locale ?? FALLBACK_LOCALE
  return {
    userId: user.id,
    email: user.email,
    name: user.name,
    locale: isLocale(locale) ? locale : FALLBACK_LOCALE,
    timeZone: user.time_zone ?? first?.country_time_zone ?? first?.workspace_time_zone ?? 'UTC',
    isAdmin: user.is_admin,
    via,
    memberships: memberships.map((m) => ({
      workspaceId: m.workspace_id,
      slug: m.slug,
      name: m.name,
      role: m.role,
      countryId: m.country_id,
      countryCode: m.country_code?.trim() ?? null,
      organisationId: m.organisation_id,
    })),
  }
}
