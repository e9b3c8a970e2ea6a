import type { Kysely } from 'kysely'
import { importPlan } from '#db/import/plan-importer.ts'
import type { AssignmentStatus, DB } from '#db/types.ts'
import type { TestWorkspace } from './index.ts'

const HEADER = 'OBJETIVOS GENERALES\tOBJETIVOS ESPECIFICOS\tLINEAS DE ACCION PROPUESTAS\tTAREAS REQUERIDAS'

/**
 * Imports a plan written as rows of the importer's layout
 * (`'G1\tS1\tA1\tT1'`) and returns a lookup of node ids by code.
 */
export async function createPlan(db: Kysely<DB>, workspace: TestWorkspace, rows: string[], title = 'Test plan') {
  await importPlan(db, [title, 'v1', HEADER, ...rows].join('\n'), workspace.slug)
  const nodes = await db.selectFrom('plan_node').select(['id', 'code']).where('workspace_id', '=', workspace.id).execute()
  const plan = await db.selectFrom('plan').select('id').where('workspace_id', '=', workspace.id).where('is_current', '=', true).executeTakeFirstOrThrow()
  return {
    planId: plan.id,
    nodeId(code: string) {
      const node = nodes.find((n) => n.code === code)
      if (!node) throw new Error(`no plan node ${code}`)
      return node.id
    },
  }
}

export type AssigneeSpec = { countryCode: string } | { organisationCode: string } | 'secretariat'

export async function createAssignment(
  db: Kysely<DB>,
  workspace: TestWorkspace,
  taskId: string,
  assignee: AssigneeSpec,
  opts: { status?: AssignmentStatus; dueDate: string; period?: string },
) {
  const kind = assignee === 'secretariat' ? 'secretariat' : 'countryCode' in assignee ? 'country' : 'organisation'
  return db
    .insertInto('assignment')
    .values({
      workspace_id: workspace.id,
      task_id: taskId,
      assignee_kind: kind,
      country_id: typeof assignee === 'object' && 'countryCode' in assignee ? workspace.countryId(assignee.countryCode) : null,
      organisation_id: typeof assignee === 'object' && 'organisationCode' in assignee ? workspace.organisationId(assignee.organisationCode) : null,
      due_date: opts.dueDate,
      status: opts.status ?? 'not_started',
      period: opts.period ?? '',
    })
    .returning(['id'])
    .executeTakeFirstOrThrow()
}
