import type { Transaction } from 'kysely'
import type { DB } from '#db/types.ts'
import { recordActivity } from '#server/repositories/activity.ts'
import { insertHistory, insertOutbox } from '#server/repositories/assignments.ts'
import {
  distinctAssignees,
  insertAssignmentIfAbsent,
  type AssigneeRow,
} from '#server/repositories/task-assignments.ts'
import { periodEnd, periodName } from './periods.ts'

export interface PeriodTask {
  id: string
  workspaceId: string
  recurrenceMonths: number | null
  /** For the activity log, when the caller has it. */
  code?: string
}

export interface PeriodAssignee {
  assignee: AssigneeRow
  /** Default: the last day of the period (for a task that does not recur, required). */
  dueDate?: string
  /** Shown in the activity log, e.g. the country code. */
  label?: string
}

/**
 * Creates one assignment per assignee for one period of a task, inside the
 * caller's transaction, with its history row, activity row and an
 * 'assignment.created' outbox row. Idempotent: an assignee that already has
 * the period is skipped (the unique index decides, so two runs at once
 * cannot create it twice).
 *
 * `periodStart` is the period's first day (YYYY-MM-DD), or null for a task
 * that does not recur. Without `assignees`, the period goes to everyone the
 * task was assigned to before — what the job that opens the next periods of
 * recurring tasks uses: `createPeriodAssignments(trx, task, nextPeriodStart(...))`.
 */
export async function createPeriodAssignments(
  trx: Transaction<DB>,
  task: PeriodTask,
  periodStart: string | null,
  opts: { assignees?: PeriodAssignee[]; actorId?: string | null } = {},
): Promise<{ id: string; assignee: AssigneeRow; dueDate: string }[]> {
  const period = periodStart && task.recurrenceMonths ? periodName(periodStart) : ''
  const defaultDue = periodStart && task.recurrenceMonths ? periodEnd(periodStart, task.recurrenceMonths) : null
  const assignees: PeriodAssignee[] = opts.assignees ?? await distinctAssignees(trx, task.id)
  const actorId = opts.actorId ?? null
  const created: { id: string; assignee: AssigneeRow; dueDate: string }[] = []
  for (const { assignee, dueDate, label } of assignees) {
    const due = dueDate ?? defaultDue
    if (!due) throw new Error('createPeriodAssignments: a task that does not recur needs a due date per assignee')
    const row = await insertAssignmentIfAbsent(trx, { workspaceId: task.workspaceId, taskId: task.id, assignee, period, dueDate: due, actorId })
    if (!row) continue
    await insertHistory(trx, {
      assignmentId: row.id,
      actorId,
      action: 'created',
      fromStatus: null,
      toStatus: 'not_started',
      note: '',
      version: row.version,
    })
    await recordActivity(trx, {
      workspaceId: task.workspaceId,
      actorId,
      action: 'assignment.created',
      subjectType: 'assignment',
      subjectId: row.id,
      before: undefined,
      after: { ...(task.code ? { task: task.code } : {}), taskId: task.id, assignee: label ?? assignee.kind, ...(period ? { period } : {}), dueDate: due, status: 'not_started' },
    })
    await insertOutbox(trx, 'assignment.created', { assignmentId: row.id, workspaceId: task.workspaceId, taskId: task.id, period })
    created.push({ id: row.id, assignee, dueDate: due })
  }
  return created
}
