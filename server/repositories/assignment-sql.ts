import { sql, type RawBuilder } from 'kysely'
import type { AssignmentStatus } from '#db/types.ts'

/** The statuses in which an assignment whose due date has passed counts as overdue. */
export const OPEN_STATUSES = ['not_started', 'in_progress', 'blocked'] as const satisfies readonly AssignmentStatus[]

/**
 * The time zone an assignment's due date is a day in: its country's, or the
 * workspace's (the secretariat's) for secretariat and organisation
 * assignees. Correlated sub-selects on primary keys, so the fragment needs
 * nothing but the assignment row and can go in any query.
 */
export function assigneeTimeZoneSql(alias = 'assignment'): RawBuilder<string> {
  return sql<string>`coalesce(
    (SELECT tz_c.time_zone FROM country AS tz_c WHERE tz_c.id = ${sql.ref(`${alias}.country_id`)}),
    (SELECT tz_w.time_zone FROM workspace AS tz_w WHERE tz_w.id = ${sql.ref(`${alias}.workspace_id`)})
  )`
}

/**
 * The local calendar date, in the assignee's time zone, at `asOf` (default:
 * the transaction's now()).
 */
export function assigneeTodaySql(asOf?: Date, alias = 'assignment'): RawBuilder<string> {
  const instant = asOf ? sql`${asOf.toISOString()}::timestamptz` : sql`now()`
  return sql<string>`((${instant}) AT TIME ZONE ${assigneeTimeZoneSql(alias)})::date`
}

/**
 * Whether an assignment is overdue at `asOf`: its due date has passed in its
 * assignee's time zone — a due date of 2026-03-10 for Argentina passes at
 * 2026-03-11 00:00 in Buenos Aires — and it is still open (not_started,
 * in_progress or blocked). `alias` names the assignment table in the query.
 *
 *   db.selectFrom('assignment as a').select(isOverdueSql(asOf, 'a').as('overdue'))
 *   db.selectFrom('assignment').where(isOverdueSql())
 */
export function isOverdueSql(asOf?: Date, alias = 'assignment'): RawBuilder<boolean> {
  const due = sql.ref(`${alias}.due_date`)
  const utcToday = utcTodaySql(asOf)
  // Every time zone's local date is within a day of UTC's, so only due dates
  // of yesterday/today (UTC) need the assignee's zone: the other rows skip
  // the time-zone look-ups (a board of 24,000 rows runs twice as fast).
  return sql<boolean>`(${openStatusSql(alias)} AND CASE
    WHEN ${due} < ${utcToday} - 1 THEN true
    WHEN ${due} >= ${utcToday} + 1 THEN false
    ELSE ${due} < ${assigneeTodaySql(asOf, alias)}
  END)`
}

/**
 * The rows isOverdueSql can be true for, as conditions an index can serve
 * (status and due-date ranges, no time-zone look-up): open and due before
 * tomorrow in UTC. `WHERE overdueCandidateSql AND isOverdueSql` reads only
 * those rows through assignment_status_idx (workspace_id, status, due_date)
 * instead of every assignment.
 */
export function overdueCandidateSql(asOf?: Date, alias = 'assignment'): RawBuilder<boolean> {
  return sql<boolean>`(${openStatusSql(alias)} AND ${sql.ref(`${alias}.due_date`)} < ${utcTodaySql(asOf)} + 1)`
}

function openStatusSql(alias: string): RawBuilder<boolean> {
  return sql<boolean>`${sql.ref(`${alias}.status`)} IN (${sql.join(OPEN_STATUSES.map((s) => sql.lit(s)))})`
}

function utcTodaySql(asOf?: Date): RawBuilder<string> {
  const instant = asOf ? sql`${asOf.toISOString()}::timestamptz` : sql`now()`
  return sql<string>`((${instant}) AT TIME ZONE 'UTC')::date`
}
