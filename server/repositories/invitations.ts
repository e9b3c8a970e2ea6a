import type { Kysely, Transaction } from 'kysely'
import type { DB, Locale, Role } from '#db/types.ts'

type Executor = Kysely<DB> | Transaction<DB>

export interface InvitationRecord {
  id: string
  workspaceId: string
  workspaceSlug: string
  workspaceName: string
  workspaceLocale: Locale
  workspaceTimeZone: string
  email: string
  role: Role
  countryId: string | null
  countryCode: string | null
  countryLocale: Locale | null
  countryTimeZone: string | null
  countryNames: { es: string; pt: string; en: string } | null
  organisationId: string | null
  organisationName: string | null
  invitedBy: string | null
  inviterName: string | null
  inviterEmail: string | null
  expiresAt: Date
  acceptedAt: Date | null
  revokedAt: Date | null
  createdAt: Date
}

function baseQuery(db: Executor) {
  return db
    .selectFrom('invitation as i')
    .innerJoin('workspace as w', 'w.id', 'i.workspace_id')
    .leftJoin('country as c', 'c.id', 'i.country_id')
    .leftJoin('organisation as o', 'o.id', 'i.organisation_id')
    .leftJoin('app_user as u', 'u.id', 'i.invited_by')
    .select([
      'i.id',
      'i.workspace_id',
      'w.slug',
      'w.name as workspace_name',
      'w.default_locale',
      'w.time_zone as workspace_time_zone',
      'i.email',
      'i.role',
      'i.country_id',
      'c.code as country_code',
      'c.locale as country_locale',
      'c.time_zone as country_time_zone',
      'c.name_es',
      'c.name_pt',
      'c.name_en',
      'i.organisation_id',
      'o.name as organisation_name',
      'i.invited_by',
      'u.name as inviter_name',
      'u.email as inviter_email',
      'i.expires_at',
      'i.accepted_at',
      'i.revoked_at',
      'i.created_at',
    ])
}

type Row = Awaited<ReturnType<ReturnType<typeof baseQuery>['executeTakeFirstOrThrow']>>

function toRecord(r: Row): InvitationRecord {
  return {
    id: r.id,
    workspaceId: r.workspace_id,
    workspaceSlug: r.slug,
    workspaceName: r.workspace_name,
    workspaceLocale: r.default_locale,
    workspaceTimeZone: r.workspace_time_zone,
    email: r.email,
    role: r.role,
    countryId: r.country_id,
    countryCode: r.country_code?.trim() ?? null,
    countryLocale: r.country_locale,
    countryTimeZone: r.country_time_zone,
    countryNames: r.name_es !== null && r.name_pt !== null && r.name_en !== null ? { es: r.name_es, pt: r.name_pt, en: r.name_en } : null,
    organisationId: r.organisation_id,
    organisationName: r.organisation_name,
    invitedBy: r.invited_by,
    inviterName: r.inviter_name,
    inviterEmail: r.inviter_email,
    expiresAt: r.expires_at,
    acceptedAt: r.accepted_at,
    revokedAt: r.revoked_at,
    createdAt: r.created_at,
  }
}

export async function findInvitationById(db: Executor, id: string): Promise<InvitationRecord | undefined> {
  const row = await baseQuery(db).where('i.id', '=', id).executeTakeFirst()
  return row && toRecord(row)
}

export async function findInvitationByTokenHash(db: Executor, tokenHash: string, opts: { forUpdate?: boolean } = {}) {
  let query = baseQuery(db).where('i.token_hash', '=', tokenHash)
  // Lock only the invitation row: two submissions of one link serialise here.
  if (opts.forUpdate) query = query.forUpdate('i')
  const row = await query.executeTakeFirst()
  return row && toRecord(row)
}

/** Invitations of a workspace not yet accepted nor revoked (expired ones included, marked by expiresAt). */
export async function listOpenInvitations(db: Executor, workspaceId: string): Promise<InvitationRecord[]> {
  const rows = await baseQuery(db)
    .where('i.workspace_id', '=', workspaceId)
    .where('i.accepted_at', 'is', null)
    .where('i.revoked_at', 'is', null)
    .orderBy('i.created_at', 'desc')
    .execute()
  return rows.map(toRecord)
}

export async function insertInvitation(
  db: Executor,
  values: { workspaceId: string; email: string; role: Role; countryId: string | null; organisationId: string | null; tokenHash: string; invitedBy: string | null; expiresAt: Date },
) {
  return db
    .insertInto('invitation')
    .values({
      workspace_id: values.workspaceId,
      email: values.email,
      role: values.role,
      country_id: values.countryId,
      organisation_id: values.organisationId,
      token_hash: values.tokenHash,
      invited_by: values.invitedBy,
      expires_at: values.expiresAt,
    })
    .returning(['id'])
    .executeTakeFirstOrThrow()
}

/** Revokes the open invitations of one address to one workspace; returns their ids. */
export async function revokeOpenInvitations(db: Executor, workspaceId: string, email: string): Promise<string[]> {
  const rows = await db
    .updateTable('invitation')
    .set({ revoked_at: new Date() })
    .where('workspace_id', '=', workspaceId)
    .where('email', '=', email)
    .where('accepted_at', 'is', null)
    .where('revoked_at', 'is', null)
    .returning('id')
    .execute()
  return rows.map((r) => r.id)
}

export async function revokeInvitation(db: Executor, workspaceId: string, id: string) {
  return db
    .updateTable('invitation')
    .set({ revoked_at: new Date() })
    .where('id', '=', id)
    .where('workspace_id', '=', workspaceId)
    .where('accepted_at', 'is', null)
    .where('revoked_at', 'is', null)
    .returning(['id', 'email', 'role'])
    .executeTakeFirst()
}

export async function markInvitationAccepted(db: Executor, id: string) {
  await db.updateTable('invitation').set({ accepted_at: new Date() }).where('id', '=', id).execute()
}
