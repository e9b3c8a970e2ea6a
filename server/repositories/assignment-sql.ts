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
  const statuses = sql.join(OPEN_STATUSES.map((s) => sql.lit(s)))
  const due = sql.ref(`${alias}.due_date`)
  const instant = asOf ? sql`${asOf.toISOString()}::timestamptz` : sql`now()`
  const utcToday = sql`((${instant}) AT TIME ZONE 'UTC')::date`
  // Every time zone's local date is within a day of UTC's: a due date from
  // UTC tomorrow on is never overdue — a range on (status, due_date) that an
  // index serves, so a query reads only the rows that can be overdue — and one
  // before UTC yesterday always is; only yesterday's and today's need the
  // assignee's zone (a board of 24,000 rows runs twice as fast).
  return sql<boolean>`(${sql.ref(`${alias}.status`)} IN (${statuses}) AND ${due} < ${utcToday} + 1 AND CASE
    WHEN ${due} < ${utcToday} - 1 THEN true
    ELSE ${due} < ${assigneeTodaySql(asOf, alias)}
  END)`
}
