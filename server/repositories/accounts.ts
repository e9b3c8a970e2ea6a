import { sql, type Kysely } from 'kysely'
import type { DB, DigestFrequency, Locale } from '#db/types.ts'
import { recordActivity } from './activity.ts'

/** Queries on app_user for sign-in and the settings page, and the activity rows of account events. */
export async function findUserForSignIn(db: Kysely<DB>, email: string) {
  return db.selectFrom('app_user').select(['id', 'password_hash']).where('email', '=', email).executeTakeFirst()
}

export async function findPasswordHash(db: Kysely<DB>, userId: string) {
  const row = await db.selectFrom('app_user').select('password_hash').where('id', '=', userId).executeTakeFirst()
  return row?.password_hash ?? null
}

export async function setPasswordHash(db: Kysely<DB>, userId: string, passwordHash: string) {
  await db.updateTable('app_user').set({ password_hash: passwordHash, updated_at: sql<Date>`now()` }).where('id', '=', userId).execute()
}

export async function findProfile(db: Kysely<DB>, userId: string) {
  return db
    .selectFrom('app_user')
    .select(['id', 'email', 'name', 'locale', 'time_zone', 'digest_frequency'])
    .where('id', '=', userId)
    .executeTakeFirst()
}

export async function updateProfile(
  db: Kysely<DB>,
  userId: string,
  profile: { name: string; locale: Locale; timeZone: string; digestFrequency: DigestFrequency },
) {
  await db
    .updateTable('app_user')
    .set({ name: profile.name, locale: profile.locale, time_zone: profile.timeZone, digest_frequency: profile.digestFrequency, updated_at: sql<Date>`now()` })
    .where('id', '=', userId)
    .execute()
}

/** An account event (sign-in, password change, tokens) in the audit log: no workspace, the user as subject. */
export async function recordAccountActivity(
  db: Kysely<DB>,
  entry: { action: string; actorId: string | null; subjectId: string | null; before?: unknown; after?: unknown; ip?: string | null },
) {
  await recordActivity(db, { ...entry, workspaceId: null, subjectType: 'user' })
}
