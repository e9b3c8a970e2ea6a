import { db } from '#server/db.ts'
import { can, requireMember, type Actor } from '#server/authz.ts'
import { AppError } from '#server/errors.ts'
import { listCountries, listOrganisations, pathTo } from '#server/repositories/plan-nodes.ts'
import { findTaskDetail, listTaskAssignments } from '#server/repositories/task-assignments.ts'
import { localDate, periodName, periodStartOn } from './periods.ts'
import type { TGetTask } from './schemas.ts'

/**
 * task.get: a task with its place in the plan and every assignee's
 * assignment side by side. Every member reads it; `canEdit` and `canAssign`
 * tell the page whether to show the secretariat's forms, and the member
 * states and organisations to choose from come along for them.
 */
export async function getTask(actor: Actor, input: TGetTask) {
  const task = await findTaskDetail(db, input.taskId)
  if (!task) throw new AppError('NOT_FOUND', 'No such task', { i18n: { key: 'errors.notFound' } })
  requireMember(actor, task.workspaceId)
  const canEdit = can(actor, 'update:plan', task.workspaceId)
  const canAssign = can(actor, 'assign:task', task.workspaceId)
  const workspace = await db.selectFrom('workspace').select('time_zone').where('id', '=', task.workspaceId).executeTakeFirstOrThrow()
  const [path, assignments, countries, organisations] = await Promise.all([
    pathTo(db, task.id),
    listTaskAssignments(db, task.id),
    listCountries(db, task.workspaceId),
    listOrganisations(db, task.workspaceId),
  ])
  const currentPeriod = task.recurrenceMonths
    ? periodName(periodStartOn({ startDate: task.startDate, recurrenceMonths: task.recurrenceMonths }, localDate(workspace.time_zone)))
    : null
  return {
    ...task,
    kind: 'task' as const,
    archivedAt: task.archivedAt?.toISOString() ?? null,
    updatedAt: task.updatedAt.toISOString(),
    path: path.slice(0, -1).map((p) => ({ id: p.id, kind: p.kind, code: p.code, title: p.title })),
    currentPeriod,
    assignments,
    countries: countries.map((c) => ({ code: c.code, names: { es: c.name_es, pt: c.name_pt, en: c.name_en } })),
    organisations: organisations.map((o) => ({ code: o.code, name: o.name })),
    canEdit,
    canAssign,
  }
}
