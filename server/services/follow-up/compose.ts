import type { AppLocale } from '#app/i18n/config.ts'
import type { NotificationCategory } from '#db/types.ts'
import { Preview } from '@react-email/preview'
import { createElement } from 'react'
import { renderToStaticMarkup } from 'react-dom/server'
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

/** What React escapes in text and attribute values, the same way. */
export function escapeHtml(value: string) {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#x27;' })[c] ?? c)
}

/**
 * A reminder's body, rendered once per (kind, language, plural form of the
 * days) with a slot for every value that differs between assignments or
 * recipients: literal parts around slot names. Slots are private-use
 * characters, which React, i18next and html-to-text leave as they are; an
 * upper-case name in the text is the value upper-cased (html-to-text
 * upper-cases headings), `0` is the inbox preview's markup.
 */
interface Slotted {
  parts: string[]
  names: string[]
}
const slot = (name: string) => `\uE000${name}\uE001`
const SLOT = /\uE000([A-Za-z0-9])\uE001/

function slotted(rendered: string): Slotted {
  const split = rendered.split(SLOT)
  return { parts: split.filter((_, i) => i % 2 === 0), names: split.filter((_, i) => i % 2 === 1) }
}

function fill(t: Slotted, value: (name: string) => string) {
  let out = t.parts[0] ?? ''
  for (let i = 0; i < t.names.length; i++) out += value(t.names[i] ?? '') + (t.parts[i + 1] ?? '')
  return out
}

interface ReminderTemplate {
  subject: Slotted
  html: Slotted
  text: Slotted
}

/**
 * A value html-to-text writes as it is into the plain text: not empty, no
 * white space but single spaces between words (it collapses runs of its
 * white space, which includes U+200B, and trims at block edges). Reminders
 * with any other value are rendered whole.
 */
const PLAIN = /^[^\s\u200b]+(?: [^\s\u200b]+)*$/

const pluralRules = new Map<AppLocale, Intl.PluralRules>()
function pluralOf(days: number, locale: AppLocale) {
  let rules = pluralRules.get(locale)
  if (!rules) pluralRules.set(locale, (rules = new Intl.PluralRules(locale)))
  // i18next may use a _zero form for 0: kept apart from the rule's own category.
  return days === 0 ? 'zero' : rules.select(days)
}

/**
 * Reminder bodies with slots, and the previews they are filled with, for
 * one delivery run. A template is checked against a whole
 * render the first time it is used; one that differs (never seen, but the
 * templates may change) is not used again.
 */
export class ReminderBodies {
  private templates = new Map<string, ReminderTemplate | null>()
  private unchecked = new Set<string>()
  private previews = new Map<string, string>()
  /** Messages filled in from a template, and rendered whole. */
  readonly counts = { filled: 0, whole: 0 }

  template(key: string, render: () => ReminderTemplate | null) {
    let template = this.templates.get(key)
    if (template === undefined) {
      template = render()
      this.templates.set(key, template)
      if (template) this.unchecked.add(key)
    }
    return template
  }

  /** True once for each template: its first message is compared with a whole render. */
  takeCheck(key: string) {
    return this.unchecked.delete(key)
  }

  discard(key: string) {
    this.templates.set(key, null)
  }

  /** The inbox preview's markup for a subject (its invisible padding depends on the subject's length). */
  preview(subject: string) {
    let markup = this.previews.get(subject)
    if (markup === undefined) {
      markup = renderToStaticMarkup(createElement(Preview, null, subject))
      if (this.previews.size >= 256) this.previews.clear()
      this.previews.set(subject, markup)
    }
    return markup
  }
}

type ReminderProps = Parameters<typeof reminderEmail.subject>[1]

/** The template of a reminder kind in a language and plural form, or null when the rendered markup does not split as expected. */
function renderReminderTemplate(props: ReminderProps, locale: AppLocale): ReminderTemplate | null {
  const withSlots: ReminderProps = {
    ...props,
    recipientName: slot('n'),
    workspaceName: slot('w'),
    assignee: slot('c'),
    code: slot('k'),
    title: slot('t'),
    dueDate: slot('e'),
    daysText: slot('d'),
    assignmentUrl: slot('a'),
    statusUrl: props.statusUrl === undefined ? undefined : slot('s'),
    unsubscribeUrl: slot('u'),
  }
  const rendered = renderEmailFast(reminderEmail, withSlots, locale)
  // The preview repeats the subject and pads it to 150 characters: replaced whole, per message.
  const preview = renderToStaticMarkup(createElement(Preview, null, rendered.subject))
  const at = rendered.html.indexOf(preview)
  if (at < 0 || rendered.html.indexOf(preview, at + 1) >= 0) return null
  const html = rendered.html.slice(0, at) + slot('0') + rendered.html.slice(at + preview.length)
  return { subject: slotted(rendered.subject), html: slotted(html), text: slotted(rendered.text) }
}

/**
 * A claimed reminder's message, as of the sweep that claimed it: the same
 * message as composeAssignmentEmail, byte for byte. Its body comes from the
 * template of its kind, language and plural form, filled with its values
 * (HTML-escaped in the HTML, as they are in the text and subject); a
 * reminder with a value the plain text would not show as it is is rendered
 * whole.
 */
export async function composeReminder(row: ReminderRenderRow & { assignment_id: string; user_id: string }, bodies: ReminderBodies): Promise<EmailPayload> {
  const locale = row.locale as AppLocale
  const asOf = row.as_of
  const unsubscribe = await unsubscribeHeaders(row.user_id, CATEGORY_OF[row.kind], asOf)
  // Only the people who act on the assignment get the one-click status form.
  const statusUrl = row.kind === 'due_soon' || row.kind === 'overdue' ? `${env().APP_URL}/a/${await statusLinkToken(row.user_id, row.assignment_id, asOf)}` : undefined
  const days = Math.abs(daysBetween(row.today, row.due_date))
  const props: ReminderProps = {
    kind: row.kind,
    recipientName: row.name || row.email,
    workspaceName: row.workspace_name,
    assignee: assigneeLabel(row, locale),
    code: row.task_code,
    title: row.task_title,
    dueDate: formatDate(row.due_date, locale),
    days,
    assignmentUrl: assignmentUrl(row),
    statusUrl,
    preferencesUrl: `${env().APP_URL}/settings#notifications`,
    unsubscribeUrl: unsubscribe.url,
  }
  const whole = () => {
    bodies.counts.whole++
    const rendered = renderEmailFast(reminderEmail, props, locale)
    return { from: env().EMAIL_FROM, to: row.email, subject: rendered.subject, html: rendered.html, text: rendered.text, headers: unsubscribe.headers }
  }
  const values: Record<string, string> = {
    n: props.recipientName,
    w: props.workspaceName,
    c: props.assignee,
    k: props.code,
    t: props.title,
    e: props.dueDate,
    d: String(days),
    a: props.assignmentUrl,
    s: statusUrl ?? '',
    u: unsubscribe.url,
  }
  for (const name in values) if (!(name === 's' && statusUrl === undefined) && !PLAIN.test(values[name] ?? '')) return whole()
  const key = `${row.kind}|${locale}|${pluralOf(days, locale)}`
  const template = bodies.template(key, () => renderReminderTemplate(props, locale))
  if (!template) return whole()
  const subject = fill(template.subject, (name) => values[name] ?? '')
  const html = fill(template.html, (name) => (name === '0' ? bodies.preview(subject) : escapeHtml(values[name] ?? '')))
  const text = fill(template.text, (name) => {
    const lower = name.toLowerCase()
    return lower === name ? (values[name] ?? '') : (values[lower] ?? '').toUpperCase()
  })
  const message = { from: env().EMAIL_FROM, to: row.email, subject, html, text, headers: unsubscribe.headers }
  if (bodies.takeCheck(key)) {
    const expected = whole()
    if (expected.subject !== subject || expected.html !== html || expected.text !== text) {
      console.error(`[email] the shared ${key} reminder body differs from a whole render; rendering those whole`)
      bodies.discard(key)
      return expected
    }
    bodies.counts.whole--
  }
  bodies.counts.filled++
  return message
}
