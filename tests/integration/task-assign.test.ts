import { beforeAll, describe, expect, it } from 'vitest'
import type { Actor } from '#server/authz.ts'
import { db } from '#server/db.ts'
import { appRouter } from '#server/routers/_app.ts'
import { assignTask } from '#server/services/tasks/assign-task.ts'
import { createPeriodAssignments } from '#server/services/tasks/create-period-assignments.ts'
import { nextPeriodStart, periodEnd, periodStartOn } from '#server/services/tasks/periods.ts'
import { createCallerFactory } from '#server/trpc.ts'
import { createMember, createWorkspace, type TestWorkspace } from '#tests/factories/index.ts'
import { createPlan } from '#tests/factories/plan.ts'
import { expectError } from '#tests/support/trpc.ts'

const createCaller = createCallerFactory(appRouter)
const callerFor = (actor: Actor) => createCaller({ actor, requestId: 'test', locale: 'en', invalidToken: false })

const ALL = ['AR', 'BO', 'BR', 'CL', 'CO', 'EC', 'GY', 'PY', 'PE', 'SR', 'UY', 'VE']

let ws: TestWorkspace
let secretariat: Actor
let focalPoint: Actor
let plan: Awaited<ReturnType<typeof createPlan>>

async function newTask(title: string, fields: Partial<{ lead_kind: 'all_countries' | 'secretariat' | 'country' | 'organisation'; lead_organisation_id: string; recurrence_months: number; start_date: string }> = {}) {
  const created = await callerFor(secretariat).planItem.create({ workspaceId: ws.id, parentId: plan.nodeId('1.1.1'), title })
  if (Object.keys(fields).length) await db.updateTable('task').set(fields).where('id', '=', created.id).execute()
  return created.id
}

beforeAll(async () => {
  ws = await createWorkspace(db)
  secretariat = (await createMember(db, ws, 'secretariat', { name: 'Sec' })).actor
  focalPoint = (await createMember(db, ws, 'focal_point', { countryCode: 'AR' })).actor
  plan = await createPlan(db, ws, ['G\tS\tA\tSeed task'])
})

describe('task.assign', () => {
  it('assigns one country, writing history, activity and an outbox row in the same transaction', async () => {
    const taskId = await newTask('One country')
    const result = await callerFor(secretariat).task.assign({ taskId, countryCodes: ['cl'], dueDate: '2027-04-30' })
    expect(result).toHaveLength(1)
    expect(result[0]).toMatchObject({ taskId, countryCode: 'CL', assigneeKind: 'country', status: 'not_started', dueDate: '2027-04-30', overdue: false, version: 1, period: '' })
    const id = result[0].id
    expect(await db.selectFrom('assignment_history').select(['action', 'to_status', 'actor_id']).where('assignment_id', '=', id).execute()).toEqual([
      { action: 'created', to_status: 'not_started', actor_id: secretariat.userId },
    ])
    const activity = await db.selectFrom('activity').select(['action', 'after']).where('subject_id', '=', id).execute()
    expect(activity).toEqual([{ action: 'assignment.created', after: expect.objectContaining({ assignee: 'CL', dueDate: '2027-04-30' }) }])
    const outbox = await db.selectFrom('outbox').select(['topic', 'payload']).where('topic', '=', 'assignment.created').execute()
    expect(outbox.filter((o) => (o.payload as { assignmentId: string }).assignmentId === id)).toHaveLength(1)
  })

  it('assigns several countries with per-country dates, and all member states at once', async () => {
    const taskId = await newTask('Several')
    const several = await callerFor(secretariat).task.assign({ taskId, countryCodes: ['BR', 'PY', 'UY'], dueDate: '2027-05-31', dueDates: { py: '2027-06-30' } })
    expect(several.map((a) => [a.countryCode, a.dueDate])).toEqual([
      ['BR', '2027-05-31'],
      ['PY', '2027-06-30'],
      ['UY', '2027-05-31'],
    ])
    const allTask = await newTask('Everyone')
    const all = await callerFor(secretariat).task.assign({ taskId: allTask, countryCodes: ALL, dueDate: '2027-07-31' })
    expect(all.map((a) => a.countryCode)).toEqual([...ALL].sort())
    expect(await db.selectFrom('assignment').select('id').where('task_id', '=', allTask).execute()).toHaveLength(12)
  })

  it('re-assigning a country that already has the task only updates its due date', async () => {
    const taskId = await newTask('Re-assign')
    const [first] = await callerFor(secretariat).task.assign({ taskId, countryCodes: ['EC'], dueDate: '2027-03-31' })
    await db.updateTable('assignment').set({ status: 'in_progress', progress_note: 'Working on it', version: 2 }).where('id', '=', first.id).execute()
    const again = await callerFor(secretariat).task.assign({ taskId, countryCodes: ['EC', 'PE'], dueDate: '2027-05-15' })
    const ec = again.find((a) => a.countryCode === 'EC')!
    expect(ec.id).toBe(first.id)
    expect(ec).toMatchObject({ status: 'in_progress', dueDate: '2027-05-15', version: 3 })
    const row = await db.selectFrom('assignment').select(['progress_note', 'status']).where('id', '=', first.id).executeTakeFirstOrThrow()
    expect(row).toEqual({ progress_note: 'Working on it', status: 'in_progress' })
    expect(await db.selectFrom('assignment').select('id').where('task_id', '=', taskId).execute()).toHaveLength(2)
    const history = await db.selectFrom('assignment_history').select(['action', 'note']).where('assignment_id', '=', first.id).orderBy('at').execute()
    expect(history.map((h) => h.action)).toEqual(['created', 'due_date_changed'])
    expect(history[1].note).toBe('2027-03-31 → 2027-05-15')
    const log = await db.selectFrom('activity').select(['action', 'before', 'after']).where('subject_id', '=', first.id).where('action', '=', 'assignment.due_date_changed').execute()
    expect(log).toEqual([{ action: 'assignment.due_date_changed', before: expect.objectContaining({ dueDate: '2027-03-31' }), after: expect.objectContaining({ dueDate: '2027-05-15' }) }])
    // The same date again changes nothing: no new version, no history row.
    await callerFor(secretariat).task.assign({ taskId, countryCodes: ['EC'], dueDate: '2027-05-15' })
    expect((await db.selectFrom('assignment').select('version').where('id', '=', first.id).executeTakeFirstOrThrow()).version).toBe(3)
  })

  it('refuses unknown country codes naming them, stray per-country dates, no countries, due before start — and saves nothing', async () => {
    const taskId = await newTask('Bad input')
    const api = callerFor(secretariat)
    const unknown = await expectError(api.task.assign({ taskId, countryCodes: ['AR', 'XX', 'usa'], dueDate: '2027-01-31' }), 'BAD_REQUEST', 'countryCodes')
    expect(unknown.message).toContain('XX, USA')
    await expectError(api.task.assign({ taskId, countryCodes: [], dueDate: '2027-01-31' }), 'BAD_REQUEST', 'countryCodes')
    await expectError(api.task.assign({ taskId, countryCodes: ['AR'], dueDate: '2027-01-31', dueDates: { BR: '2027-02-01' } }), 'BAD_REQUEST', 'dueDates')
    await expectError(api.task.assign({ taskId, countryCodes: ['AR'], dueDate: '2027-02-30' }), 'BAD_REQUEST', 'dueDate')
    await db.updateTable('task').set({ start_date: '2027-03-01' }).where('id', '=', taskId).execute()
    await expectError(api.task.assign({ taskId, countryCodes: ['AR', 'BO'], dueDate: '2027-04-01', dueDates: { BO: '2027-02-01' } }), 'BAD_REQUEST', 'dueDates.BO')
    expect(await db.selectFrom('assignment').select('id').where('task_id', '=', taskId).execute()).toEqual([])
    await expectError(api.task.assign({ taskId: '00000000-0000-4000-8000-000000000000', countryCodes: ['AR'], dueDate: '2027-04-01' }), 'NOT_FOUND')
  })

  it('assigns a task led by the secretariat or an organisation to that lead', async () => {
    const bySecretariat = await newTask('Secretariat-led', { lead_kind: 'secretariat' })
    const [s] = await callerFor(secretariat).task.assign({ taskId: bySecretariat, countryCodes: [], dueDate: '2027-08-31' })
    expect(s).toMatchObject({ assigneeKind: 'secretariat', countryCode: null, organisationCode: null, dueDate: '2027-08-31' })
    const byIom = await newTask('IOM-led', { lead_kind: 'organisation', lead_organisation_id: ws.organisationId('IOM') })
    const [o] = await callerFor(secretariat).task.assign({ taskId: byIom, countryCodes: [], dueDate: '2027-09-30' })
    expect(o).toMatchObject({ assigneeKind: 'organisation', organisationCode: 'IOM', dueDate: '2027-09-30' })
    // Again: only the due date moves.
    const [again] = await callerFor(secretariat).task.assign({ taskId: byIom, countryCodes: [], dueDate: '2027-10-31' })
    expect([again.id, again.dueDate]).toEqual([o.id, '2027-10-31'])
    // Countries for a lead-assigned task are refused.
    await expectError(callerFor(secretariat).task.assign({ taskId: byIom, countryCodes: ['AR'], dueDate: '2027-10-31' }), 'BAD_REQUEST', 'countryCodes')
  })

  it('gives a recurring task one assignment per assignee for the current period; the next period comes from createPeriodAssignments', async () => {
    const taskId = await newTask('Quarterly report', { recurrence_months: 3, start_date: '2026-01-15' })
    const now = new Date('2027-05-20T15:00:00Z')
    const result = await assignTask(secretariat, { taskId, countryCodes: ['AR', 'BR'], dueDate: '2027-06-15' }, { now })
    expect(result.map((a) => [a.countryCode, a.period, a.dueDate])).toEqual([
      ['AR', '2027-04', '2027-06-15'],
      ['BR', '2027-04', '2027-06-15'],
    ])
    // Same period again: due date update only.
    await assignTask(secretariat, { taskId, countryCodes: ['AR'], dueDate: '2027-06-20' }, { now })
    expect(await db.selectFrom('assignment').select('id').where('task_id', '=', taskId).execute()).toHaveLength(2)

    // The job's entry point: the next period for everyone assigned so far, due at the period's end; idempotent.
    const task = { id: taskId, workspaceId: ws.id, recurrenceMonths: 3 }
    const next = nextPeriodStart('2027-04-01', 3)
    expect(next).toBe('2027-07-01')
    const created = await db.transaction().execute((trx) => createPeriodAssignments(trx, task, next))
    expect(created.map((c) => c.dueDate)).toEqual(['2027-09-30', '2027-09-30'])
    const twice = await db.transaction().execute((trx) => createPeriodAssignments(trx, task, next))
    expect(twice).toEqual([])
    const rows = await db
      .selectFrom('assignment as a')
      .innerJoin('country as c', 'c.id', 'a.country_id')
      .select(['c.code', 'a.period', 'a.due_date'])
      .where('a.task_id', '=', taskId)
      .orderBy('a.period')
      .orderBy('c.code')
      .execute()
    expect(rows.map((r) => [r.code.trim(), r.period, r.due_date])).toEqual([
      ['AR', '2027-04', '2027-06-20'],
      ['BR', '2027-04', '2027-06-15'],
      ['AR', '2027-07', '2027-09-30'],
      ['BR', '2027-07', '2027-09-30'],
    ])
    const jobRows = await db.selectFrom('outbox').select('payload').where('topic', '=', 'assignment.created').execute()
    expect(jobRows.filter((r) => (r.payload as { period: string }).period === '2027-07' && (r.payload as { taskId: string }).taskId === taskId)).toHaveLength(2)
  })

  it('computes periods from the start month, or calendar-aligned without a start date', () => {
    expect(periodStartOn({ startDate: '2026-02-10', recurrenceMonths: 6 }, '2027-01-31')).toBe('2026-08-01')
    expect(periodStartOn({ startDate: '2027-02-10', recurrenceMonths: 6 }, '2026-12-31')).toBe('2027-02-01')
    expect(periodStartOn({ startDate: null, recurrenceMonths: 3 }, '2027-05-20')).toBe('2027-04-01')
    expect(periodStartOn({ startDate: null, recurrenceMonths: 12 }, '2027-12-31')).toBe('2027-01-01')
    expect(periodStartOn({ startDate: null, recurrenceMonths: 1 }, '2027-12-31')).toBe('2027-12-01')
    expect(periodEnd('2027-12-01', 1)).toBe('2027-12-31')
    expect(periodEnd('2028-02-01', 1)).toBe('2028-02-29')
  })

  it('is for the secretariat: a focal point is FORBIDDEN, another workspace NOT_FOUND, nothing is written', async () => {
    const taskId = await newTask('Forbidden')
    await expectError(callerFor(focalPoint).task.assign({ taskId, countryCodes: ['AR'], dueDate: '2027-01-31' }), 'FORBIDDEN')
    const other = await createWorkspace(db)
    const stranger = (await createMember(db, other, 'secretariat')).actor
    await expectError(callerFor(stranger).task.assign({ taskId, countryCodes: ['AR'], dueDate: '2027-01-31' }), 'NOT_FOUND')
    expect(await db.selectFrom('assignment').select('id').where('task_id', '=', taskId).execute()).toEqual([])
  })
})

describe('task.get', () => {
  it('shows the task, its place in the plan and every assignment side by side, to every member', async () => {
    const taskId = await newTask('Shown task')
    await callerFor(secretariat).task.assign({ taskId, countryCodes: ['AR', 'BO'], dueDate: '2020-01-31' })
    const asFocalPoint = await callerFor(focalPoint).task.get({ taskId })
    expect(asFocalPoint.title).toBe('Shown task')
    expect(asFocalPoint.path.map((p) => p.kind)).toEqual(['general_objective', 'specific_objective', 'action_line'])
    expect(asFocalPoint.assignments.map((a) => [a.countryCode, a.overdue, a.updatedByName])).toEqual([
      ['AR', true, 'Sec'],
      ['BO', true, 'Sec'],
    ])
    expect([asFocalPoint.canEdit, asFocalPoint.canAssign]).toEqual([false, false])
    expect((await callerFor(secretariat).task.get({ taskId })).canAssign).toBe(true)
    const other = await createWorkspace(db)
    const stranger = (await createMember(db, other, 'observer')).actor
    await expectError(callerFor(stranger).task.get({ taskId }), 'NOT_FOUND')
  })
})
