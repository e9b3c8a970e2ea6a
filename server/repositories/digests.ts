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
  /** Whose items the digest lists: the whole workspace, a country or an organisation. */
  scope_kind: DigestScopeKind
  scope_id: string
  /** Start of "what is new": the last digest, or a day/week back (timestamptz as text). */
  since: string
  tz: string
  /** Secretariat: an address of the workspace bounced since the last digest. */
  bounced_new: boolean
}

export type DigestScopeKind = 'all' | 'country' | 'organisation'

/** The capped list and full count of one list in one scope. */
export interface DigestListRow {
  workspace_id: string
  scope_kind: DigestScopeKind
  /** null for the workspace-wide scope. */
  scope_id: string | null
  list: 'overdue' | 'due_soon' | 'to_verify'
  items: DigestItemRow[]
  n: number
}

/** What is new for one scope since one instant (rows with nothing new are left out). */
export interface DigestNewsRow {
  workspace_id: string
  scope_kind: DigestScopeKind
  scope_id: string
  since: string
  tz: string
  changes: DigestItemRow[] | null
  changes_count: number
  newly_due: number
}

/** Who cannot be reached, per workspace with a secretariat member due a digest. */
export interface DigestReachRow {
  workspace_id: string
  unreachable_countries: { name_es: string; name_pt: string; name_en: string }[] | null
  bounced: { email: string; name_es: string | null; name_pt: string | null; name_en: string | null }[] | null
}

const itemJson = sql`json_build_object(
  'assignment_id', x.id, 'code', x.code, 'title', x.title, 'assignee_kind', x.assignee_kind,
  'country_name_es', x.name_es, 'country_name_pt', x.name_pt, 'country_name_en', x.name_en,
  'organisation_name', x.org_name, 'due_date', to_char(x.due_date, 'YYYY-MM-DD'), 'status', x.status)`

/**
 * Digest recipients (active members with a reachable address who have not
 * turned the digest off) with `is_due` (their local 08:00 has come today,
 * weekly ones on Mondays, and today's digest not yet sent), their scope and
 * the instant "new" starts from. All members, or one keyset page of them.
 */
function recipients(asOf: Date, page?: { after: string; size: number }) {
  return sql`
    SELECT d.*,
           (d.local_now::time >= time '08:00'
             AND (d.digest_frequency = 'daily' OR extract(isodow FROM d.local_today) = 1)
             AND (d.last_digest_at IS NULL OR (d.last_digest_at AT TIME ZONE d.tz)::date < d.local_today)) AS is_due
    FROM (
      SELECT r.*, (${asOf}::timestamptz AT TIME ZONE r.tz) AS local_now,
             (${asOf}::timestamptz AT TIME ZONE r.tz)::date AS local_today,
             COALESCE(r.last_digest_at, ${asOf}::timestamptz - CASE WHEN r.digest_frequency = 'weekly' THEN interval '7 days' ELSE interval '1 day' END) AS since,
             CASE WHEN r.role IN ('secretariat', 'observer') THEN 'all' WHEN r.role = 'focal_point' THEN 'country' ELSE 'organisation' END AS scope_kind,
             COALESCE(r.country_id, r.organisation_id, '00000000-0000-0000-0000-000000000000'::uuid) AS scope_id
      FROM (
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
        WHERE m.deactivated_at IS NULL AND u.email_bounced_at IS NULL
          AND u.digest_frequency <> 'off' AND COALESCE(p.mode, 'immediate') <> 'off'
          ${page ? sql`AND m.id > ${page.after}::uuid ORDER BY m.id LIMIT ${page.size}` : sql``}
      ) r
    ) d`
}

/**
 * One page of digest recipients (members in membership-id order after
 * `after`). The content of their digests comes from findDigestLists,
 * findDigestNews and findDigestReach, read once per sweep.
 */
export async function findDigestPage(db: Db, asOf: Date, after: string, pageSize: number): Promise<DigestRecipientRow[]> {
  const result = await sql<DigestRecipientRow>`
    SELECT due.membership_id, due.workspace_id, due.workspace_slug, due.workspace_name, due.role, due.user_id, due.email, due.name,
           due.locale, to_char(due.local_today, 'YYYY-MM-DD') AS local_today, due.is_due, due.scope_kind, due.scope_id,
           due.since::text AS since, due.tz,
           (due.is_due AND due.role = 'secretariat' AND EXISTS (
             SELECT 1 FROM membership bm JOIN app_user bu ON bu.id = bm.user_id
             WHERE bm.workspace_id = due.workspace_id AND bm.deactivated_at IS NULL AND bu.email_bounced_at > due.since)) AS bounced_new
    FROM (${recipients(asOf, { after, size: pageSize })}) due
    ORDER BY due.membership_id
  `.execute(db)
  return result.rows
}

/**
 * Each assignee's calendar day at asOf: per country (its zone, else the
 * workspace's) and per workspace, so that a query over thousands of
 * assignments converts a time zone per country, not per row.
 */
function assigneeDays(asOf: Date) {
  return sql`
    country_day AS (
      SELECT c.id, (${asOf}::timestamptz AT TIME ZONE COALESCE(c.time_zone, w.time_zone))::date AS today
      FROM country c JOIN workspace w ON w.id = c.workspace_id
    ), workspace_day AS (
      SELECT w.id, (${asOf}::timestamptz AT TIME ZONE w.time_zone)::date AS today FROM workspace w
    )`
}

/** Open or submitted assignments of the workspaces with a digest due, with their list (needs assigneeDays). */
function listed(asOf: Date) {
  return sql`
    SELECT a.id, a.workspace_id, a.assignee_kind, a.country_id, a.organisation_id, a.due_date, a.task_id,
           CASE WHEN a.status IN ${OPEN} AND a.due_date < t.today THEN 'overdue'
                WHEN a.status IN ${OPEN} AND a.due_date BETWEEN t.today AND t.today + 14 THEN 'due_soon'
                WHEN a.status = 'submitted' THEN 'to_verify' END AS list
    FROM assignment a
    JOIN workspace_day wd ON wd.id = a.workspace_id
    LEFT JOIN country_day cd ON cd.id = a.country_id
    CROSS JOIN LATERAL (SELECT COALESCE(cd.today, wd.today) AS today) t
    WHERE a.workspace_id IN (SELECT workspace_id FROM due)
      AND ((a.status IN ${OPEN} AND a.due_date <= (${asOf}::timestamptz AT TIME ZONE 'UTC')::date + 16) OR a.status = 'submitted')`
}

/**
 * The overdue, due-soon and awaiting-verification lists (first 10 by due
 * date and code, and the full count) of every scope in the workspaces where
 * a digest is due: the workspace as a whole, each country, each
 * organisation. One pass over those workspaces' open assignments, whatever
 * the number of recipients.
 */
export async function findDigestLists(db: Db, asOf: Date): Promise<DigestListRow[]> {
  const result = await sql<DigestListRow>`
    WITH due AS (SELECT workspace_id FROM (${recipients(asOf)}) r WHERE r.is_due),
    ${assigneeDays(asOf)},
    l AS (SELECT * FROM (${listed(asOf)}) l WHERE l.list IS NOT NULL),
    scoped AS (
      SELECT l.*, 'all' AS scope_kind, NULL::uuid AS scope_id FROM l
      UNION ALL
      SELECT l.*, 'country', l.country_id FROM l WHERE l.list <> 'to_verify' AND l.assignee_kind = 'country'
      UNION ALL
      SELECT l.*, 'organisation', l.organisation_id FROM l WHERE l.list <> 'to_verify' AND l.assignee_kind = 'organisation'
    ), ranked AS (
      SELECT s.id, s.workspace_id, s.scope_kind, s.scope_id, s.list, s.due_date,
             row_number() OVER (PARTITION BY s.workspace_id, s.scope_kind, s.scope_id, s.list ORDER BY s.due_date, pn.code, s.id) AS rn,
             count(*) OVER (PARTITION BY s.workspace_id, s.scope_kind, s.scope_id, s.list) AS n
      FROM scoped s JOIN plan_node pn ON pn.id = s.task_id
    ), x AS (
      -- Only the first 10 of each list carry their display fields.
      SELECT r.workspace_id, r.scope_kind, r.scope_id, r.list, r.rn, r.n, r.id, r.due_date,
             a.assignee_kind, a.status, pn.code, pn.title, c.name_es, c.name_pt, c.name_en, o.name AS org_name
      FROM ranked r
      JOIN assignment a ON a.id = r.id
      JOIN plan_node pn ON pn.id = a.task_id
      LEFT JOIN country c ON c.id = a.country_id
      LEFT JOIN organisation o ON o.id = a.organisation_id
      WHERE r.rn <= 10
    )
    SELECT x.workspace_id, x.scope_kind, x.scope_id, x.list, max(x.n)::int AS n, json_agg(${itemJson} ORDER BY x.rn) AS items
    FROM x
    GROUP BY x.workspace_id, x.scope_kind, x.scope_id, x.list
  `.execute(db)
  return result.rows
}

/**
 * What is new for each (scope, last digest) among the recipients due a
 * digest: the assignments that changed since (first 10 by code, and the
 * count) and how many became due-soon or overdue since. Only changes and
 * due dates inside the window since the oldest last digest are read.
 */
export async function findDigestNews(db: Db, asOf: Date): Promise<DigestNewsRow[]> {
  const result = await sql<DigestNewsRow>`
    WITH k AS (
      SELECT DISTINCT r.workspace_id, r.scope_kind, r.scope_id, r.since, r.tz, (r.since AT TIME ZONE r.tz)::date AS since_date
      FROM (${recipients(asOf)}) r WHERE r.is_due
    ), lo AS (
      SELECT min(since) AS since, min(since_date) AS since_date FROM k
    ), changed AS (
      SELECT h.assignment_id, max(h.at) AS last_at
      FROM assignment_history h
      WHERE h.at > (SELECT since FROM lo) AND h.at <= ${asOf}::timestamptz
      GROUP BY h.assignment_id
    ), ch AS (
      SELECT k.workspace_id, k.scope_kind, k.scope_id, k.since, k.tz,
             x.id, x.assignee_kind, x.due_date, x.status, pn.code, pn.title, c.name_es, c.name_pt, c.name_en, o.name AS org_name,
             row_number() OVER (PARTITION BY k.workspace_id, k.scope_kind, k.scope_id, k.since, k.tz ORDER BY pn.code, x.id) AS rn,
             count(*) OVER (PARTITION BY k.workspace_id, k.scope_kind, k.scope_id, k.since, k.tz) AS n
      FROM k
      JOIN changed ON changed.last_at > k.since
      JOIN assignment x ON x.id = changed.assignment_id AND x.workspace_id = k.workspace_id AND ${scope}
      JOIN plan_node pn ON pn.id = x.task_id
      LEFT JOIN country c ON c.id = x.country_id
      LEFT JOIN organisation o ON o.id = x.organisation_id
    ), changes AS (
      SELECT x.workspace_id, x.scope_kind, x.scope_id, x.since, x.tz, max(x.n)::int AS n, json_agg(${itemJson} ORDER BY x.rn) AS items
      FROM ch x WHERE x.rn <= 10
      GROUP BY x.workspace_id, x.scope_kind, x.scope_id, x.since, x.tz
    ), ${assigneeDays(asOf)}, became AS (
      SELECT a.workspace_id, a.assignee_kind, a.country_id, a.organisation_id, a.due_date, COALESCE(cd.today, wd.today) AS today
      FROM assignment a
      JOIN workspace_day wd ON wd.id = a.workspace_id
      LEFT JOIN country_day cd ON cd.id = a.country_id
      WHERE a.status IN ${OPEN} AND a.workspace_id IN (SELECT workspace_id FROM k)
        AND a.due_date >= (SELECT since_date FROM lo) AND a.due_date <= (${asOf}::timestamptz AT TIME ZONE 'UTC')::date + 16
    ), nw AS (
      SELECT k.workspace_id, k.scope_kind, k.scope_id, k.since, k.tz, count(*)::int AS n
      FROM k JOIN became x ON x.workspace_id = k.workspace_id AND ${scope}
        AND ((x.due_date - 14 > k.since_date AND x.due_date - 14 <= x.today)
          OR (x.due_date + 1 > k.since_date AND x.due_date + 1 <= x.today))
      GROUP BY k.workspace_id, k.scope_kind, k.scope_id, k.since, k.tz
    )
    SELECT k.workspace_id, k.scope_kind, k.scope_id, k.since::text AS since, k.tz,
           changes.items AS changes, COALESCE(changes.n, 0) AS changes_count, COALESCE(nw.n, 0) AS newly_due
    FROM k
    LEFT JOIN changes USING (workspace_id, scope_kind, scope_id, since, tz)
    LEFT JOIN nw USING (workspace_id, scope_kind, scope_id, since, tz)
    WHERE changes.n > 0 OR nw.n > 0
  `.execute(db)
  return result.rows
}

/**
 * For the secretariat's digests: per workspace with a secretariat member
 * due one, the countries with an assignment due within 14 days (or past)
 * and no active focal point with a working address, and the active members
 * whose address bounced.
 */
export async function findDigestReach(db: Db, asOf: Date): Promise<DigestReachRow[]> {
  const result = await sql<DigestReachRow>`
    SELECT ws.workspace_id, un.items AS unreachable_countries, bo.items AS bounced
    FROM (SELECT DISTINCT r.workspace_id FROM (${recipients(asOf)}) r WHERE r.is_due AND r.role = 'secretariat') ws
    JOIN workspace w ON w.id = ws.workspace_id
    LEFT JOIN LATERAL (
      SELECT json_agg(json_build_object('name_es', c.name_es, 'name_pt', c.name_pt, 'name_en', c.name_en) ORDER BY c.code) AS items
      FROM country c
      WHERE c.workspace_id = ws.workspace_id
        AND EXISTS (SELECT 1 FROM assignment x WHERE x.workspace_id = ws.workspace_id AND x.country_id = c.id AND x.status IN ${OPEN}
                      AND x.due_date - 14 <= (${asOf}::timestamptz AT TIME ZONE COALESCE(c.time_zone, w.time_zone))::date)
        AND NOT EXISTS (SELECT 1 FROM membership fm JOIN app_user fu ON fu.id = fm.user_id
                        WHERE fm.country_id = c.id AND fm.role = 'focal_point' AND fm.deactivated_at IS NULL AND fu.email_bounced_at IS NULL)
    ) un ON true
    LEFT JOIN LATERAL (
      SELECT json_agg(json_build_object('email', bu.email, 'name_es', bc.name_es, 'name_pt', bc.name_pt, 'name_en', bc.name_en) ORDER BY bu.email) AS items
      FROM membership bm JOIN app_user bu ON bu.id = bm.user_id LEFT JOIN country bc ON bc.id = bm.country_id
      WHERE bm.workspace_id = ws.workspace_id AND bm.deactivated_at IS NULL AND bu.email_bounced_at IS NOT NULL
    ) bo ON true
  `.execute(db)
  return result.rows
}

const scope = sql`(k.scope_kind = 'all'
  OR (k.scope_kind = 'country' AND x.assignee_kind = 'country' AND x.country_id = k.scope_id)
  OR (k.scope_kind = 'organisation' AND x.assignee_kind = 'organisation' AND x.organisation_id = k.scope_id))`

/** A digest body shared by several recipients, with placeholders for what differs. */
export interface DigestBody {
  subject: string
  html: string
  text: string
}

export interface NewDigest {
  membership_id: string
  key: string
  workspace_id: string
  user_id: string
  recipient: string
  occasion: string
  from: string
  /** Index of its body in the page's bodies. */
  body: number
  /** What fills the placeholders: the name (HTML-escaped and plain) and the unsubscribe link. */
  name_html: string
  name_text: string
  unsubscribe_url: string
  headers: Record<string, string>
}

/**
 * Claims a page of digests in one statement: inserts their e-mail log rows
 * and moves last_digest_at of the members whose row was inserted. The
 * UNIQUE key (user, workspace, local day) is the send-once guarantee — a
 * second worker finds the key taken, sends nothing and moves nothing.
 * Each payload (the exact message, as email_log holds it) is the shared
 * body with the recipient's placeholders filled in here, so a page sends
 * each body once rather than once per recipient.
 */
export async function claimDigests(
  db: Db,
  page: { bodies: DigestBody[]; digests: NewDigest[]; placeholders: { name: string; unsubscribe: string } },
  asOf: Date,
): Promise<string[]> {
  if (!page.digests.length) return []
  const { name, unsubscribe } = page.placeholders
  const result = await sql<{ key: string }>`
    WITH body AS (
      SELECT (b.ordinality - 1)::int AS i, b.value->>'subject' AS subject, b.value->>'html' AS html, b.value->>'text' AS text
      FROM jsonb_array_elements(${JSON.stringify(page.bodies)}::jsonb) WITH ORDINALITY b
    ), input AS (
      SELECT * FROM jsonb_to_recordset(${JSON.stringify(page.digests)}::jsonb)
        AS t(membership_id uuid, key text, workspace_id uuid, user_id uuid, recipient text, occasion text, "from" text, body int,
             name_html text, name_text text, unsubscribe_url text, headers jsonb)
    ), claimed AS (
      INSERT INTO email_log (key, workspace_id, user_id, recipient, kind, category, subject, subject_id, occasion, payload, has_attachments)
      SELECT i.key, i.workspace_id, i.user_id, i.recipient, 'digest', 'digest', b.subject, i.workspace_id, i.occasion,
             jsonb_build_object('from', i."from", 'to', i.recipient, 'subject', b.subject,
               'html', replace(replace(b.html, ${name}, i.name_html), ${unsubscribe}, i.unsubscribe_url),
               'text', replace(replace(b.text, ${name}, i.name_text), ${unsubscribe}, i.unsubscribe_url),
               'headers', i.headers),
             false
      FROM input i JOIN body b ON b.i = i.body
      ON CONFLICT (key) DO NOTHING
      RETURNING key
    ), moved AS (
      UPDATE membership m SET last_digest_at = ${asOf}
      FROM input JOIN claimed ON claimed.key = input.key
      WHERE m.id = input.membership_id
    )
    SELECT key FROM claimed
  `.execute(db)
  return result.rows.map((r) => r.key)
}
