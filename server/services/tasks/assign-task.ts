import { db } from '#server/db.ts'
import { authorize, type Actor } from '#server/authz.ts'
import { AppError } from '#server/errors.ts'
import { recordActivity } from '#server/repositories/activity.ts'
import { insertHistory } from '#server/repositories/assignments.ts'
import { countriesByCode } from '#server/repositories/plan-nodes.ts'
import {
  assignmentsOfPeriodForUpdate,
  findTaskForAssign,
  listTaskAssignments,
  updateDueDate,
  type AssigneeRow,
  type TaskAssignmentItem,
} from '#server/repositories/task-assignments.ts'
import { createPeriodAssignments, type PeriodAssignee } from './create-period-assignments.ts'
import { localDate, periodName, periodStartOn } from './periods.ts'
import type { TAssignTask } from './schemas.ts'

function bad(field: string, message: string, key: string, values?: Record<string, unknown>): never {
  throw new AppError('BAD_REQUEST', message, { field, i18n: { key: `tasks:errors.${key}`, values } })
}

function sameAssignee(a: { assigneeKind: string; countryId: string | null; organisationId: string | null }, b: AssigneeRow) {
  return a.assigneeKind === b.kind && a.countryId === b.countryId && a.organisationId === b.organisationId
}

/**
 * task.assign (shared/API.md): assigns a task to one country, several or all
 * member states in one action, with one due date or a date per country.
 * Assigning a country that already has the task only moves its due date.
 *
 * A task that the secretariat or a partner organisation leads is assigned
 * to that lead instead: `countryCodes` must then be empty, and the one
 * assignment (assignee_kind 'secretariat' or 'organisation') gets `dueDate`.
 *
 * A recurring task gets the assignments of its current period (today in the
 * workspace's time zone); later periods are opened by a job through
 * createPeriodAssignments. Returns the assignments concerned, current period.
 */
export async function assignTask(actor: Actor, input: TAssignTask, opts: { now?: Date } = {}): Promise<TaskAssignmentItem[]> {
  return db.transaction().execute(async (trx) => {
    const task = await findTaskForAssign(trx, input.taskId)
    if (!task) throw new AppError('NOT_FOUND', 'No such task', { i18n: { key: 'errors.notFound' } })
    authorize(actor, 'assign:task', task.workspaceId)
    if (task.archivedAt) bad('taskId', `${task.code} is archived; restore it before assigning it`, 'archived', { code: task.code })

    const codes = [...new Set(input.countryCodes)]
    const dueDates = Object.fromEntries(Object.entries(input.dueDates ?? {}).map(([code, date]) => [code.trim().toUpperCase(), date]))
    const wanted: (PeriodAssignee & { dueDate: string; field: string })[] = []

    if (task.leadKind === 'secretariat' || task.leadKind === 'organisation') {
      if (codes.length) {
        bad('countryCodes', `This task is led by the ${task.leadKind === 'secretariat' ? 'secretariat' : 'partner organisation'} and is assigned to its lead; leave the countries empty`, 'leadAssignedToLead')
      }
      if (Object.keys(dueDates).length) bad('dueDates', 'Per-country due dates apply only to tasks assigned to countries', 'dueDatesNeedCountries')
      const assignee: AssigneeRow =
        task.leadKind === 'secretariat'
          ? { kind: 'secretariat', countryId: null, organisationId: null }
          : { kind: 'organisation', countryId: null, organisationId: task.leadOrganisationId as string }
      wanted.push({ assignee, dueDate: input.dueDate, field: 'dueDate', label: task.leadKind })
    } else {
      if (!codes.length) bad('countryCodes', 'Choose at least one country', 'noCountries')
      const countries = await countriesByCode(trx, task.workspaceId, codes)
      const unknown = codes.filter((code) => !countries.some((c) => c.code === code))
      if (unknown.length) {
        bad('countryCodes', `No member state with the code${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} in this workspace`, 'unknownCountries', {
          codes: unknown.join(', '),
        })
      }
      const stray = Object.keys(dueDates).filter((code) => !codes.includes(code))
      if (stray.length) bad('dueDates', `Due dates were given for countries that are not being assigned: ${stray.join(', ')}`, 'strayDueDates', { codes: stray.join(', ') })
      for (const code of codes) {
        const country = countries.find((c) => c.code === code)!
        wanted.push({
          assignee: { kind: 'country', countryId: country.id, organisationId: null },
          dueDate: dueDates[code] ?? input.dueDate,
          field: dueDates[code] ? `dueDates.${code}` : 'dueDate',
          label: code,
        })
      }
    }
    for (const w of wanted) {
      if (task.startDate && w.dueDate < task.startDate) {
        bad(w.field, `The due date (${w.dueDate}) may not be before the task's start date (${task.startDate})`, 'dueBeforeStart', {
          dueDate: w.dueDate,
          startDate: task.startDate,
        })
      }
    }

    const periodStart = task.recurrenceMonths
      ? periodStartOn({ startDate: task.startDate, recurrenceMonths: task.recurrenceMonths }, localDate(task.workspaceTimeZone, opts.now))
      : null
    const period = periodStart ? periodName(periodStart) : ''
    const existing = await assignmentsOfPeriodForUpdate(trx, task.id, period)
    const ids: string[] = []
    const fresh: PeriodAssignee[] = []
    for (const w of wanted) {
      const current = existing.find((e) => sameAssignee(e, w.assignee))
      if (!current) {
        fresh.push(w)
        continue
      }
      ids.push(current.id)
      if (current.dueDate === w.dueDate) continue
      const updated = await updateDueDate(trx, current.id, w.dueDate, actor.userId)
      await insertHistory(trx, {
        assignmentId: current.id,
        actorId: actor.userId,
        action: 'due_date_changed',
        fromStatus: null,
        toStatus: null,
        note: `${current.dueDate} → ${w.dueDate}`,
        version: updated.version,
      })
      await recordActivity(trx, {
        workspaceId: task.workspaceId,
        actorId: actor.userId,
        action: 'assignment.due_date_changed',
        subjectType: 'assignment',
        subjectId: current.id,
        before: { task: task.code, taskId: task.id, assignee: w.label, ...(period ? { period } : {}), dueDate: current.dueDate },
        after: { task: task.code, taskId: task.id, assignee: w.label, ...(period ? { period } : {}), dueDate: w.dueDate },
      })
    }
    const created = await createPeriodAssignments(trx, task, periodStart, { assignees: fresh, actorId: actor.userId })
    ids.push(...created.map((c) => c.id))
    return listTaskAssignments(trx, task.id, { ids, asOf: opts.now })
  })
}
