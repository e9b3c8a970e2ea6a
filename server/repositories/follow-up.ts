import { sql, type Kysely, type Transaction } from 'kysely'
import type { DB, Locale, NotificationCategory } from '#db/types.ts'

/**
 * Queries of the follow-up engine: the reminder sweep, event notifications,
 * digests, the outbox relay and the e-mail log. Set-based: one query per
 * sweep, whatever the number of assignments.
 */
type Db = Kysely<DB> | Transaction<DB>

export type ReminderKind = 'due_soon' | 'overdue' | 'overdue_escalation'
export type EventKind = 'submitted' | 'returned' | 'verified' | 'mentioned'

/** What every assignment e-mail shows about its assignment. */
export interface AssignmentInfo {
  assignment_id: string
  workspace_id: string
  workspace_slug: string
  workspace_name: string
  assignee_kind: 'country' | 'secretariat' | 'organisation'
  country_code: string | null
  country_name_es: string | null
  country_name_pt: string | null
  country_name_en: string | null
  organisation_name: string | null
  task_code: string
  task_title: string
  due_date: string
  status: string
  period: string
  /** The assignee's calendar day at asOf. */
  today: string
}

export interface Recipient {
  user_id: string
  email: string
  name: string
  locale: Locale
}

export interface ReminderCandidate extends AssignmentInfo, Recipient {
  kind: ReminderKind
  occasion: string
  key: string
  already: boolean
}

const OPEN = sql`('not_started','in_progress','blocked')`

/**
 * Every reached reminder occasion, one per (recipient, kind, assignment):
 * the LATEST reached occasion of each rule only (a first run three days
 * before a due date yields the 3-day reminder, not the stale 14-day one).
 * `already` says the e-mail log holds that key (sent or being sent).
 */
export async function findReminderCandidates(db: Db, asOf: Date): Promise<ReminderCandidate[]> {
  return (await findReminderCandidatePage(db, asOf, null, null)).candidates
}

/**
 * One page of findReminderCandidates: the candidates of the next `pageSize`
 * open assignments (due within 15 days or past) after `afterId`, keyset on
 * assignment.id, so a sweep holds one page in memory however large the
 * workspace. `lastId` is the key to continue from; null when done.
 */
export async function findReminderCandidatePage(
  db: Db,
  asOf: Date,
  afterId: string | null,
  pageSize: number | null,
): Promise<{ candidates: ReminderCandidate[]; lastId: string | null }> {
  const page = await sql<{ id: string }>`
    SELECT a.id FROM assignment a
    WHERE a.status IN ${OPEN} AND a.due_date <= (${asOf}::timestamptz)::date + 15
      AND (${afterId}::uuid IS NULL OR a.id > ${afterId}::uuid)
    ORDER BY a.id
    ${pageSize === null ? sql`` : sql`LIMIT ${pageSize}`}
  `.execute(db)
  const ids = page.rows.map((r) => r.id)
  if (!ids.length) return { candidates: [], lastId: null }
  const lastId = pageSize !== null && ids.length === pageSize ? ids[ids.length - 1] : null
  const result = await sql<ReminderCandidate>`
    WITH a AS (
      SELECT a.id, a.workspace_id, a.assignee_kind, a.country_id, a.organisation_id, a.due_date, a.status, a.period,
             ((${asOf}::timestamptz AT TIME ZONE COALESCE(c.time_zone, w.time_zone))::date) AS today
      FROM assignment a
      JOIN workspace w ON w.id = a.workspace_id
      LEFT JOIN country c ON c.id = a.country_id
      WHERE a.id = ANY(${sql.val(ids)}::uuid[])
    ), occ AS (
      SELECT a.*, r.kind, r.occasion
      FROM a CROSS JOIN LATERAL (
        SELECT 'due_soon'::text AS kind,
               CASE WHEN a.today >= a.due_date - 3 THEN a.due_date - 3 ELSE a.due_date - 14 END AS occasion
         WHERE a.today >= a.due_date - 14 AND a.today <= a.due_date
        UNION ALL
        SELECT 'overdue', a.due_date + 1 + 7 * ((a.today - (a.due_date + 1)) / 7)
         WHERE a.today > a.due_date
        UNION ALL
        SELECT 'overdue_escalation', a.due_date + 30
         WHERE a.today >= a.due_date + 30
      ) r
    ), rcpt AS (
      SELECT occ.*, u.id AS user_id, u.email, u.name,
             COALESCE(u.locale, mc.locale, w.default_locale) AS locale,
             occ.kind || ':' || u.id || ':' || occ.id || ':' || occ.occasion AS key
      FROM occ
      JOIN workspace w ON w.id = occ.workspace_id
      JOIN membership m ON m.workspace_id = occ.workspace_id AND m.deactivated_at IS NULL AND (
        CASE WHEN occ.kind = 'overdue_escalation' THEN m.role = 'secretariat'
             ELSE (occ.assignee_kind = 'country' AND m.role = 'focal_point' AND m.country_id = occ.country_id)
               OR (occ.assignee_kind = 'organisation' AND m.role = 'partner' AND m.organisation_id = occ.organisation_id)
               OR (occ.assignee_kind = 'secretariat' AND m.role = 'secretariat') END)
      LEFT JOIN country mc ON mc.id = m.country_id
      JOIN app_user u ON u.id = m.user_id AND u.email_bounced_at IS NULL
      LEFT JOIN notification_preference p
        ON p.user_id = u.id AND p.category = CASE WHEN occ.kind = 'overdue_escalation' THEN 'escalations' ELSE 'reminders' END
      WHERE COALESCE(p.mode, 'immediate') = 'immediate'
    )
    SELECT r.kind, to_char(r.occasion, 'YYYY-MM-DD') AS occasion, r.key,
           EXISTS (SELECT 1 FROM email_log l WHERE l.key = r.key) AS already,
           r.user_id, r.email, r.name, r.locale,
           to_char(r.today, 'YYYY-MM-DD') AS today,
           ${assignmentColumns}
    FROM rcpt r
    JOIN assignment a ON a.id = r.id
    ${assignmentJoins}
    ORDER BY r.workspace_id, r.user_id, r.kind, a.due_date
  `.execute(db)
  return { candidates: result.rows, lastId }
}

const assignmentColumns = sql`
  a.id AS assignment_id, a.workspace_id, ws.slug AS workspace_slug, ws.name AS workspace_name, a.assignee_kind,
  trim(ac.code) AS country_code, ac.name_es AS country_name_es, ac.name_pt AS country_name_pt, ac.name_en AS country_name_en,
  ao.name AS organisation_name, pn.code AS task_code, pn.title AS task_title,
  to_char(a.due_date, 'YYYY-MM-DD') AS due_date, a.status, a.period`

const assignmentJoins = sql`
  JOIN workspace ws ON ws.id = a.workspace_id
  JOIN plan_node pn ON pn.id = a.task_id
  LEFT JOIN country ac ON ac.id = a.country_id
  LEFT JOIN organisation ao ON ao.id = a.organisation_id`

/** One assignment's display fields, with its assignee's day at asOf. */
export async function findAssignmentInfo(db: Db, assignmentId: string, asOf: Date): Promise<AssignmentInfo | undefined> {
  const result = await sql<AssignmentInfo>`
    SELECT ${assignmentColumns},
           to_char((${asOf}::timestamptz AT TIME ZONE COALESCE(ac.time_zone, ws.time_zone))::date, 'YYYY-MM-DD') AS today
    FROM assignment a ${assignmentJoins}
    WHERE a.id = ${assignmentId}
  `.execute(db)
  return result.rows[0]
}

/**
 * Who hears of an event on an assignment: the secretariat for a
 * submission, the assignee's members for a return or verification, the
 * named users for a mention (members of the workspace only). Bounced
 * addresses and those who turned the category off are left out; `mode`
 * tells immediate from digest.
 */
export async function findEventRecipients(
  db: Db,
  input: { assignmentId: string; audience: 'secretariat' | 'assignee' | 'users'; userIds?: string[]; category: NotificationCategory; excludeUserId?: string | null },
): Promise<(Recipient & { mode: 'immediate' | 'digest' })[]> {
  const userIds = input.userIds?.length ? input.userIds : ['00000000-0000-0000-0000-000000000000']
  const result = await sql<Recipient & { mode: 'immediate' | 'digest' }>`
    SELECT u.id AS user_id, u.email, u.name, COALESCE(u.locale, mc.locale, w.default_locale) AS locale,
           COALESCE(p.mode, 'immediate') AS mode
    FROM assignment a
    JOIN workspace w ON w.id = a.workspace_id
    JOIN membership m ON m.workspace_id = a.workspace_id AND m.deactivated_at IS NULL
    JOIN app_user u ON u.id = m.user_id AND u.email_bounced_at IS NULL
    LEFT JOIN country mc ON mc.id = m.country_id
    LEFT JOIN notification_preference p ON p.user_id = u.id AND p.category = ${input.category}
    WHERE a.id = ${input.assignmentId}
      AND COALESCE(p.mode, 'immediate') <> 'off'
      AND u.id IS DISTINCT FROM ${input.excludeUserId ?? null}::uuid
      AND CASE ${input.audience}
            WHEN 'secretariat' THEN m.role = 'secretariat'
            WHEN 'users' THEN u.id = ANY(${sql.val(userIds)}::uuid[])
            ELSE (a.assignee_kind = 'country' AND m.role = 'focal_point' AND m.country_id = a.country_id)
              OR (a.assignee_kind = 'organisation' AND m.role = 'partner' AND m.organisation_id = a.organisation_id)
              OR (a.assignee_kind = 'secretariat' AND m.role = 'secretariat')
          END
    ORDER BY u.email
  `.execute(db)
  return result.rows
}

export interface NewEmail {
  key: string
  workspace_id: string | null
  user_id: string | null
  recipient: string
  kind: string
  category: string | null
  subject: string
  subject_id: string | null
  occasion: string
  payload: unknown
  has_attachments?: boolean
}

/**
 * Claims e-mails: inserts their log rows, keeping the ones whose key was
 * free. The UNIQUE key is the send-once guarantee — a second sweep, a
 * retried job or another worker finds the key taken and sends nothing.
 */
export async function claimEmails(db: Db, emails: NewEmail[]): Promise<string[]> {
  const claimed: string[] = []
  for (let i = 0; i < emails.length; i += 4000) {
    const chunk = emails.slice(i, i + 4000)
    const rows = await db
      .insertInto('email_log')
      .values(
        chunk.map((e) => ({
          key: e.key,
          workspace_id: e.workspace_id,
          user_id: e.user_id,
          recipient: e.recipient,
          kind: e.kind,
          category: e.category,
          subject: e.subject,
          subject_id: e.subject_id,
          occasion: e.occasion,
          payload: JSON.stringify(e.payload),
          has_attachments: e.has_attachments ?? false,
        })),
      )
      .onConflict((oc) => oc.column('key').doNothing())
      .returning('key')
      .execute()
    claimed.push(...rows.map((r) => r.key))
  }
  return claimed
}

/** Keys among these that the log already holds. */
export async function existingKeys(db: Db, keys: string[]): Promise<Set<string>> {
  if (!keys.length) return new Set()
  const rows = await db.selectFrom('email_log').select('key').where('key', 'in', keys).execute()
  return new Set(rows.map((r) => r.key))
}

// ─── Outbox ─────────────────────────────────────────────────────────────

export interface OutboxRow {
  id: string
  topic: string
  payload: unknown
  created_at: Date
}

/** Claims undispatched rows; concurrent relays skip each other's rows. */
export async function claimOutbox(trx: Transaction<DB>, limit: number): Promise<OutboxRow[]> {
  return trx
    .selectFrom('outbox')
    .select(['id', 'topic', 'payload', 'created_at'])
    .where('dispatched_at', 'is', null)
    .orderBy('created_at')
    .limit(limit)
    .forUpdate()
    .skipLocked()
    .execute()
}

export async function markOutboxDispatched(trx: Transaction<DB>, ids: string[]) {
  if (!ids.length) return
  await trx.updateTable('outbox').set({ dispatched_at: sql`now()`, attempts: sql`attempts + 1`, last_error: null }).where('id', 'in', ids).execute()
}

export async function markOutboxFailed(trx: Transaction<DB>, ids: string[], error: string) {
  if (!ids.length) return
  await trx.updateTable('outbox').set({ attempts: sql`attempts + 1`, last_error: error.slice(0, 1000) }).where('id', 'in', ids).execute()
}

export async function findOutbox(db: Db, id: string): Promise<OutboxRow | undefined> {
  return db.selectFrom('outbox').select(['id', 'topic', 'payload', 'created_at']).where('id', '=', id).executeTakeFirst()
}

// ─── Preferences ────────────────────────────────────────────────────────

export async function setPreference(db: Db, userId: string, category: NotificationCategory, mode: 'immediate' | 'digest' | 'off') {
  if (category === 'digest') {
    // The digest's own switch is app_user.digest_frequency; 'off' here mirrors it.
    await db.updateTable('app_user').set({ digest_frequency: 'off', updated_at: sql`now()` }).where('id', '=', userId).execute()
  }
  await db
    .insertInto('notification_preference')
    .values({ user_id: userId, category, mode })
    .onConflict((oc) => oc.columns(['user_id', 'category']).doUpdateSet({ mode, updated_at: sql`now()` }))
    .execute()
}

export async function findUserEmail(db: Db, userId: string) {
  return db.selectFrom('app_user').select(['id', 'email', 'locale']).where('id', '=', userId).executeTakeFirst()
}

// ─── E-mail log page ────────────────────────────────────────────────────

export async function listEmailLog(db: Db, workspaceId: string, opts: { failedOnly: boolean; limit: number }) {
  let query = db
    .selectFrom('email_log')
    .select(['id', 'recipient', 'kind', 'subject', 'status', 'error', 'attempts', 'created_at', 'sent_at'])
    .where('workspace_id', '=', workspaceId)
  if (opts.failedOnly) query = query.where('status', 'in', ['failed', 'bounced', 'complained'])
  return query.orderBy('created_at', 'desc').orderBy('id').limit(opts.limit).execute()
}

// ─── Digests ────────────────────────────────────────────────────────────

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
