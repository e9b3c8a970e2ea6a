import { describe, expect, it } from 'vitest'
import { deliverPending } from '#emails/delivery/deliver.ts'
import { db } from '#server/db.ts'
import { openRecurringPeriods } from '#server/services/follow-up/open-recurring-periods.ts'
import { runReminderSweep } from '#server/services/follow-up/run-reminder-sweep.ts'
import { parseAsOf } from '#server/services/follow-up/time.ts'
import { createFollowUpWorld } from '#tests/factories/follow-up.ts'

describe('reporting cycles', () => {
  it('each new period gets its own assignments (idempotent), with their own due dates and reminders', async () => {
    const w = await createFollowUpWorld(db)
    const taskId = w.task(3)
    await db.updateTable('task').set({ recurrence_months: 6, start_date: '2027-01-01' }).where('id', '=', taskId).execute()
    for (const cc of ['AR', 'BR']) {
      await db
        .insertInto('assignment')
        .values({ workspace_id: w.workspace.id, task_id: taskId, assignee_kind: 'country', country_id: w.workspace.countryId(cc), period: '2027-01', due_date: '2027-06-30', status: 'completed' })
        .execute()
    }
    expect(await openRecurringPeriods({ asOf: parseAsOf('2027-05-01') })).toEqual({ created: 0 })
    expect(await openRecurringPeriods({ asOf: parseAsOf('2027-07-01') })).toEqual({ created: 2 })
    expect(await openRecurringPeriods({ asOf: parseAsOf('2027-07-02') })).toEqual({ created: 0 })
    const periods = await db.selectFrom('assignment').select(['period', 'due_date']).where('task_id', '=', taskId).orderBy('period').orderBy('country_id').execute()
    expect(periods.map((p) => `${p.period} ${p.due_date}`)).toEqual(['2027-01 2027-06-30', '2027-01 2027-06-30', '2027-07 2027-12-31', '2027-07 2027-12-31'])
    const created = await db.selectFrom('outbox').select('topic').where('topic', '=', 'assignment.created').execute()
    expect(created).toHaveLength(2)
    // The new period is reminded like any assignment: 3 days before its own due date.
    const before = await db.selectFrom('email_log').select('key').execute()
    await runReminderSweep({ asOf: parseAsOf('2027-12-28') })
    // The subject is written when the reminder is delivered.
    await deliverPending()
    const reminded = await db.selectFrom('email_log').select(['recipient', 'subject']).where('key', 'not in', before.length ? before.map((b) => b.key) : ['-']).orderBy('recipient').execute()
    expect(reminded.map((r) => r.subject)).toEqual(['[Argentina] 1.1.1.3 vence en 3 días', '[Brasil] 1.1.1.3 vence em 3 dias'])
  })
})
