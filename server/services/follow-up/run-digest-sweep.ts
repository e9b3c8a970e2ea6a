import type { AppLocale } from '#app/i18n/config.ts'
import { digestEmail, digestText, type TDigestItem } from '#emails/digest.tsx'
import { renderEmailFast } from '#emails/delivery/render.ts'
import { db } from '#server/db.ts'
import { env } from '#server/env.ts'
import { translator } from '#server/i18n.ts'
import { findDigestPage, markDigestSent, type DigestItemRow, type DigestRecipientRow } from '#server/repositories/digests.ts'
import { claimEmails, type NewEmail } from '#server/repositories/follow-up.ts'
import { assigneeLabel, unsubscribeHeaders, type EmailPayload } from './compose.ts'
import type { TSweepResult } from './run-reminder-sweep.ts'
import { formatDate } from './time.ts'

const PAGE = 200

/**
 * The digest sweep: for every member whose local 08:00 has come (daily, or
 * weekly on Mondays) and who has not had today's digest, builds it in their
 * language — unless nothing is new since the last one. Recipients are read
 * page by page so memory stays flat whatever their number. Claiming the
 * e-mail and moving last_digest_at happen in one transaction; the UNIQUE key
 * (user, workspace, local day) keeps a second worker from sending another.
 */
export async function runDigestSweep(input: { asOf: Date; onPage?: (recipientsSeen: number) => Promise<void> }): Promise<TSweepResult & { nothingNew: number }> {
  const result = { claimed: 0, skipped: 0, nothingNew: 0 }
  let after = '00000000-0000-0000-0000-000000000000'
  let seen = 0
  const bodies: BodyCache = new Map()
  // Pipelined: the next page is read while this one renders.
  let next: Promise<DigestRecipientRow[]> | null = findDigestPage(db, input.asOf, after, PAGE)
  while (next) {
    const page: DigestRecipientRow[] = await next
    if (!page.length) break
    after = page[page.length - 1].membership_id
    next = page.length < PAGE ? null : findDigestPage(db, input.asOf, after, PAGE)
    const batch: { row: DigestRecipientRow; email: NewEmail }[] = []
    for (const row of page) {
      if (!row.is_due) continue
      const bouncedSinceLast = (row.bounced ?? []).some((b) => b.since_last)
      if (row.changes_count === 0 && row.newly_due === 0 && !bouncedSinceLast) {
        result.nothingNew++
        continue
      }
      const payload = await composeDigest(row, input.asOf, bodies)
      batch.push({
        row,
        email: {
          key: `digest:${row.user_id}:${row.workspace_id}:${row.local_today}`,
          workspace_id: row.workspace_id,
          user_id: row.user_id,
          recipient: row.email,
          kind: 'digest',
          category: 'digest',
          subject: payload.subject,
          subject_id: row.workspace_id,
          occasion: row.local_today,
          payload,
        },
      })
    }
    if (batch.length) {
      // One transaction per page: the claimed e-mails and their members' last_digest_at move together.
      const claimed = await db.transaction().execute(async (trx) => {
        const keys = new Set(await claimEmails(trx, batch.map((b) => b.email)))
        const memberships = batch.filter((b) => keys.has(b.email.key)).map((b) => b.row.membership_id)
        await markDigestSent(trx, memberships, input.asOf)
        return keys.size
      })
      result.claimed += claimed
      result.skipped += batch.length - claimed
    }
    seen += page.length
    await input.onPage?.(seen)
  }
  return result
}

type BodyCache = Map<string, { subject: string; html: string; text: string }>

// Placeholders for what differs between recipients of the same digest body.
const NAME = '\u2063RUTA-NAME\u2063'
const UNSUBSCRIBE = 'ruta-unsubscribe-placeholder'

function escapeHtml(value: string) {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#x27;' })[c] ?? c)
}

/**
 * Recipients who share scope, role, last digest and language get the same
 * body: it is rendered once with placeholders for the name and the
 * unsubscribe link, then filled in per recipient.
 */
async function composeDigest(row: DigestRecipientRow, asOf: Date, bodies: BodyCache): Promise<EmailPayload> {
  const key = `${row.locale}|${row.workspace_id}|${row.local_today}|${row.content_key}`
  let body = bodies.get(key)
  if (!body) {
    if (bodies.size > 1000) bodies.clear()
    body = renderDigestBody(row)
    bodies.set(key, body)
  }
  const unsubscribe = await unsubscribeHeaders(row.user_id, 'digest', asOf)
  const name = row.name || row.email
  return {
    from: env().EMAIL_FROM,
    to: row.email,
    subject: body.subject,
    html: body.html.replaceAll(NAME, escapeHtml(name)).replaceAll(UNSUBSCRIBE, unsubscribe.url),
    text: body.text.replaceAll(NAME, name).replaceAll(UNSUBSCRIBE, unsubscribe.url),
    headers: unsubscribe.headers,
  }
}

function renderDigestBody(row: DigestRecipientRow) {
  const locale = row.locale as AppLocale
  const t = translator(locale)
  const base = env().APP_URL
  const toItem =
    (detail: (i: DigestItemRow) => string) =>
    (i: DigestItemRow): TDigestItem => ({
      code: i.code,
      title: i.title,
      assignee: assigneeLabel(i, locale),
      detail: detail(i),
      url: `${base}/w/${row.workspace_slug}/assignments/${i.assignment_id}`,
    })
  const byDate = toItem((i) => formatDate(i.due_date, locale))
  const byStatus = toItem((i) => t(`status.${i.status}`, { ns: 'followup' }))
  const nameOf = (c: { name_es: string | null; name_pt: string | null; name_en: string | null }) => (locale === 'pt' ? c.name_pt : locale === 'en' ? c.name_en : c.name_es) ?? ''
  const unreachable = [
    ...(row.unreachable_countries ?? []).map((c) => t('digest.unreachableNoMember', { ns: 'followup', assignee: nameOf(c) })),
    ...(row.bounced ?? []).map((b) => t('digest.unreachableBounced', { ns: 'followup', assignee: nameOf(b) || b.email, email: b.email })),
  ]
  const overdue = row.overdue ?? []
  const dueSoon = row.due_soon ?? []
  const toVerify = row.to_verify ?? []
  const changes = row.changes ?? []
  return renderEmailFast(
    digestEmail,
    {
      recipientName: NAME,
      workspaceName: row.workspace_name,
      date: formatDate(row.local_today, locale),
      overdue: overdue.map(byDate),
      dueSoon: dueSoon.map(byDate),
      toVerify: toVerify.map(byStatus),
      changes: changes.map(byStatus),
      unreachable,
      more: {
        overdue: row.overdue_count - overdue.length,
        dueSoon: row.due_soon_count - dueSoon.length,
        toVerify: row.to_verify_count - toVerify.length,
        changes: row.changes_count - changes.length,
      },
      preferencesUrl: `${base}/settings#notifications`,
      unsubscribeUrl: UNSUBSCRIBE,
    },
    locale,
    digestText,
  )
}
