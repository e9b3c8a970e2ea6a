import { sql, type Expression, type Kysely, type Transaction } from 'kysely'
import { jsonArrayFrom } from 'kysely/helpers/postgres'
import { FALLBACK_LOCALE, isLocale } from '#app/i18n/config.ts'
import type { DB, Role } from '#db/types.ts'
import type { Actor } from '../authz.ts'
import { preparedQuery } from './prepared.ts'

interface UserRow {
  id: string
  email: string
  name: string
  locale: string | null
  time_zone: string | null
  is_admin: boolean
}

interface MembershipRow {
  workspace_id: string
  slug: string
  name: string
  default_locale: string
  workspace_time_zone: string
  role: Role
  country_id: string | null
  country_code: string | null
  country_locale: string | null
  country_time_zone: string | null
  organisation_id: string | null
}

/** The active memberships of a user (a correlated reference), with what the Actor needs of their workspace and country. */
function activeMemberships(db: Kysely<DB> | Transaction<DB>, userId: Expression<string>) {
  return db
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
}

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
  const memberships = await activeMemberships(db, sql<string>`${userId}`).execute()
  return toActor(user, memberships, via)
}

/** The user's columns an Actor is built from, as read joined under the alias `u`. */
const USER_COLUMNS = ['u.id', 'u.email', 'u.name', 'u.locale', 'u.time_zone', 'u.is_admin'] as const

/** A stored session as read with its user (see loadActorBySessionId). */
export interface StoredSessionRow {
  id: string
  userId: string
  createdAt: Date
  lastSeenAt: Date
  expiresAt: Date
  ip: string | null
  userAgent: string | null
}

// Every request runs one of these two: compiled once (prepared.ts).
const sessionWithActorQuery = preparedQuery((q, sessionId: string) =>
  q
    .selectFrom('user_session as s')
    .innerJoin('app_user as u', 'u.id', 's.user_id')
    .select((eb) => [
      's.id as session_id',
      's.expires_at',
      's.created_at',
      's.last_seen_at',
      's.ip',
      's.user_agent',
      ...USER_COLUMNS,
      jsonArrayFrom(activeMemberships(q, eb.ref('u.id'))).as('memberships'),
    ])
    .where('s.id', '=', sessionId),
)

const apiTokenWithActorQuery = preparedQuery((q, tokenHash: string) =>
  q
    .selectFrom('api_token as t')
    .innerJoin('app_user as u', 'u.id', 't.user_id')
    .select((eb) => [
      't.id as token_id',
      't.last_used_at',
      't.revoked_at',
      ...USER_COLUMNS,
      jsonArrayFrom(activeMemberships(q, eb.ref('u.id'))).as('memberships'),
    ])
    .where('t.token_hash', '=', tokenHash),
)

/**
 * The session stored under `sessionId` with the Actor of its user, in ONE
 * statement (session ⋈ user, the active memberships as a JSON array), or null
 * when there is no such session. Whether the session is still valid (idle,
 * absolute lifetime) is for server/auth/session.ts to judge; whether the user
 * may sign in, for the caller (maySignIn).
 */
export async function loadActorBySessionId(
  db: Kysely<DB>,
  sessionId: string,
): Promise<{ session: StoredSessionRow; actor: Actor } | null> {
  const [row] = await sessionWithActorQuery(db, sessionId)
  if (!row) return null
  return {
    session: {
      id: row.session_id,
      userId: row.id,
      createdAt: row.created_at,
      lastSeenAt: row.last_seen_at,
      expiresAt: row.expires_at,
      ip: row.ip,
      userAgent: row.user_agent,
    },
    actor: toActor(row, row.memberships, 'session'),
  }
}

/** A stored API token as read with its user (see loadActorByApiTokenHash). */
export interface StoredApiTokenRow {
  id: string
  lastUsedAt: Date | null
  revokedAt: Date | null
}

/**
 * The API token stored under `tokenHash` with the Actor of its user, in ONE
 * statement, or null when there is no such token. Revocation is for
 * server/auth/api-token.ts to judge.
 */
export async function loadActorByApiTokenHash(
  db: Kysely<DB>,
  tokenHash: string,
): Promise<{ token: StoredApiTokenRow; actor: Actor } | null> {
  const [row] = await apiTokenWithActorQuery(db, tokenHash)
  if (!row) return null
  return {
    token: { id: row.token_id, lastUsedAt: row.last_used_at, revokedAt: row.revoked_at },
    actor: toActor(row, row.memberships, 'token'),
  }
}

function toActor(user: UserRow, memberships: MembershipRow[], via: Actor['via']): Actor {
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
