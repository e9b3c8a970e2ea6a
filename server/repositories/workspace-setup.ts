import { expressionBuilder, sql, type Expression, type Kysely, type Transaction } from 'kysely'
import type { DB, Locale, Role } from '#db/types.ts'

type Executor = Kysely<DB> | Transaction<DB>

/** A member state as the setup page and the activity log show it. */
export interface CountryRow {
  id: string
  code: string
  nameEs: string
  namePt: string
  nameEn: string
  locale: Locale
  timeZone: string
}

export interface CountryValues {
  code: string
  nameEs: string
  namePt: string
  nameEn: string
  locale: Locale
  timeZone: string
}

const COUNTRY_COLUMNS = ['id', 'code', 'name_es', 'name_pt', 'name_en', 'locale', 'time_zone'] as const

function toCountry(r: { id: string; code: string; name_es: string; name_pt: string; name_en: string; locale: Locale; time_zone: string }): CountryRow {
  return { id: r.id, code: r.code.trim(), nameEs: r.name_es, namePt: r.name_pt, nameEn: r.name_en, locale: r.locale, timeZone: r.time_zone }
}

type Reference = 'country_id' | 'organisation_id'

/** A sub-select: how many active members of `role` have `reference` = `id` (the row of the outer query). */
function countActiveMembers(reference: Reference, role: Role, id: Expression<string>) {
  return expressionBuilder<DB>()
    .selectFrom('membership as m')
    .select(sql<number>`count(*)::int`.as('n'))
    .where(`m.${reference}`, '=', id)
    .where('m.role', '=', role)
    .where('m.deactivated_at', 'is', null)
}

/** A sub-select: how many assignments have `reference` = `id` (the row of the outer query). */
function countAssignments(reference: Reference, id: Expression<string>) {
  return expressionBuilder<DB>().selectFrom('assignment as a').select(sql<number>`count(*)::int`.as('n')).where(`a.${reference}`, '=', id)
}

/** The workspace's member states with how many active focal points, assignments, invitations and led tasks refer to each. */
export async function listCountriesWithUse(db: Executor, workspaceId: string) {
  const rows = await db
    .selectFrom('country as c')
    .select([...COUNTRY_COLUMNS.map((col) => `c.${col}` as const)])
    .select((eb) => [
      countActiveMembers('country_id', 'focal_point', eb.ref('c.id')).as('focal_points'),
      countAssignments('country_id', eb.ref('c.id')).as('assignments'),
    ])
    .where('c.workspace_id', '=', workspaceId)
    .orderBy('c.code')
    .execute()
  return rows.map((r) => ({ ...toCountry(r), focalPoints: r.focal_points ?? 0, assignments: r.assignments ?? 0 }))
}

export async function listOrganisationsWithUse(db: Executor, workspaceId: string) {
  const rows = await db
    .selectFrom('organisation as o')
    .select(['o.id', 'o.code', 'o.name'])
    .select((eb) => [
      countActiveMembers('organisation_id', 'partner', eb.ref('o.id')).as('partners'),
      countAssignments('organisation_id', eb.ref('o.id')).as('assignments'),
    ])
    .where('o.workspace_id', '=', workspaceId)
    .orderBy('o.code')
    .execute()
  return rows.map((r) => ({ id: r.id, code: r.code, name: r.name, partners: r.partners ?? 0, assignments: r.assignments ?? 0 }))
}

export async function findCountryByCode(db: Executor, workspaceId: string, code: string) {
  return db.selectFrom('country').select('id').where('workspace_id', '=', workspaceId).where('code', '=', code).executeTakeFirst()
}

/** Inserts a member state; undefined when the workspace already has one with that code. */
export async function insertCountry(trx: Transaction<DB>, workspaceId: string, values: CountryValues): Promise<CountryRow | undefined> {
  const row = await trx
    .insertInto('country')
    .values({
      workspace_id: workspaceId,
      code: values.code,
      name_es: values.nameEs,
      name_pt: values.namePt,
      name_en: values.nameEn,
      locale: values.locale,
      time_zone: values.timeZone,
    })
    .onConflict((oc) => oc.columns(['workspace_id', 'code']).doNothing())
    .returning([...COUNTRY_COLUMNS])
    .executeTakeFirst()
  return row ? toCountry(row) : undefined
}

/** One member state of the workspace, locked for the rest of the transaction. */
export async function findCountryForUpdate(trx: Transaction<DB>, workspaceId: string, countryId: string): Promise<CountryRow | undefined> {
  const row = await trx
    .selectFrom('country')
    .select([...COUNTRY_COLUMNS])
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', countryId)
    .forUpdate()
    .executeTakeFirst()
  return row ? toCountry(row) : undefined
}

export async function updateCountry(trx: Transaction<DB>, countryId: string, values: Omit<CountryValues, 'code'>): Promise<CountryRow> {
  const row = await trx
    .updateTable('country')
    .set({ name_es: values.nameEs, name_pt: values.namePt, name_en: values.nameEn, locale: values.locale, time_zone: values.timeZone })
    .where('id', '=', countryId)
    .returning([...COUNTRY_COLUMNS])
    .executeTakeFirstOrThrow()
  return toCountry(row)
}

/** Everything that refers to a member state, deactivated members and revoked invitations included (they are history). */
export async function countCountryReferences(trx: Transaction<DB>, workspaceId: string, countryId: string) {
  const row = await trx
    .selectNoFrom((eb) => [
      eb.selectFrom('membership').select(sql<number>`count(*)::int`.as('n')).where('workspace_id', '=', workspaceId).where('country_id', '=', countryId).as('members'),
      eb.selectFrom('assignment').select(sql<number>`count(*)::int`.as('n')).where('workspace_id', '=', workspaceId).where('country_id', '=', countryId).as('assignments'),
      eb.selectFrom('invitation').select(sql<number>`count(*)::int`.as('n')).where('workspace_id', '=', workspaceId).where('country_id', '=', countryId).as('invitations'),
      eb.selectFrom('task').select(sql<number>`count(*)::int`.as('n')).where('workspace_id', '=', workspaceId).where('lead_country_id', '=', countryId).as('tasks'),
    ])
    .executeTakeFirstOrThrow()
  return { members: row.members ?? 0, assignments: row.assignments ?? 0, invitations: row.invitations ?? 0, tasks: row.tasks ?? 0 }
}

export async function deleteCountry(trx: Transaction<DB>, countryId: string) {
  await trx.deleteFrom('country').where('id', '=', countryId).execute()
}

export interface OrganisationRow {
  id: string
  code: string
  name: string
}

export async function findOrganisationByCode(db: Executor, workspaceId: string, code: string) {
  return db.selectFrom('organisation').select('id').where('workspace_id', '=', workspaceId).where('code', '=', code).executeTakeFirst()
}

export async function insertOrganisation(trx: Transaction<DB>, workspaceId: string, values: { code: string; name: string }): Promise<OrganisationRow | undefined> {
  return trx
    .insertInto('organisation')
    .values({ workspace_id: workspaceId, code: values.code, name: values.name })
    .onConflict((oc) => oc.columns(['workspace_id', 'code']).doNothing())
    .returning(['id', 'code', 'name'])
    .executeTakeFirst()
}

export async function findOrganisationForUpdate(trx: Transaction<DB>, workspaceId: string, organisationId: string): Promise<OrganisationRow | undefined> {
  return trx
    .selectFrom('organisation')
    .select(['id', 'code', 'name'])
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', organisationId)
    .forUpdate()
    .executeTakeFirst()
}

/** Renames an organisation or changes its code; undefined when another organisation of the workspace has that code. */
export async function updateOrganisation(trx: Transaction<DB>, organisationId: string, values: { code: string; name: string }): Promise<OrganisationRow | undefined> {
  const clash = await trx
    .selectFrom('organisation as o')
    .innerJoin('organisation as self', 'self.workspace_id', 'o.workspace_id')
    .select('o.id')
    .where('self.id', '=', organisationId)
    .where('o.id', '<>', organisationId)
    .where('o.code', '=', values.code)
    .executeTakeFirst()
  if (clash) return undefined
  try {
    return await trx.updateTable('organisation').set({ code: values.code, name: values.name }).where('id', '=', organisationId).returning(['id', 'code', 'name']).executeTakeFirstOrThrow()
  } catch (error) {
    // A concurrent change took the code between the check and the update.
    if (error instanceof Error && 'code' in error && error.code === '23505') return undefined
    throw error
  }
}
