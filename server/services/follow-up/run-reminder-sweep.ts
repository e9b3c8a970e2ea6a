import { db } from '#server/db.ts'
import { claimReminders } from '#server/repositories/reminders.ts'

export interface TSweepResult {
  /** E-mails this sweep claimed (now pending delivery). */
  claimed: number
  /** Occasions already logged: sent earlier, or claimed by another worker. */
  skipped: number
}

/**
 * The reminder sweep: due soon, overdue (weekly) and the 30-day escalation,
 * as if the clock read `asOf`. One statement claims every reached, unsent
 * occasion by inserting its email_log row; the UNIQUE key makes a second
 * sweep, a retried job or a second worker claim nothing. Nothing is
 * rendered here: delivery renders each batch's reminders as it forms the
 * batch and stores the message on the row (emails/delivery/deliver.ts), so
 * the sweep's cost is one INSERT … SELECT whatever the number of e-mails.
 */
export async function runReminderSweep(input: { asOf: Date }): Promise<TSweepResult> {
  const { candidates, claimed } = await claimReminders(db, input.asOf)
  return { claimed, skipped: candidates - claimed }
}
