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
  profile: { name: string; locale: Locale; timeZone: string; digestFrequency?: DigestFrequency },
) {
  await db
    .updateTable('app_user')
    .set({
      name: profile.name,
      locale: profile.locale,
      time_zone: profile.timeZone,
      ...(profile.digestFrequency ? { digest_frequency: profile.digestFrequency } : {}),
      updated_at: sql<Date>`now()`,
    })
    .where('id', '=', userId)
    .execute()
}

/**
 * The digest frequency alone. The digest's one-click unsubscribe also writes a
 * notification_preference row (category 'digest', mode 'off'); choosing a
 * frequency again on the settings page removes it, or the digest would stay off.
 */
export async function setDigestFrequency(db: Kysely<DB>, userId: string, frequency: DigestFrequency) {
  await db.updateTable('app_user').set({ digest_frequency: frequency, updated_at: sql<Date>`now()` }).where('id', '=', userId).execute()
  if (frequency !== 'off') await db.deleteFrom('notification_preference').where('user_id', '=', userId).where('category', '=', 'digest').execute()
}

/** An account event (sign-in, password change, tokens) in the audit log: no workspace, the user as subject. */
export async function recordAccountActivity(
  db: Kysely<DB>,
  entry: { action: string; actorId: string | null; subjectId: string | null; before?: unknown; after?: unknown; ip?: string | null },
) {
  await recordActivity(db, { ...entry, workspaceId: null, subjectType: 'user' })
}
