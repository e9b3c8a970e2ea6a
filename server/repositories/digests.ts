import { sql, type Kysely, type Transaction } from 'kysely'
import type { DB, Locale } from '#db/types.ts'

/**
 * Queries of the digest sweep: who is due for a digest and what it lists.
 */
type Db = Kysely<DB> | Transaction<DB>

const OPEN = sql`('not_started','in_progress','blocked')`

export interface DigestItemRow {
  assignment_id: string
  code: string
  title: string
  assignee_kind: 'country' | 'secretariat' | 'organisation'
  country_name_es: string | null
  country_name_pt: string | null
  country_name_en: string | null
  organisation_name: string | null
  due_date: string
  status: string
}

export interface DigestRecipientRow {
  membership_id: string
  workspace_id: string
  workspace_slug: string
  workspace_name: string
  role: string
  user_id: string
  email: string
  name: string
  locale: Locale
  local_today: string
  is_due: boolean
  /** Recipients with equal keys (and language) get the same digest body. */
  content_key: string
  overdue: DigestItemRow[] | null
  overdue_count: number
  due_soon: DigestItemRow[] | null
  due_soon_count: number
  to_verify: DigestItemRow[] | null
  to_verify_count: number
  changes: DigestItemRow[] | null
  changes_count: number
  newly_due: number
  unreachable_countries: { name_es: string; name_pt: string; name_en: string }[] | null
  bounced: { email: string; name_es: string | null; name_pt: string | null; name_en: string | null; since_last: boolean }[] | null
}

const itemJson = sql`json_build_object(
  'assignment_id', x.id, 'code', x.code, 'title', x.title, 'assignee_kind', x.assignee_kind,
  'country_name_es', x.name_es, 'country_name_pt', x.name_pt, 'country_name_en', x.name_en,
  'organisation_name', x.org_name, 'due_date', to_char(x.due_date, 'YYYY-MM-DD'), 'status', x.status)`

/**
 * One page of digest recipients (members in membership-id order after
 * `after`), each with `is_due` (their local 08:00 has come today, weekly ones
 * on Mondays, and today's digest not yet sent) and, for the due ones, the
 * digest's content in one statement: overdue and due-soon items in their
 * scope, items awaiting verification (secretariat), what changed since the
 * last digest, how many items became due-soon or overdue since then, and
 * who cannot receive reminders.
 */
export async function findDigestPage(db: Db, asOf: Date, after: string, pageSize: number): Promise<DigestRecipientRow[]> {
  // The lists depend on the recipient's scope (everything, a country, an
  // organisation), and "what changed / became due" on their last digest:
  // each is computed once per distinct scope (and last-digest time), not
  // once per recipient — a page of 200 focal points of 12 countries reads
  // the assignments 12 times, not 200.
  const result = await sql<DigestRecipientRow>`
    WITH r AS (
      SELECT m.id AS membership_id, m.workspace_id, m.role, m.country_id, m.organisation_id,
             u.id AS user_id, u.email, u.name, u.digest_frequency,
             COALESCE(u.locale, mc.locale, w.default_locale) AS locale,
             COALESCE(u.time_zone, mc.time_zone, w.time_zone) AS tz,
             w.slug AS workspace_slug, w.name AS workspace_name, m.last_digest_at
      FROM membership m
      JOIN app_user u ON u.id = m.user_id
      JOIN workspace w ON w.id = m.workspace_id
      LEFT JOIN country mc ON mc.id = m.country_id
      LEFT JOIN notification_preference p ON p.user_id = u.id AND p.category = 'digest'
      WHERE m.id > ${after}::uuid AND m.deactivated_at IS NULL AND u.email_bounced_at IS NULL
        AND u.digest_frequency <> 'off' AND COALESCE(p.mode, 'immediate') <> 'off'
      ORDER BY m.id
      LIMIT ${pageSize}
    ), d AS (
      SELECT r.*, (${asOf}::timestamptz AT TIME ZONE r.tz) AS local_now,
             (${asOf}::timestamptz AT TIME ZONE r.tz)::date AS local_today,
             COALESCE(r.last_digest_at, ${asOf}::timestamptz - CASE WHEN r.digest_frequency = 'weekly' THEN interval '7 days' ELSE interval '1 day' END) AS since,
             CASE WHEN r.role IN ('secretariat', 'observer') THEN 'all' WHEN r.role = 'focal_point' THEN 'country' ELSE 'organisation' END AS scope_kind,
             COALESCE(r.country_id, r.organisation_id, '00000000-0000-0000-0000-000000000000'::uuid) AS scope_id
      FROM r
    ), due AS MATERIALIZED (
      SELECT d.*, (d.local_now::time >= time '08:00'
               AND (d.digest_frequency = 'daily' OR extract(isodow FROM d.local_today) = 1)
               AND (d.last_digest_at IS NULL OR (d.last_digest_at AT TIME ZONE d.tz)::date < d.local_today)) AS is_due
      FROM d
    ), aa AS MATERIALIZED (
      SELECT a.id, a.workspace_id, a.assignee_kind, a.country_id, a.organisation_id, a.due_date, a.status,
             pn.code, pn.title, c.name_es, c.name_pt, c.name_en, o.name AS org_name,
             (${asOf}::timestamptz AT TIME ZONE COALESCE(c.time_zone, w.time_zone))::date AS today
      FROM assignment a
      JOIN workspace w ON w.id = a.workspace_id
      JOIN plan_node pn ON pn.id = a.task_id
      LEFT JOIN country c ON c.id = a.country_id
      LEFT JOIN organisation o ON o.id = a.organisation_id
      WHERE a.workspace_id IN (SELECT workspace_id FROM due WHERE is_due)
    ), scopes AS (
      SELECT DISTINCT workspace_id, scope_kind, scope_id FROM due WHERE is_due
    ), lists AS MATERIALIZED (
      SELECT k.workspace_id, k.scope_kind, k.scope_id, ov.items AS overdue, ov.n AS overdue_count, ds.items AS due_soon, ds.n AS due_soon_count,
             tv.items AS to_verify, tv.n AS to_verify_count
      FROM scopes k
      LEFT JOIN LATERAL (
        SELECT (array_agg(${itemJson} ORDER BY x.due_date, x.code))[1:10] AS items, count(*)::int AS n
        FROM aa x WHERE x.workspace_id = k.workspace_id AND x.status IN ${OPEN} AND x.due_date < x.today AND ${scope}
      ) ov ON true
      LEFT JOIN LATERAL (
        SELECT (array_agg(${itemJson} ORDER BY x.due_date, x.code))[1:10] AS items, count(*)::int AS n
        FROM aa x WHERE x.workspace_id = k.workspace_id AND x.status IN ${OPEN} AND x.due_date BETWEEN x.today AND x.today + 14 AND ${scope}
      ) ds ON true
      LEFT JOIN LATERAL (
        SELECT (array_agg(${itemJson} ORDER BY x.due_date, x.code))[1:10] AS items, count(*)::int AS n
        FROM aa x WHERE k.scope_kind = 'all' AND x.workspace_id = k.workspace_id AND x.status = 'submitted'
      ) tv ON true
    ), sinces AS (
      SELECT DISTINCT workspace_id, scope_kind, scope_id, since, tz FROM due WHERE is_due
    ), news AS MATERIALIZED (
      SELECT k.workspace_id, k.scope_kind, k.scope_id, k.since, k.tz, ch.items AS changes, ch.n AS changes_count, nw.n AS newly_due
      FROM sinces k
      LEFT JOIN LATERAL (
        SELECT (array_agg(${itemJson} ORDER BY x.code))[1:10] AS items, count(*)::int AS n
        FROM aa x WHERE x.workspace_id = k.workspace_id AND ${scope}
          AND EXISTS (SELECT 1 FROM assignment_history h WHERE h.assignment_id = x.id AND h.at > k.since AND h.at <= ${asOf}::timestamptz)
      ) ch ON true
      LEFT JOIN LATERAL (
        SELECT count(*)::int AS n
        FROM aa x WHERE x.workspace_id = k.workspace_id AND x.status IN ${OPEN} AND ${scope}
          AND ((x.due_date - 14 > (k.since AT TIME ZONE k.tz)::date AND x.due_date - 14 <= x.today)
            OR (x.due_date + 1 > (k.since AT TIME ZONE k.tz)::date AND x.due_date + 1 <= x.today))
      ) nw ON true
    ), reach AS MATERIALIZED (
      SELECT ws.workspace_id, un.items AS unreachable_countries, bo.items AS bounced
      FROM (SELECT DISTINCT workspace_id FROM due WHERE is_due AND role = 'secretariat') ws
      LEFT JOIN LATERAL (
        SELECT json_agg(json_build_object('name_es', c.name_es, 'name_pt', c.name_pt, 'name_en', c.name_en) ORDER BY c.code) AS items
        FROM country c
        WHERE c.workspace_id = ws.workspace_id
          AND EXISTS (SELECT 1 FROM aa x WHERE x.country_id = c.id AND x.status IN ${OPEN} AND x.due_date - 14 <= x.today)
          AND NOT EXISTS (SELECT 1 FROM membership fm JOIN app_user fu ON fu.id = fm.user_id
                          WHERE fm.country_id = c.id AND fm.role = 'focal_point' AND fm.deactivated_at IS NULL AND fu.email_bounced_at IS NULL)
      ) un ON true
      LEFT JOIN LATERAL (
        SELECT jsonb_agg(jsonb_build_object('email', bu.email, 'name_es', bc.name_es, 'name_pt', bc.name_pt, 'name_en', bc.name_en,
                                            'bounced_at', bu.email_bounced_at) ORDER BY bu.email) AS items
        FROM membership bm JOIN app_user bu ON bu.id = bm.user_id LEFT JOIN country bc ON bc.id = bm.country_id
        WHERE bm.workspace_id = ws.workspace_id AND bm.deactivated_at IS NULL AND bu.email_bounced_at IS NOT NULL
      ) bo ON true
    )
    SELECT due.membership_id, due.workspace_id, due.workspace_slug, due.workspace_name, due.role, due.user_id, due.email, due.name,
           due.locale, to_char(due.local_today, 'YYYY-MM-DD') AS local_today, due.is_due,
           due.scope_kind || ':' || due.scope_id || ':' || due.role || ':' || due.since::text AS content_key,
           l.overdue, COALESCE(l.overdue_count, 0) AS overdue_count, l.due_soon, COALESCE(l.due_soon_count, 0) AS due_soon_count,
           CASE WHEN due.role = 'secretariat' THEN l.to_verify END AS to_verify,
           CASE WHEN due.role = 'secretariat' THEN COALESCE(l.to_verify_count, 0) ELSE 0 END AS to_verify_count,
           n.changes, COALESCE(n.changes_count, 0) AS changes_count, COALESCE(n.newly_due, 0) AS newly_due,
           CASE WHEN due.role = 'secretariat' THEN rc.unreachable_countries END AS unreachable_countries,
           CASE WHEN due.role = 'secretariat' THEN (
             SELECT jsonb_agg(b || jsonb_build_object('since_last', (b->>'bounced_at')::timestamptz > due.since))
             FROM jsonb_array_elements(rc.bounced) b) END AS bounced
    FROM due
    LEFT JOIN lists l ON due.is_due AND l.workspace_id = due.workspace_id AND l.scope_kind = due.scope_kind AND l.scope_id = due.scope_id
    LEFT JOIN news n ON due.is_due AND n.workspace_id = due.workspace_id AND n.scope_kind = due.scope_kind AND n.scope_id = due.scope_id
      AND n.since = due.since AND n.tz = due.tz
    LEFT JOIN reach rc ON due.is_due AND rc.workspace_id = due.workspace_id
    ORDER BY due.membership_id
  `.execute(db)
  return result.rows
}

const scope = sql`(k.scope_kind = 'all'
  OR (k.scope_kind = 'country' AND x.assignee_kind = 'country' AND x.country_id = k.scope_id)
  OR (k.scope_kind = 'organisation' AND x.assignee_kind = 'organisation' AND x.organisation_id = k.scope_id))`

export async function markDigestSent(db: Db, membershipIds: string[], asOf: Date) {
  if (!membershipIds.length) return
  await db.updateTable('membership').set({ last_digest_at: asOf }).where('id', 'in', membershipIds).execute()
}
