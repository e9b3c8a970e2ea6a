import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Kysely } from 'kysely'
import type { DB } from '#db/types.ts'
import { importPlanFile } from '#db/import/plan-importer.ts'
import { SACM_COUNTRIES, SACM_ORGANISATIONS, SACM_WORKSPACE } from './reference.ts'
import { DEMO_SIGN_IN, seedDemoAccounts } from './accounts.ts'
import { loadActor } from '#server/repositories/actors.ts'
import { assignTask } from '#server/services/tasks/assign-task.ts'

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
  created.push(...(await seedDemoAssignments(db, workspaceId)))

  return { created, signIn: DEMO_SIGN_IN }
}

/**
 * Three real tasks of the plan, assigned by the demo secretariat to all
 * twelve member states, due 3, 14 and 45 days after the day the demo was
 * first seeded — so that the reminder job has something to remind from the
 * first day. Nothing else: every assignment starts not_started, and progress
 * appears only where people enter it.
 */
export const DEMO_ASSIGNMENTS = [
  { code: '1.1.1.2', dueInDays: 3 },
  { code: '2.1.4.1', dueInDays: 14 },
  { code: '4.2.2.1', dueInDays: 45 },
]

async function seedDemoAssignments(db: Kysely<DB>, workspaceId: string): Promise<string[]> {
  const existing = await db.selectFrom('assignment').select('id').where('workspace_id', '=', workspaceId).limit(1).executeTakeFirst()
  if (existing) return []
  const secretariat = await db
    .selectFrom('membership')
    .select('user_id')
    .where('workspace_id', '=', workspaceId)
    .where('role', '=', 'secretariat')
    .where('deactivated_at', 'is', null)
    .orderBy('created_at')
    .executeTakeFirst()
  const actor = secretariat ? await loadActor(db, secretariat.user_id) : null
  if (!actor) return []
  const tasks = await db
    .selectFrom('plan_node')
    .select(['id', 'code'])
    .where('workspace_id', '=', workspaceId)
    .where('kind', '=', 'task')
    .where('archived_at', 'is', null)
    .where(
      'code',
      'in',
      DEMO_ASSIGNMENTS.map((a) => a.code),
    )
    .execute()
  const today = new Date()
  let count = 0
  for (const { code, dueInDays } of DEMO_ASSIGNMENTS) {
    const task = tasks.find((t) => t.code === code)
    if (!task) continue
    const due = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() + dueInDays)).toISOString().slice(0, 10)
    const items = await assignTask(actor, { taskId: task.id, countryCodes: SACM_COUNTRIES.map((c) => c.code), dueDate: due })
    count += items.length
  }
  return count ? [`${count} demo assignments`] : []
}
