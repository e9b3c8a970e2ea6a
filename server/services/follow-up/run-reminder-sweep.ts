import type { AppLocale } from '#app/i18n/config.ts'
import { renderEmailFast } from '#emails/delivery/render.ts'
import { reminderEmail } from '#emails/reminder-assignment.tsx'
import { db } from '#server/db.ts'
import { env } from '#server/env.ts'
import { claimEmails, findReminderCandidatePage, type NewEmail, type ReminderCandidate } from '#server/repositories/follow-up.ts'
import { assigneeLabel, assignmentUrl, CATEGORY_OF, type EmailPayload, unsubscribeHeaders } from './compose.ts'
import { daysBetween, formatDate } from './time.ts'
import { statusLinkToken } from './tokens.ts'

export interface TSweepResult {
  /** E-mails this sweep claimed (now pending delivery). */
  claimed: number
  /** Occasions already logged: sent earlier, or claimed by another worker. */
  skipped: number
}

/** Open assignments per page: memory stays flat, statements grow with pages. */
const PAGE_SIZE = 100

/**
 * The reminder sweep: due soon, overdue (weekly) and the 30-day escalation,
 * as if the clock read `asOf`. Pages of assignments (keyset on id) give
 * every reached, unsent occasion; claiming inserts email_log rows whose
 * UNIQUE key makes a second sweep, a retried job or a second worker send
 * nothing.
 */
export async function runReminderSweep(input: { asOf: Date }): Promise<TSweepResult> {
  let claimed = 0
  let skipped = 0
  let after: string | null = null
  do {
    const page: { candidates: ReminderCandidate[]; lastId: string | null } = await findReminderCandidatePage(db, input.asOf, after, PAGE_SIZE)
    const bodies: BodyCache = new Map()
    const dates = new Map<string, string>()
    const emails: NewEmail[] = []
    for (const c of page.candidates) {
      if (c.already) continue
      const payload = await composeReminder(c, input.asOf, bodies, dates)
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
    const keys = await claimEmails(db, emails)
    claimed += keys.length
    skipped += page.candidates.length - keys.length
    after = page.lastId
  } while (after !== null)
  return { claimed, skipped }
}

type BodyCache = Map<string, { subject: string; html: string; text: string }>

function escapeHtml(value: string) {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#x27;' })[c] ?? c)
}

// Placeholders for what differs between recipients of the same reminder.
const NAME = 'RUTAPHNAMEQ7'
const UNSUBSCRIBE = 'RUTAPHUNSUBQ7'
const STATUS = 'RUTAPHSTATUSQ7'
/** A name the plain-text conversion leaves as it is (it collapses runs of white space). */
const PLAIN_NAME = /^\S+(?: \S+)*$/

/**
 * The same message as composeAssignmentEmail: recipients of the same
 * reminder (assignment, kind, language) share a body rendered once with
 * placeholders for the name and the status and unsubscribe links, filled
 * in per recipient (the plain text is not word-wrapped, so only white
 * space in a name could render differently; such names are rendered in).
 */
async function composeReminder(c: ReminderCandidate, asOf: Date, bodies: BodyCache, dates: Map<string, string>): Promise<EmailPayload> {
  const locale = c.locale as AppLocale
  const category = CATEGORY_OF[c.kind]
  const unsubscribe = await unsubscribeHeaders(c.user_id, category, asOf)
  // Only the people who act on the assignment get the one-click status form.
  const statusUrl = c.kind === 'due_soon' || c.kind === 'overdue' ? `${env().APP_URL}/a/${await statusLinkToken(c.user_id, c.assignment_id, asOf)}` : undefined
  const name = c.name || c.email
  const shared = PLAIN_NAME.test(name)
  const key = `${c.assignment_id}|${c.kind}|${locale}`
  let body = shared ? bodies.get(key) : undefined
  if (!body) {
    // Intl.DateTimeFormat is costly to build: one formatted date per (date, language) and page.
    const dateKey = `${c.due_date}|${locale}`
    let dueDate = dates.get(dateKey)
    if (dueDate === undefined) {
      dueDate = formatDate(c.due_date, locale)
      dates.set(dateKey, dueDate)
    }
    body = renderEmailFast(
      reminderEmail,
      {
        kind: c.kind,
        recipientName: shared ? NAME : name,
        workspaceName: c.workspace_name,
        assignee: assigneeLabel(c, locale),
        code: c.task_code,
        title: c.task_title,
        dueDate,
        days: Math.abs(daysBetween(c.today, c.due_date)),
        assignmentUrl: assignmentUrl(c),
        statusUrl: statusUrl === undefined ? undefined : STATUS,
        preferencesUrl: `${env().APP_URL}/settings#notifications`,
        unsubscribeUrl: UNSUBSCRIBE,
      },
      locale,
    )
    if (shared) bodies.set(key, body)
  }
  const fill = (s: string, escape: (v: string) => string) => {
    let out = s.replaceAll(UNSUBSCRIBE, escape(unsubscribe.url))
    if (statusUrl !== undefined) out = out.replaceAll(STATUS, escape(statusUrl))
    return shared ? out.replaceAll(NAME, escape(name)) : out
  }
  return { from: env().EMAIL_FROM, to: c.email, subject: body.subject, html: fill(body.html, escapeHtml), text: fill(body.text, (v) => v), headers: unsubscribe.headers }
}
