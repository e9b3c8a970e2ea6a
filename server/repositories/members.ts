import type { Kysely, Transaction } from 'kysely'
import type { DB, Role } from '#db/types.ts'

type Executor = Kysely<DB> | Transaction<DB>

export interface MemberRow {
  membershipId: string
  userId: string
  email: string
  name: string
  role: Role
  countryId: string | null
  countryCode: string | null
  organisationId: string | null
  organisationCode: string | null
  deactivatedAt: Date | null
  createdAt: Date
  hasPassword: boolean
}

export async function listMembers(db: Executor, workspaceId: string): Promise<MemberRow[]> {
  const rows = await db
    .selectFrom('membership as m')
    .innerJoin('app_user as u', 'u.id', 'm.user_id')
    .leftJoin('country as c', 'c.id', 'm.country_id')
    .leftJoin('organisation as o', 'o.id', 'm.organisation_id')
    .select([
      'm.id',
      'm.user_id',
      'u.email',
      'u.name',
      'm.role',
      'm.country_id',
      'c.code as country_code',
      'm.organisation_id',
      'o.code as organisation_code',
      'm.deactivated_at',
      'm.created_at',
      'u.password_hash',
    ])
    .where('m.workspace_id', '=', workspaceId)
    .orderBy('m.deactivated_at', (ob) => ob.nullsFirst())
    .orderBy('m.role')
    .orderBy('c.code')
    .orderBy('u.name')
    .execute()
  return rows.map((r) => ({
    membershipId: r.id,
    userId: r.user_id,
    email: r.email,
    name: r.name,
    role: r.role,
    countryId: r.country_id,
    countryCode: r.country_code?.trim() ?? null,
    organisationId: r.organisation_id,
    organisationCode: r.organisation_code,
    deactivatedAt: r.deactivated_at,
    createdAt: r.created_at,
    hasPassword: r.password_hash !== null,
  }))
}

/** One membership of the workspace, locked for the rest of the transaction. */
export async function findMembershipForUpdate(trx: Transaction<DB>, workspaceId: string, membershipId: string) {
  return trx
    .selectFrom('membership')
    .selectAll()
    .where('id', '=', membershipId)
    .where('workspace_id', '=', workspaceId)
    .forUpdate()
    .executeTakeFirst()
}

export async function findMembershipByEmail(db: Executor, workspaceId: string, email: string) {
  return db
    .selectFrom('membership as m')
    .innerJoin('app_user as u', 'u.id', 'm.user_id')
    .select(['m.id', 'm.deactivated_at'])
    .where('m.workspace_id', '=', workspaceId)
    .where('u.email', '=', email)
    .executeTakeFirst()
}

/**
 * Locks and returns the ids of the active secretariat memberships, so that
 * two concurrent demotions cannot each see "another one remains".
 */
export async function lockActiveSecretariat(trx: Transaction<DB>, workspaceId: string): Promise<string[]> {
  const rows = await trx
    .selectFrom('membership')
    .select('id')
    .where('workspace_id', '=', workspaceId)
    .where('role', '=', 'secretariat')
    .where('deactivated_at', 'is', null)
    .orderBy('id')
    .forUpdate()
    .execute()
  return rows.map((r) => r.id)
}

export async function updateMembership(
  trx: Transaction<DB>,
  membershipId: string,
  changes: { role?: Role; country_id?: string | null; organisation_id?: string | null; deactivated_at?: Date | null },
) {
  return trx
    .updateTable('membership')
    .set({ ...changes, updated_at: new Date() })
    .where('id', '=', membershipId)
    .returningAll()
    .executeTakeFirstOrThrow()
}

/**
 * Adds a user to a workspace, or (when they were a member before) gives
 * them the role of the invitation and reactivates them.
 */
export async function upsertMembership(
  trx: Transaction<DB>,
  values: { workspaceId: string; userId: string; role: Role; countryId: string | null; organisationId: string | null },
) {
  return trx
    .insertInto('membership')
    .values({ workspace_id: values.workspaceId, user_id: values.userId, role: values.role, country_id: values.countryId, organisation_id: values.organisationId })
    .onConflict((oc) =>
      oc.columns(['workspace_id', 'user_id']).doUpdateSet({
        role: values.role,
        country_id: values.countryId,
        organisation_id: values.organisationId,
        deactivated_at: null,
        updated_at: new Date(),
      }),
    )
    .returning(['id'])
    .executeTakeFirstOrThrow()
}

export async function workspaceCountries(db: Executor, workspaceId: string) {
  const rows = await db
    .selectFrom('country')
    .select(['id', 'code', 'name_es', 'name_pt', 'name_en', 'locale', 'time_zone'])
    .where('workspace_id', '=', workspaceId)
    .orderBy('code')
    .execute()
  return rows.map((r) => ({ ...r, code: r.code.trim() }))
}

export async function workspaceOrganisations(db: Executor, workspaceId: string) {
  return db.selectFrom('organisation').select(['id', 'code', 'name']).where('workspace_id', '=', workspaceId).orderBy('code').execute()
}
