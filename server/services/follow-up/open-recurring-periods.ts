import { db } from '#server/db.ts'
import { createPeriodAssignments } from '#server/services/tasks/create-period-assignments.ts'
import { localDate, periodStartOn } from '#server/services/tasks/periods.ts'

/**
 * Opens the current period of every recurring task that has been assigned:
 * each assignee gets the period's assignment (task × assignee × period),
 * with its own due date and therefore its own reminders. Idempotent — the
 * unique index on (task, assignee, period) decides.
 */
export async function openRecurringPeriods(input: { asOf: Date }): Promise<{ created: number }> {
  const tasks = await db
    .selectFrom('task as t')
    .innerJoin('workspace as w', 'w.id', 't.workspace_id')
    .innerJoin('plan_node as n', 'n.id', 't.id')
    .select(['t.id', 't.workspace_id', 't.recurrence_months', 't.start_date', 'w.time_zone'])
    .where('t.recurrence_months', 'is not', null)
    .where('n.archived_at', 'is', null)
    .where((eb) => eb.exists(eb.selectFrom('assignment as a').select('a.id').whereRef('a.task_id', '=', 't.id')))
    .execute()
  let created = 0
  for (const task of tasks) {
    const months = task.recurrence_months ?? 0
    const periodStart = periodStartOn({ startDate: task.start_date, recurrenceMonths: months }, localDate(task.time_zone, input.asOf))
    const rows = await db.transaction().execute((trx) => createPeriodAssignments(trx, { id: task.id, workspaceId: task.workspace_id, recurrenceMonths: months }, periodStart))
    created += rows.length
  }
  return { created }
}
