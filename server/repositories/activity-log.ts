import { sql, type Kysely } from 'kysely'
import type { DB } from '#db/types.ts'

/** Reads of the workspace activity log (the page and its CSV export). Writes: activity.ts. */
type Q = Kysely<DB>

export interface ActivityFilters {
  workspaceId: string
  actorId?: string
  action?: string
  subjectType?: string
  /** Calendar days, inclusive, in `timeZone`. */
  from?: string
  to?: string
  timeZone: string
}

export interface ActivityCursor {
  at: string
  id: string
}

export interface ActivityRow {
  id: string
  at: Date
  /** `at` to the microsecond (a JS Date keeps milliseconds): the cursor must not skip or repeat rows. */
  atKey: string
  actorId: string | null
  actorName: string | null
  actorEmail: string | null
  action: string
  subjectType: string
  subjectId: string | null
  before: unknown
  after: unknown
}

/**
 * One page of the log, newest first, keyset-paginated on (at, id) — the
 * order of activity_workspace_idx, so a page costs the same however deep.
 * Returns up to limit + 1 rows: the extra one says there is a next page.
 */
export async function listActivityPage(db: Q, f: ActivityFilters, page: { limit: number; cursor?: ActivityCursor }): Promise<ActivityRow[]> {
  let query = db
    .selectFrom('activity as a')
    .leftJoin('app_user as u', 'u.id', 'a.actor_id')
    .select([
      'a.id',
      'a.at',
      sql<string>`to_char(a.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`.as('atKey'),
      'a.actor_id as actorId',
      sql<string | null>`nullif(u.name, '')`.as('actorName'),
      'u.email as actorEmail',
      'a.action',
      'a.subject_type as subjectType',
      'a.subject_id as subjectId',
      'a.before',
      'a.after',
    ])
    .where('a.workspace_id', '=', f.workspaceId)
  if (f.actorId) query = query.where('a.actor_id', '=', f.actorId)
  if (f.action) query = query.where('a.action', '=', f.action)
  if (f.subjectType) query = query.where('a.subject_type', '=', f.subjectType)
  if (f.from) query = query.where('a.at', '>=', sql<Date>`(${f.from}::date)::timestamp AT TIME ZONE ${f.timeZone}`)
  if (f.to) query = query.where('a.at', '<', sql<Date>`(${f.to}::date + 1)::timestamp AT TIME ZONE ${f.timeZone}`)
  if (page.cursor) query = query.where(sql<boolean>`(a.at, a.id) < (${page.cursor.at}::timestamptz, ${page.cursor.id}::uuid)`)
  return query.orderBy('a.at', 'desc').orderBy('a.id', 'desc').limit(page.limit + 1).execute()
}

/**
 * The distinct values of one column of a workspace's log, by skip scan: one
 * index probe per distinct value rather than a read of the whole log (see
 * migration 20261204_181500_activity_filters).
 */
async function distinctValues(db: Q, workspaceId: string, column: 'action' | 'subject_type' | 'actor_id'): Promise<string[]> {
  const col = sql.ref(column)
  const result = await sql<{ value: string }>`
    WITH RECURSIVE v AS (
      (SELECT ${col} AS value FROM activity WHERE workspace_id = ${workspaceId} AND ${col} IS NOT NULL ORDER BY ${col} LIMIT 1)
      UNION ALL
      SELECT (SELECT ${col} FROM activity WHERE workspace_id = ${workspaceId} AND ${col} > v.value ORDER BY ${col} LIMIT 1)
      FROM v WHERE v.value IS NOT NULL
    )
    SELECT value FROM v WHERE value IS NOT NULL`.execute(db)
  return result.rows.map((r) => r.value)
}

/** What the filters can choose from: the people, actions and subject types that occur in this workspace's log. */
export async function activityFilterOptions(db: Q, workspaceId: string) {
  const [actorIds, actions, subjectTypes] = await Promise.all([
    distinctValues(db, workspaceId, 'actor_id'),
    distinctValues(db, workspaceId, 'action'),
    distinctValues(db, workspaceId, 'subject_type'),
  ])
  const actors = actorIds.length
    ? await db.selectFrom('app_user').select(['id', 'name', 'email']).where('id', 'in', actorIds).orderBy('name').orderBy('email').execute()
    : []
  return {
    actors: actors.map((a) => ({ id: a.id, name: a.name || a.email, email: a.email })),
    actions,
    subjectTypes,
  }
}
