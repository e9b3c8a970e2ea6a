import { sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import { db } from '#server/db.ts'

describe('migrations', () => {
  it('create the model with its constraints', async () => {
    const tables = await sql<{ table_name: string }>`
      SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`.execute(db)
    const names = tables.rows.map((r) => r.table_name)
    expect(names).toEqual(expect.arrayContaining(['workspace', 'country', 'plan_node', 'task', 'assignment', 'activity', 'outbox']))
  })

  it('refuse a second assignment for the same task, assignee and period', async () => {
    const ws = await db.insertInto('workspace').values({ slug: 'x1', name: 'X' }).returning('id').executeTakeFirstOrThrow()
    const country = await db
      .insertInto('country')
      .values({ workspace_id: ws.id, code: 'AR', name_es: 'Argentina', name_pt: 'Argentina', name_en: 'Argentina', locale: 'es', time_zone: 'America/Argentina/Buenos_Aires' })
      .returning('id')
      .executeTakeFirstOrThrow()
    const plan = await db.insertInto('plan').values({ workspace_id: ws.id, title: 'P' }).returning('id').executeTakeFirstOrThrow()
    const node = await db
      .insertInto('plan_node')
      .values({ workspace_id: ws.id, plan_id: plan.id, parent_id: null, kind: 'general_objective', position: 1, code: '1', title: 'G' })
      .returning('id')
      .executeTakeFirstOrThrow()
    await db.insertInto('task').values({ id: node.id, workspace_id: ws.id, lead_country_id: null, lead_organisation_id: null, start_date: null, due_date: null, recurrence_months: null }).execute()
    const row = { workspace_id: ws.id, task_id: node.id, assignee_kind: 'country' as const, country_id: country.id, organisation_id: null, due_date: '2027-01-31', updated_by: null }
    await db.insertInto('assignment').values(row).execute()
    await expect(db.insertInto('assignment').values(row).execute()).rejects.toThrow(/assignment_one_per_assignee_period_idx/)

    // An assignment is in its task's workspace: the same task from another workspace is refused.
    const other = await db.insertInto('workspace').values({ slug: 'x2', name: 'Y' }).returning('id').executeTakeFirstOrThrow()
    await expect(
      db.insertInto('assignment').values({ ...row, workspace_id: other.id, assignee_kind: 'secretariat', country_id: null }).execute(),
    ).rejects.toThrow(/assignment_workspace_id_task_id_fkey/)
    await expect(db.updateTable('assignment').set({ workspace_id: other.id }).where('task_id', '=', node.id).execute()).rejects.toThrow(
      /assignment_workspace_id_(task_id|country_id)_fkey/,
    )
  })
})
