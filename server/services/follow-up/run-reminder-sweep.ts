import type { AppLocale } from '#app/i18n/config.ts'
import { db } from '#server/db.ts'
import { claimEmails, findReminderCandidates, type NewEmail } from '#server/repositories/follow-up.ts'
import { CATEGORY_OF, composeAssignmentEmail } from './compose.ts'

export interface TSweepResult {
  /** E-mails this sweep claimed (now pending delivery). */
  claimed: number
  /** Occasions already logged: sent earlier, or claimed by another worker. */
  skipped: number
}

/**
 * The reminder sweep: due soon, overdue (weekly) and the 30-day escalation,
 * as if the clock read `asOf`. One query finds every reached, unsent
 * occasion; claiming inserts email_log rows whose UNIQUE key makes a second
 * sweep, a retried job or a second worker send nothing.
 */
export async function runReminderSweep(input: { asOf: Date }): Promise<TSweepResult> {
  const candidates = await findReminderCandidates(db, input.asOf)
  const fresh = candidates.filter((c) => !c.already)
  const emails: NewEmail[] = []
  for (const c of fresh) {
    const payload = await composeAssignmentEmail(c.kind, { ...c, locale: c.locale as AppLocale }, c, input.asOf)
    emails.push({
      key: c.key,
      workspace_id: c.workspace_id,
      user_id: c.user_id,
      recipient: c.email,
      kind: c.kind,
      category: CATEGORY_OF[c.kind],
      subject: payload.subject,
      subject_id: c.assignment_id,
      occasion: c.occasion,
      payload,
    })
  }
  const claimed = await claimEmails(db, emails)
  return { claimed: claimed.length, skipped: candidates.length - claimed.length }
}
