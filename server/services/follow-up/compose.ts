import type { AppLocale } from '#app/i18n/config.ts'
import type { NotificationCategory } from '#db/types.ts'
import { renderEmailFast } from '#emails/delivery/render.ts'
import type { TReminderKind } from '#emails/reminder-assignment.tsx'
import { reminderEmail } from '#emails/reminder-assignment.tsx'
import { env } from '#server/env.ts'
import type { AssignmentInfo, Recipient } from '#server/repositories/follow-up.ts'
import type { ReminderRenderRow } from '#server/repositories/reminders.ts'
import { daysBetween, formatDate } from './time.ts'
import { statusLinkToken, unsubscribeToken } from './tokens.ts'

/** What email_log.payload holds: the exact message, so a retry resends it unchanged. */
export interface EmailPayload {
  from: string
  to: string
  subject: string
  html: string
  text: string
  headers: Record<string, string>
}

export function assigneeLabel(info: Pick<AssignmentInfo, 'assignee_kind' | 'country_name_es' | 'country_name_pt' | 'country_name_en' | 'organisation_name'>, locale: AppLocale) {
  if (info.assignee_kind === 'country') return (locale === 'pt' ? info.country_name_pt : locale === 'en' ? info.country_name_en : info.country_name_es) ?? ''
  if (info.assignee_kind === 'organisation') return info.organisation_name ?? ''
  return locale === 'pt' ? 'Secretaria' : locale === 'en' ? 'Secretariat' : 'Secretaría'
}

export function assignmentUrl(info: Pick<AssignmentInfo, 'workspace_slug' | 'assignment_id'>) {
  return `${env().APP_URL}/w/${info.workspace_slug}/assignments/${info.assignment_id}`
}

/** RFC 8058 one-click unsubscribe for the category, on every non-mandatory e-mail. */
export async function unsubscribeHeaders(userId: string, category: NotificationCategory, asOf: Date) {
  const url = `${env().APP_URL}/unsubscribe/${await unsubscribeToken(userId, category, asOf)}`
  return { url, headers: { 'List-Unsubscribe': `<${url}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' } }
}

export const CATEGORY_OF: Record<TReminderKind, NotificationCategory> = {
  due_soon: 'reminders',
  overdue: 'reminders',
  overdue_escalation: 'escalations',
  submitted: 'submissions',
  returned: 'status',
  verified: 'status',
  mentioned: 'mentions',
}

export async function composeAssignmentEmail(
  kind: TReminderKind,
  recipient: Recipient,
  info: AssignmentInfo,
  asOf: Date,
  extra: { author?: string; comment?: string } = {},
): Promise<EmailPayload> {
  const locale = recipient.locale
  const category = CATEGORY_OF[kind]
  const unsubscribe = await unsubscribeHeaders(recipient.user_id, category, asOf)
  // Only the people who act on the assignment get the one-click status form.
  const statusUrl = kind === 'due_soon' || kind === 'overdue' || kind === 'returned' ? `${env().APP_URL}/a/${await statusLinkToken(recipient.user_id, info.assignment_id, asOf)}` : undefined
  const rendered = renderEmailFast(
    reminderEmail,
    {
      kind,
      recipientName: recipient.name || recipient.email,
      workspaceName: info.workspace_name,
      assignee: assigneeLabel(info, locale),
      code: info.task_code,
      title: info.task_title,
      dueDate: formatDate(info.due_date, locale),
      days: Math.abs(daysBetween(info.today, info.due_date)),
      author: extra.author,
      comment: extra.comment,
      assignmentUrl: assignmentUrl(info),
      statusUrl,
      preferencesUrl: `${env().APP_URL}/settings#notifications`,
      unsubscribeUrl: unsubscribe.url,
    },
    locale,
  )
  return { from: env().EMAIL_FROM, to: recipient.email, subject: rendered.subject, html: rendered.html, text: rendered.text, headers: unsubscribe.headers }
}

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
 * Bodies of reminders already rendered, by (assignment, kind, language, as_of),
 * the most recent few only: batches are formed in assignment order, so the
 * recipients of one reminder meet in the same batch or the next.
 */
export class ReminderBodies {
  private bodies = new Map<string, { subject: string; html: string; text: string }>()
  private dates = new Map<string, string>()
  constructor(private readonly max = 64) {}

  body(key: string, render: () => { subject: string; html: string; text: string }) {
    let body = this.bodies.get(key)
    if (body) return body
    body = render()
    this.bodies.set(key, body)
    if (this.bodies.size > this.max) this.bodies.delete(this.bodies.keys().next().value as string)
    return body
  }

  /** Intl.DateTimeFormat is costly to build: one formatted date per (date, language). */
  date(date: string, locale: AppLocale) {
    const key = `${date}|${locale}`
    let formatted = this.dates.get(key)
    if (formatted === undefined) {
      formatted = formatDate(date, locale)
      if (this.dates.size >= 512) this.dates.clear()
      this.dates.set(key, formatted)
    }
    return formatted
  }
}

/**
 * A claimed reminder's message, as of the sweep that claimed it: the same
 * message as composeAssignmentEmail. Recipients of the same reminder
 * (assignment, kind, language) share a body rendered once with placeholders
 * for the name and the status and unsubscribe links, filled in per recipient
 * (the plain text is not word-wrapped, so only white space in a name could
 * render differently; such names are rendered in).
 */
export async function composeReminder(row: ReminderRenderRow & { assignment_id: string; user_id: string }, bodies: ReminderBodies): Promise<EmailPayload> {
  const locale = row.locale as AppLocale
  const asOf = row.as_of
  const unsubscribe = await unsubscribeHeaders(row.user_id, CATEGORY_OF[row.kind], asOf)
  // Only the people who act on the assignment get the one-click status form.
  const statusUrl = row.kind === 'due_soon' || row.kind === 'overdue' ? `${env().APP_URL}/a/${await statusLinkToken(row.user_id, row.assignment_id, asOf)}` : undefined
  const name = row.name || row.email
  const shared = PLAIN_NAME.test(name)
  const render = () =>
    renderEmailFast(
      reminderEmail,
      {
        kind: row.kind,
        recipientName: shared ? NAME : name,
        workspaceName: row.workspace_name,
        assignee: assigneeLabel(row, locale),
        code: row.task_code,
        title: row.task_title,
        dueDate: bodies.date(row.due_date, locale),
        days: Math.abs(daysBetween(row.today, row.due_date)),
        assignmentUrl: assignmentUrl(row),
        statusUrl: statusUrl === undefined ? undefined : STATUS,
        preferencesUrl: `${env().APP_URL}/settings#notifications`,
        unsubscribeUrl: UNSUBSCRIBE,
      },
      locale,
    )
  const body = shared ? bodies.body(`${row.assignment_id}|${row.kind}|${locale}|${row.today}|${row.due_date}`, render) : render()
  const fill = (s: string, escape: (v: string) => string) => {
    let out = s.replaceAll(UNSUBSCRIBE, escape(unsubscribe.url))
    if (statusUrl !== undefined) out = out.replaceAll(STATUS, escape(statusUrl))
    return shared ? out.replaceAll(NAME, escape(name)) : out
  }
  return { from: env().EMAIL_FROM, to: row.email, subject: body.subject, html: fill(body.html, escapeHtml), text: fill(body.text, (v) => v), headers: unsubscribe.headers }
}
