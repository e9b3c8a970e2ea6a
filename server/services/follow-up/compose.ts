import type { AppLocale } from '#app/i18n/config.ts'
import type { NotificationCategory } from '#db/types.ts'
import { renderEmailFast } from '#emails/delivery/render.ts'
import type { TReminderKind } from '#emails/reminder-assignment.tsx'
import { reminderEmail } from '#emails/reminder-assignment.tsx'
import { env } from '#server/env.ts'
import type { AssignmentInfo, Recipient } from '#server/repositories/follow-up.ts'
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
