import type { AppLocale } from '#app/i18n/config.ts'
import { digestEmail, digestText, type TDigestItem } from '#emails/digest.tsx'
import { renderEmailFast } from '#emails/delivery/render.ts'
import { db } from '#server/db.ts'
import { env } from '#server/env.ts'
import { translator } from '#server/i18n.ts'
import {
  claimDigests,
  findDigestLists,
  findDigestNews,
  findDigestPage,
  findDigestReach,
  type DigestBody,
  type DigestItemRow,
  type DigestListRow,
  type DigestNewsRow,
  type DigestReachRow,
  type DigestRecipientRow,
  type NewDigest,
} from '#server/repositories/digests.ts'
import { assigneeLabel, escapeHtml, unsubscribeHeaders } from './compose.ts'
import type { TSweepResult } from './run-reminder-sweep.ts'
import { formatDate } from './time.ts'

const PAGE = 200

/**
 * The digest sweep: for every member whose local 08:00 has come (daily, or
 * weekly on Mondays) and who has not had today's digest, builds it in their
 * language — unless nothing is new since the last one. What digests list
 * is read once per sweep, per scope (workspace, country, organisation) and
 * per last-digest time, not per recipient; recipients are read page by page
 * so memory stays flat whatever their number. Each page is claimed in one
 * statement: the e-mails and their members' last_digest_at move together,
 * and the UNIQUE key (user, workspace, local day) keeps a second worker from
 * sending another.
 */
export async function runDigestSweep(input: { asOf: Date; onPage?: (recipientsSeen: number) => Promise<void> }): Promise<TSweepResult & { nothingNew: number }> {
  const result = { claimed: 0, skipped: 0, nothingNew: 0 }
  let after = '00000000-0000-0000-0000-000000000000'
  let seen = 0
  const bodies: BodyCache = new Map()
  // Pipelined: the first page is read with the content, the next page while this one renders.
  const [content, first] = await Promise.all([digestContent(input.asOf), findDigestPage(db, input.asOf, after, PAGE)])
  let next: Promise<DigestRecipientRow[]> | null = Promise.resolve(first)
  let claiming: Promise<void> = Promise.resolve()
  while (next) {
    const page: DigestRecipientRow[] = await next
    if (!page.length) break
    after = page[page.length - 1].membership_id
    next = page.length < PAGE ? null : findDigestPage(db, input.asOf, after, PAGE)
    const batch: NewDigest[] = []
    const pageBodies = new Map<DigestBody, number>()
    for (const row of page) {
      if (!row.is_due) continue
      const news = content.news.get(newsKey(row))
      if (!news && !row.bounced_new) {
        result.nothingNew++
        continue
      }
      const body = digestBody(row, news, content, bodies)
      let index = pageBodies.get(body)
      if (index === undefined) pageBodies.set(body, (index = pageBodies.size))
      const unsubscribe = await unsubscribeHeaders(row.user_id, 'digest', input.asOf)
      const name = row.name || row.email
      batch.push({
        membership_id: row.membership_id,
        key: `digest:${row.user_id}:${row.workspace_id}:${row.local_today}`,
        workspace_id: row.workspace_id,
        user_id: row.user_id,
        recipient: row.email,
        occasion: row.local_today,
        from: env().EMAIL_FROM,
        body: index,
        name_html: escapeHtml(name),
        name_text: name,
        unsubscribe_url: unsubscribe.url,
        headers: unsubscribe.headers,
      })
    }
    // One claim at a time, overlapping the rendering of the next page;
    // progress is reported once a page's digests are claimed (committed).
    await claiming
    const seenNow = (seen += page.length)
    claiming = (
      batch.length
        ? claimDigests(db, { bodies: [...pageBodies.keys()], digests: batch, placeholders: { name: NAME, unsubscribe: UNSUBSCRIBE } }, input.asOf).then((keys) => {
            result.claimed += keys.length
            result.skipped += batch.length - keys.length
          })
        : Promise.resolve()
    ).then(() => input.onPage?.(seenNow))
    // Handled here so a failed claim is not an unhandled rejection while the next page renders; awaited below.
    claiming.catch(() => {})
  }
  await claiming
  return result
}

interface DigestContent {
  lists: Map<string, DigestListRow>
  news: Map<string, DigestNewsRow>
  reach: Map<string, DigestReachRow>
}

async function digestContent(asOf: Date): Promise<DigestContent> {
  const [lists, news, reach] = await Promise.all([findDigestLists(db, asOf), findDigestNews(db, asOf), findDigestReach(db, asOf)])
  return {
    lists: new Map(lists.map((l) => [listKey(l.workspace_id, l.scope_kind, l.scope_id, l.list), l])),
    news: new Map(news.map((n) => [newsKey(n), n])),
    reach: new Map(reach.map((r) => [r.workspace_id, r])),
  }
}

function listKey(workspaceId: string, scopeKind: string, scopeId: string | null, list: DigestListRow['list']) {
  return `${workspaceId}|${scopeKind}|${scopeKind === 'all' ? '' : scopeId}|${list}`
}

function newsKey(k: Pick<DigestNewsRow, 'workspace_id' | 'scope_kind' | 'scope_id' | 'since' | 'tz'>) {
  return `${k.workspace_id}|${k.scope_kind}|${k.scope_id}|${k.since}|${k.tz}`
}

type BodyCache = Map<string, DigestBody>

// Placeholders for what differs between recipients of the same digest body.
const NAME = '\u2063RUTA-NAME\u2063'
const UNSUBSCRIBE = 'ruta-unsubscribe-placeholder'


/**
 * Recipients who share scope, role, last digest and language get the same
 * body: it is rendered once with placeholders for the name and the
 * unsubscribe link, which the claim fills in per recipient.
 */
function digestBody(row: DigestRecipientRow, news: DigestNewsRow | undefined, content: DigestContent, bodies: BodyCache): DigestBody {
  const key = `${row.locale}|${row.workspace_id}|${row.local_today}|${row.scope_kind}:${row.scope_id}:${row.role}:${row.since}`
  let body = bodies.get(key)
  if (!body) {
    if (bodies.size > 1000) bodies.clear()
    body = renderDigestBody(row, news, content)
    bodies.set(key, body)
  }
  return body
}

function renderDigestBody(row: DigestRecipientRow, news: DigestNewsRow | undefined, content: DigestContent) {
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
  const secretariat = row.role === 'secretariat'
  const reach = secretariat ? content.reach.get(row.workspace_id) : undefined
  const unreachable = [
    ...(reach?.unreachable_countries ?? []).map((c) => t('digest.unreachableNoMember', { ns: 'followup', assignee: nameOf(c) })),
    ...(reach?.bounced ?? []).map((b) => t('digest.unreachableBounced', { ns: 'followup', assignee: nameOf(b) || b.email, email: b.email })),
  ]
  const list = (name: DigestListRow['list']) => content.lists.get(listKey(row.workspace_id, row.scope_kind, row.scope_id, name))
  const none = { items: [], n: 0 }
  const overdue = list('overdue') ?? none
  const dueSoon = list('due_soon') ?? none
  const toVerify = (secretariat ? list('to_verify') : undefined) ?? none
  const changes = news?.changes ?? []
  return renderEmailFast(
    digestEmail,
    {
      recipientName: NAME,
      workspaceName: row.workspace_name,
      date: formatDate(row.local_today, locale),
      overdue: overdue.items.map(byDate),
      dueSoon: dueSoon.items.map(byDate),
      toVerify: toVerify.items.map(byStatus),
      changes: changes.map(byStatus),
      unreachable,
      more: {
        overdue: overdue.n - overdue.items.length,
        dueSoon: dueSoon.n - dueSoon.items.length,
        toVerify: toVerify.n - toVerify.items.length,
        changes: (news?.changes_count ?? 0) - changes.length,
      },
      preferencesUrl: `${base}/settings#notifications`,
      unsubscribeUrl: UNSUBSCRIBE,
    },
    locale,
    digestText,
  )
}
