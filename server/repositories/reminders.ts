import { sql, type Kysely, type Transaction } from 'kysely'
import type { DB, Locale } from '#db/types.ts'
import { assignmentColumns, assignmentJoins, type AssignmentInfo, type ReminderKind } from './follow-up.ts'

type Db = Kysely<DB> | Transaction<DB>

const OPEN = sql`('not_started','in_progress','blocked')`
const NO_SCOPE = sql`'00000000-0000-0000-0000-000000000000'::uuid`

/**
 * One of `of` disjoint slices of the assignments, by id: the sweep can claim
 * the slices in parallel, one statement (and one PostgreSQL backend, one
 * core) each.
 */
export interface SweepPart {
  index: number
  of: number
}

/** The `of` slices of a sweep; `of` is a whole number from 1. */
export function sweepParts(of: number): SweepPart[] {
  if (!Number.isInteger(of) || of < 1) throw new RangeError(`sweep of ${of} parts: needs 0 <= index < of, so a whole number of parts from 1`)
  return Array.from({ length: of }, (_, index) => ({ index, of }))
}

/**
 * The slice's bounds on assignment.id: ids are random (gen_random_uuid), so
 * cutting the id space at equal points cuts the rows evenly, and a range on
 * the primary key costs nothing per row.
 */
function assignmentIdRange({ index, of }: SweepPart) {
  const bound = (k: number) => `${Math.floor((k * 0x1_0000_0000) / of).toString(16).padStart(8, '0')}-0000-0000-0000-000000000000`
  const from = index > 0 ? sql`AND a.id >= ${bound(index)}::uuid` : sql``
  const to = index < of - 1 ? sql`AND a.id < ${bound(index + 1)}::uuid` : sql``
  return sql`${from} ${to}`
}

/**
 * The reminder sweep of one slice of the assignments (SweepPart), in one
 * statement: every reached occasion of every open assignment (due soon 14
 * and 3 days before, overdue weekly from the day after, the escalation at 30 days), the LATEST occasion of each rule only
 * (a first run three days before a due date yields the 3-day reminder, not
 * the stale 14-day one), for each recipient who wants it, claimed by
 * inserting its email_log row. The UNIQUE key (kind:user:assignment:occasion)
 * is the send-once guarantee: an occasion already logged — sent, or claimed
 * by another sweep or worker — inserts nothing. The message itself is
 * rendered when delivery forms its batch (findReminderRenderRows); the row
 * keeps what that needs: kind, assignment, recipient, occasion, the sweep's
 * clock and the recipient's language.
 */
export async function claimReminders(
  db: Db,
  asOf: Date,
  part: SweepPart = { index: 0, of: 1 },
): Promise<{ candidates: number; claimed: number }> {
  const result = await sql<{ candidates: number; claimed: number }>`
    WITH a AS (
      SELECT a.id, a.workspace_id, a.assignee_kind, a.country_id, a.organisation_id, a.due_date,
             ((${asOf}::timestamptz AT TIME ZONE COALESCE(c.time_zone, w.time_zone))::date) AS today
      FROM assignment a
      JOIN workspace w ON w.id = a.workspace_id
      LEFT JOIN country c ON c.id = a.country_id
      WHERE a.status IN ${OPEN} AND a.due_date <= (${asOf}::timestamptz)::date + 15 ${assignmentIdRange(part)}
    ), occ AS (
      -- Who receives each occasion, as (role, scope): the secretariat for escalations and the secretariat's own
      -- assignments, else the country's focal points or the organisation's partners. An equality join on it
      -- (hash join) instead of a per-assignment filter over every member of the workspace.
      SELECT a.id, a.workspace_id, r.kind, r.occasion,
             CASE WHEN r.kind = 'overdue_escalation' OR a.assignee_kind = 'secretariat' THEN 'secretariat'
                  WHEN a.assignee_kind = 'country' THEN 'focal_point' ELSE 'partner' END AS role,
             CASE WHEN r.kind = 'overdue_escalation' OR a.assignee_kind = 'secretariat' THEN ${NO_SCOPE}
                  WHEN a.assignee_kind = 'country' THEN a.country_id ELSE a.organisation_id END AS scope_id
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
    ), rcpt AS MATERIALIZED (
      SELECT occ.kind || ':' || u.id || ':' || occ.id || ':' || occ.occasion AS key,
             occ.workspace_id, u.id AS user_id, u.email, occ.kind, occ.id AS assignment_id,
             to_char(occ.occasion, 'YYYY-MM-DD') AS occasion,
             CASE WHEN occ.kind = 'overdue_escalation' THEN 'escalations' ELSE 'reminders' END AS category,
             COALESCE(u.locale, mc.locale, w.default_locale) AS locale
      FROM occ
      JOIN workspace w ON w.id = occ.workspace_id
      JOIN membership m ON m.workspace_id = occ.workspace_id AND m.deactivated_at IS NULL AND m.role = occ.role
        AND CASE m.role WHEN 'focal_point' THEN m.country_id WHEN 'partner' THEN m.organisation_id ELSE ${NO_SCOPE} END = occ.scope_id
      LEFT JOIN country mc ON mc.id = m.country_id
      JOIN app_user u ON u.id = m.user_id AND u.email_bounced_at IS NULL
      LEFT JOIN notification_preference p
        ON p.user_id = u.id AND p.category = CASE WHEN occ.kind = 'overdue_escalation' THEN 'escalations' ELSE 'reminders' END
      WHERE COALESCE(p.mode, 'immediate') = 'immediate'
    ), ins AS (
      -- subject stays empty until the message is rendered; the e-mail log page shows the kind until then.
      INSERT INTO email_log (key, workspace_id, user_id, recipient, kind, category, subject, subject_id, occasion, as_of, locale)
      SELECT key, workspace_id, user_id, email, kind, category, '', assignment_id, occasion, ${asOf}::timestamptz, locale FROM rcpt
      ON CONFLICT (key) DO NOTHING
      RETURNING 1
    )
    SELECT (SELECT count(*) FROM rcpt)::int AS candidates, (SELECT count(*) FROM ins)::int AS claimed
  `.execute(db)
  return result.rows[0] ?? { candidates: 0, claimed: 0 }
}

/** A claimed reminder with everything its message shows, as of the sweep that claimed it. */
export interface ReminderRenderRow extends Omit<AssignmentInfo, 'assignment_id'> {
  id: string
  key: string
  kind: ReminderKind
  user_id: string | null
  email: string
  name: string | null
  locale: Locale
  as_of: Date
  /** NULL when the assignment no longer exists. */
  assignment_id: string | null
}

/**
 * The rows of a batch that still need rendering (payload NULL, as_of set),
 * joined with their assignment and recipient: one statement per batch.
 * The assignee's day is taken at the row's as_of, like the sweep did.
 */
export async function findReminderRenderRows(db: Db, ids: string[]): Promise<ReminderRenderRow[]> {
  if (!ids.length) return []
  const result = await sql<ReminderRenderRow>`
    SELECT l.id, l.key, l.kind, l.user_id, l.recipient AS email, u.name, l.locale, l.as_of, ${assignmentColumns},
           to_char((l.as_of AT TIME ZONE COALESCE(ac.time_zone, ws.time_zone))::date, 'YYYY-MM-DD') AS today
    FROM email_log l
    LEFT JOIN app_user u ON u.id = l.user_id
    LEFT JOIN (assignment a ${assignmentJoins}) ON a.id = l.subject_id
    WHERE l.id = ANY(${sql.val(ids)}::uuid[])
  `.execute(db)
  return result.rows
}
