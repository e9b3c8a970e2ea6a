import { db } from '#server/db.ts'
import { env } from '#server/env.ts'
import { claimReminders, sweepParts } from '#server/repositories/reminders.ts'

export interface TSweepResult {
  /** E-mails this sweep claimed (now pending delivery). */
  claimed: number
  /** Occasions already logged: sent earlier, or claimed by another worker. */
  skipped: number
}

/**
 * The reminder sweep: due soon, overdue (weekly) and the 30-day escalation,
 * as if the clock read `asOf`. Each slice of the assignments (`parts`,
 * default REMINDER_SWEEP_PARTS) is one statement that claims every reached,
 * unsent occasion by inserting its email_log row; the slices run at once on
 * their own connections, so the database spends that many cores on the sweep
 * and the number of statements does not grow with the data. The UNIQUE key
 * makes a second sweep, a retried job or a second worker claim nothing, so a
 * slice that fails is claimed by the job's retry while the others stay
 * claimed. Nothing is rendered here: delivery renders each batch's
 * reminders as it forms the batch and stores the message on the row
 * (emails/delivery/deliver.ts).
 */
export async function runReminderSweep(input: { asOf: Date; parts?: number }): Promise<TSweepResult> {
  const parts = sweepParts(input.parts ?? env().REMINDER_SWEEP_PARTS)
  const slices = await Promise.all(parts.map((part) => claimReminders(db, input.asOf, part)))
  const candidates = slices.reduce((sum, s) => sum + s.candidates, 0)
  const claimed = slices.reduce((sum, s) => sum + s.claimed, 0)
  return { claimed, skipped: candidates - claimed }
}
