import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Kysely } from 'kysely'
import type { DB } from '#db/types.ts'
import { importPlanFile } from '#db/import/plan-importer.ts'
import { SACM_COUNTRIES, SACM_ORGANISATIONS, SACM_WORKSPACE } from './reference.ts'
import { DEMO_SIGN_IN, seedDemoAccounts } from './accounts.ts'

export const DEMO_PLAN_FILE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'plan-of-action.txt')

export interface SeedReport {
  created: string[]
  /** What to print after start-up: where and how to sign in. */
  signIn?: string
}

/**
 * Demo data: inserts whatever is missing and never changes what exists, so
 * running it again (every `npm start` in demo mode) changes nothing.
 */
export async function seedDemo(db: Kysely<DB>): Promise<SeedReport> {
  const created: string[] = []
  let workspace = await db.selectFrom('workspace').select('id').where('slug', '=', SACM_WORKSPACE.slug).executeTakeFirst()
  if (!workspace) {
    workspace = await db
      .insertInto('workspace')
      .values({ slug: SACM_WORKSPACE.slug, name: SACM_WORKSPACE.name, default_locale: SACM_WORKSPACE.defaultLocale, time_zone: SACM_WORKSPACE.timeZone })
      .onConflict((oc) => oc.column('slug').doNothing())
      .returning('id')
      .executeTakeFirst()
    workspace ??= await db.selectFrom('workspace').select('id').where('slug', '=', SACM_WORKSPACE.slug).executeTakeFirstOrThrow()
    created.push(`workspace ${SACM_WORKSPACE.slug}`)
  }
  const workspaceId = workspace.id

  const countries = await db
    .insertInto('country')
    .values(SACM_COUNTRIES.map((c) => ({ workspace_id: workspaceId, code: c.code, name_es: c.es, name_pt: c.pt, name_en: c.en, locale: c.locale, time_zone: c.timeZone })))
    .onConflict((oc) => oc.columns(['workspace_id', 'code']).doNothing())
    .returning('code')
    .execute()
  if (countries.length) created.push(`${countries.length} countries`)

  const organisations = await db
    .insertInto('organisation')
    .values(SACM_ORGANISATIONS.map((o) => ({ workspace_id: workspaceId, code: o.code, name: o.name })))
    .onConflict((oc) => oc.columns(['workspace_id', 'code']).doNothing())
    .returning('code')
    .execute()
  if (organisations.length) created.push(`${organisations.length} organisations`)

  // The plan is imported once; after that it belongs to the secretariat,
  // whose edits a re-import must not disturb.
  const hasPlan = await db.selectFrom('plan').select('id').where('workspace_id', '=', workspaceId).executeTakeFirst()
  if (!hasPlan) {
    const report = await importPlanFile(db, DEMO_PLAN_FILE, SACM_WORKSPACE.slug)
    created.push(`the plan of action (${report.totals.created} items)`)
  }

  created.push(...(await seedDemoAccounts(db, workspaceId)))

  return { created, signIn: DEMO_SIGN_IN }
}
