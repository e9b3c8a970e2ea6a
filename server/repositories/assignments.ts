import { sql, type Expression, type Kysely, type QueryCreator, type RawBuilder, type Transaction } from 'kysely'
import { jsonArrayFrom } from 'kysely/helpers/postgres'
import type { AssignmentStatus, DB } from '#db/types.ts'
import { isOverdueSql } from './assignment-sql.ts'
import * as comments from './comments.ts'
import * as evidence from './evidence.ts'
import { preparedQuery } from './prepared.ts'

type Q = Kysely<DB> | Transaction<DB>

/** The row a write decides on, locked for the rest of the transaction. */
export interface LockedAssignment {
  id: string
  workspaceId: string
  taskId: string
  taskCode: string
  taskTitle: string
  dueDate: string
  assigneeKind: 'country' | 'secretariat' | 'organisation'
  countryId: string | null
  countryCode: string | null
  organisationId: string | null
  status: AssignmentStatus
  progressNote: string
  version: number
  updatedAt: Date
  updatedByName: string | null
}

/**
 * Reads one assignment and locks its row (FOR UPDATE OF a): a concurrent
 * write of the same assignment waits here until this transaction ends and
 * then sees the new version, so the version check below is exact.
 */
export async function findForUpdate(trx: Transaction<DB>, id: string): Promise<LockedAssignment | undefined> {
  const row = await trx
    .selectFrom('assignment as a')
    .innerJoin('plan_node as pn', 'pn.id', 'a.task_id')
    .leftJoin('app_user as u', 'u.id', 'a.updated_by')
    .leftJoin('country as c', 'c.id', 'a.country_id')
    .select([
      'a.id',
      'a.workspace_id',
      'a.task_id',
      'pn.code as task_code',
      'pn.title as task_title',
      'a.due_date',
      'a.assignee_kind',
      'a.country_id',
      'c.code as country_code',
      'a.organisation_id',
      'a.status',
      'a.progress_note',
      'a.version',
      'a.updated_at',
      sql<string | null>`nullif(u.name, '')`.as('updated_by_name'),
      'u.email as updated_by_email',
    ])
    .where('a.id', '=', id)
    .forUpdate('a')
    .executeTakeFirst()
  if (!row) return undefined
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    taskId: row.task_id,
    taskCode: row.task_code,
    taskTitle: row.task_title,
    dueDate: row.due_date,
    assigneeKind: row.assignee_kind,
    countryId: row.country_id,
    countryCode: row.country_code?.trim() ?? null,
    organisationId: row.organisation_id,
    status: row.status,
    progressNote: row.progress_note,
    version: row.version,
    updatedAt: row.updated_at,
    updatedByName: row.updated_by_name ?? row.updated_by_email ?? null,
  }
}

/** Optimistic concurrency: changes only the version it was based on. Undefined when that version is gone. */
export async function updateIfVersion(
  trx: Transaction<DB>,
  id: string,
  version: number,
  changes: { status?: AssignmentStatus; progressNote?: string },
  actorId: string,
) {
  return versionedUpdate(trx, id, version, changes, actorId).returning(['id', 'status', 'progress_note', 'version', 'updated_at']).executeTakeFirst()
}

/** The UPDATE of updateIfVersion: the changes, version + 1, who and when, only on the version the change was based on. */
function versionedUpdate(db: QueryCreator<DB>, id: string, version: number, changes: { status?: AssignmentStatus; progressNote?: string }, actorId: string) {
  return db
    .updateTable('assignment')
    .set({
      ...(changes.status !== undefined ? { status: changes.status } : {}),
      ...(changes.progressNote !== undefined ? { progress_note: changes.progressNote } : {}),
      version: sql<number>`version + 1`,
      updated_at: sql<Date>`now()`,
      updated_by: actorId,
    })
    .where('id', '=', id)
    .where('version', '=', version)
}

/**
 * updateIfVersion and its history row in one statement (the history row is
 * written only when the update is). Returns what a write answers with: the
 * new status, note, version and time, the due date and whether it is now
 * overdue — so no read of the whole item follows the write.
 */
export async function updateWithHistory(
  trx: Transaction<DB>,
  id: string,
  version: number,
  changes: { status?: AssignmentStatus; progressNote?: string },
  actorId: string,
  history: { action: string; fromStatus: AssignmentStatus; note: string },
) {
  return trx
    .with('updated', (db) =>
      versionedUpdate(db, id, version, changes, actorId).returning(['id', 'status', 'progress_note', 'version', 'updated_at', 'due_date', isOverdueSql(undefined, 'assignment').as('overdue')]),
    )
    .with('history', (db) =>
      db
        .insertInto('assignment_history')
        .columns(['assignment_id', 'actor_id', 'action', 'from_status', 'to_status', 'note', 'version'])
        .expression(
          db
            .selectFrom('updated')
            .select([
              'updated.id',
              sql<string>`${actorId}::uuid`.as('actor_id'),
              sql<string>`${history.action}::text`.as('action'),
              sql<string>`${history.fromStatus}::text`.as('from_status'),
              'updated.status',
              sql<string>`${history.note}::text`.as('note'),
              'updated.version',
            ]),
        ),
    )
    .selectFrom('updated')
    .selectAll()
    .executeTakeFirst()
}

export async function insertHistory(
  trx: Transaction<DB>,
  row: { assignmentId: string; actorId: string | null; action: string; fromStatus: AssignmentStatus | null; toStatus: AssignmentStatus | null; note: string; version: number },
) {
  await trx
    .insertInto('assignment_history')
    .values({
      assignment_id: row.assignmentId,
      actor_id: row.actorId,
      action: row.action,
      from_status: row.fromStatus,
      to_status: row.toStatus,
      note: row.note,
      version: row.version,
    })
    .execute()
}

/** One outbox row per event; the relay (jobs/) turns it into e-mails. */
export async function insertOutbox(trx: Transaction<DB>, topic: string, payload: Record<string, unknown>) {
  await trx.insertInto('outbox').values({ topic, payload: JSON.stringify(payload) }).execute()
}

/** Active members of a workspace with one of the roles, optionally bound to a country or organisation. */
export async function memberIds(
  q: Q,
  workspaceId: string,
  filter: { role: 'secretariat' } | { role: 'focal_point'; countryId: string } | { role: 'partner'; organisationId: string },
): Promise<string[]> {
  let query = q
    .selectFrom('membership')
    .select('user_id')
    .where('workspace_id', '=', workspaceId)
    .where('deactivated_at', 'is', null)
    .where('role', '=', filter.role)
  if (filter.role === 'focal_point') query = query.where('country_id', '=', filter.countryId)
  if (filter.role === 'partner') query = query.where('organisation_id', '=', filter.organisationId)
  const rows = await query.orderBy('user_id').execute()
  return rows.map((r) => r.user_id)
}

/** Who reports on an assignment: the country's focal points, the organisation's partners, or the secretariat. */
export async function assigneeMemberIds(q: Q, a: Pick<LockedAssignment, 'workspaceId' | 'assigneeKind' | 'countryId' | 'organisationId'>) {
  if (a.assigneeKind === 'country' && a.countryId) return memberIds(q, a.workspaceId, { role: 'focal_point', countryId: a.countryId })
  if (a.assigneeKind === 'organisation' && a.organisationId) return memberIds(q, a.workspaceId, { role: 'partner', organisationId: a.organisationId })
  return memberIds(q, a.workspaceId, { role: 'secretariat' })
}

/** The workspace of an assignment (for reads: membership is checked against it). */
export async function findRef(q: Q, id: string) {
  return q
    .selectFrom('assignment')
    .select(['id', 'workspace_id as workspaceId', 'assignee_kind as assigneeKind', 'country_id as countryId', 'organisation_id as organisationId'])
    .where('id', '=', id)
    .executeTakeFirst()
}

/** One assignment with its task and assignee (what writes return). */
export async function findDetail(q: Q, id: string, overdue: RawBuilder<boolean>) {
  return detailQuery(q, id, overdue).executeTakeFirst()
}

function detailQuery(q: Q, id: string, overdue: RawBuilder<boolean>) {
  return q
    .selectFrom('assignment as a')
    .innerJoin('plan_node as pn', 'pn.id', 'a.task_id')
    .innerJoin('task as t', 't.id', 'a.task_id')
    .innerJoin('workspace as w', 'w.id', 'a.workspace_id')
    .leftJoin('country as c', 'c.id', 'a.country_id')
    .leftJoin('organisation as o', 'o.id', 'a.organisation_id')
    .leftJoin('app_user as u', 'u.id', 'a.updated_by')
    .select([
      'a.id',
      'a.workspace_id',
      'a.task_id',
      'pn.code as task_code',
      'pn.title as task_title',
      'pn.plan_id',
      'pn.parent_id',
      't.description',
      't.lead_kind',
      't.start_date',
      't.due_date as task_due_date',
      't.priority',
      'a.assignee_kind',
      'a.country_id',
      'c.code as country_code',
      'c.name_es',
      'c.name_pt',
      'c.name_en',
      'a.organisation_id',
      'o.code as organisation_code',
      'o.name as organisation_name',
      'a.period',
      'a.status',
      'a.due_date',
      overdue.as('overdue'),
      'a.progress_note',
      'a.version',
      'a.created_at',
      'a.updated_at',
      sql<string | null>`coalesce(nullif(u.name, ''), u.email)`.as('updated_by_name'),
    ])
    .where('a.id', '=', id)
}

/**
 * findDetail with everything the assignment page and assignment.get show,
 * in one statement: the task's ancestors (root first), evidence and comments
 * (oldest first) and history (newest first) as JSON arrays. Timestamps inside
 * the arrays arrive as strings (JSON), not Dates.
 */
function detailWithRelationsQuery(q: Q, id: string, overdue: RawBuilder<boolean>) {
  return detailQuery(q, id, overdue)
    .select((eb) => [
      sql<{ id: string; kind: string; code: string; title: string }[]>`(
        WITH RECURSIVE up AS (
          SELECT p.id, p.parent_id, p.kind, p.code, p.title, 0 AS depth FROM plan_node p WHERE p.id = a.task_id
          UNION ALL
          SELECT p.id, p.parent_id, p.kind, p.code, p.title, up.depth + 1 FROM plan_node p JOIN up ON p.id = up.parent_id
        )
        SELECT coalesce(json_agg(json_build_object('id', id, 'kind', kind, 'code', code, 'title', title) ORDER BY depth DESC), '[]') FROM up WHERE depth > 0
      )`.as('path'),
      jsonArrayFrom(evidence.listForAssignmentQuery(q, eb.ref('a.id'))).as('evidence'),
      jsonArrayFrom(historyQuery(q, eb.ref('a.id'))).as('history'),
      jsonArrayFrom(comments.listForAssignmentQuery(q, eb.ref('a.id'))).as('comments'),
    ])
}

// assignment.get's statement as of now, compiled once (prepared.ts).
const detailWithRelationsNow = preparedQuery((q, id: string) => detailWithRelationsQuery(q, id, isOverdueSql(undefined, 'a')))

/** One assignment with its plan path, evidence, history and comments, in one statement; `overdue` as of `asOf` (default now). */
export async function findDetailWithRelations(q: Q, id: string, asOf?: Date) {
  if (asOf) return detailWithRelationsQuery(q, id, isOverdueSql(asOf, 'a')).executeTakeFirst()
  const [row] = await detailWithRelationsNow(q, id)
  return row
}

function historyQuery(q: Q, assignmentId: string | Expression<string>) {
  return q
    .selectFrom('assignment_history as h')
    .leftJoin('app_user as u', 'u.id', 'h.actor_id')
    .select([
      'h.id',
      'h.action',
      'h.from_status',
      'h.to_status',
      'h.note',
      'h.version',
      'h.at',
      sql<string | null>`coalesce(nullif(u.name, ''), u.email)`.as('actor_name'),
    ])
    .where('h.assignment_id', '=', assignmentId)
    .orderBy('h.at', 'desc')
    .orderBy('h.version', 'desc')
}

export interface ListFilters {
  workspaceId: string
  countryCodes?: string[]
  /**
   * One country by id, when the caller knows it without asking the database
   * (a focal point's own country, from the Actor): with the id in the
   * statement the planner reads that country's rows in due-date order and
   * stops at the page (2 ms instead of 10–30 ms for 2,000 assignments).
   */
  countryId?: string
  statuses?: AssignmentStatus[]
  objectiveCode?: string
  overdue?: boolean
  dueFrom?: string
  dueTo?: string
  organisationId?: string
  lead?: { kind: 'all_countries' | 'secretariat' } | { kind: 'country'; code: string } | { kind: 'organisation'; code: string }
  /** Due at most / more than this many days after today in the assignee's time zone (the home page's "due soon"). */
  dueWithinDays?: number
  dueAfterDays?: number
}

export interface ListCursor {
  /** 0 for overdue rows, 1 for the others: overdue come first. */
  o: 0 | 1
  d: string
  id: string
}

/**
 * One page of the board in a single statement: overdue first, then by due
 * date, then by id (a total order, so the keyset cursor is stable).
 *
 * The overdue rows and the others are two index-ordered branches (each
 * walking (workspace_id, due_date, id) and stopping at the page size) joined
 * by UNION ALL, so a page costs the same whether the workspace holds a
 * hundred assignments or tens of thousands: nothing sorts the whole set.
 */
export async function listPage(
  q: Q,
  filters: ListFilters,
  page: { limit: number; cursor?: ListCursor },
  overdue: RawBuilder<boolean>,
  today: RawBuilder<string>,
) {
  const branch = (rank: 0 | 1) => {
    let query = q
      .selectFrom('assignment as a')
      .innerJoin('plan_node as pn', 'pn.id', 'a.task_id')
      .leftJoin('country as c', 'c.id', 'a.country_id')
      .select([
        'a.id',
        'a.task_id',
        'pn.code as task_code',
        'pn.title as task_title',
        'c.code as country_code',
        'a.status',
        'a.due_date',
        sql<boolean>`${sql.lit(rank === 0)}`.as('overdue'),
        sql<number>`${sql.lit(rank)}`.as('rank'),
        sql<number>`(a.due_date - ${today})`.as('days_left'),
        'a.version',
        'a.updated_at',
      ])
      .where('a.workspace_id', '=', filters.workspaceId)
      .where('pn.archived_at', 'is', null)
      .where(rank === 0 ? overdue : sql<boolean>`NOT ${overdue}`)
    if (filters.countryId) query = query.where('a.country_id', '=', filters.countryId)
    if (filters.countryCodes?.length) {
      const codes = filters.countryCodes
      // The country ids are computed once, so the (workspace_id, country_id, due_date, id) index can serve the page
      // in order; for one country an equality (not = ANY) lets the planner start that index at the country.
      query = query.where(
        codes.length === 1
          ? sql<boolean>`a.country_id = (SELECT id FROM country WHERE workspace_id = ${filters.workspaceId} AND code = ${codes[0]})`
          : sql<boolean>`a.country_id = ANY(ARRAY(SELECT id FROM country WHERE workspace_id = ${filters.workspaceId} AND code IN (${sql.join(codes)})))`,
      )
    }
    if (filters.organisationId) query = query.where('a.organisation_id', '=', filters.organisationId)
    if (filters.statuses?.length) query = query.where('a.status', 'in', filters.statuses)
    if (filters.objectiveCode) {
      const code = filters.objectiveCode
      query = query.where((eb) => eb.or([eb('pn.code', '=', code), eb('pn.code', 'like', `${code.replace(/[\\%_]/g, '\\$&')}.%`)]))
    }
    if (filters.dueFrom) query = query.where('a.due_date', '>=', filters.dueFrom)
    if (filters.dueTo) query = query.where('a.due_date', '<=', filters.dueTo)
    if (filters.dueWithinDays !== undefined) query = query.where(sql<boolean>`a.due_date <= ${today} + ${filters.dueWithinDays}::int`)
    if (filters.dueAfterDays !== undefined) query = query.where(sql<boolean>`a.due_date > ${today} + ${filters.dueAfterDays}::int`)
    const lead = filters.lead
    if (lead) {
      query = query.where((eb) =>
        eb.exists(
          eb
            .selectFrom('task as t')
            .leftJoin('country as lc', 'lc.id', 't.lead_country_id')
            .leftJoin('organisation as lo', 'lo.id', 't.lead_organisation_id')
            .select(sql`1`.as('one'))
            .whereRef('t.id', '=', 'a.task_id')
            .where('t.lead_kind', '=', lead.kind)
            .$if(lead.kind === 'country', (sq) => sq.where('lc.code', '=', 'code' in lead ? lead.code : ''))
            .$if(lead.kind === 'organisation', (sq) => sq.where('lo.code', '=', 'code' in lead ? lead.code : '')),
        ),
      )
    }
    const cursor = page.cursor
    if (cursor && cursor.o === rank) query = query.where(sql<boolean>`(a.due_date, a.id) > (${cursor.d}::date, ${cursor.id}::uuid)`)
    return q.selectFrom(query.orderBy('a.due_date').orderBy('a.id').limit(page.limit + 1).as(rank === 0 ? 'overdue_rows' : 'other_rows')).selectAll()
  }
  // A cursor past the overdue rows, a filter on overdue, or only closed statuses leave one branch.
  const openStatus = !filters.statuses?.length || filters.statuses.some((st) => st === 'not_started' || st === 'in_progress' || st === 'blocked')
  const wantOverdue = openStatus && filters.overdue !== false && !(page.cursor && page.cursor.o === 1)
  const wantOthers = filters.overdue !== true
  const branches = [...(wantOverdue ? [branch(0)] : []), ...(wantOthers ? [branch(1)] : [])]
  if (branches.length === 0) return []
  const union = branches.length === 2 ? branches[0].unionAll(branches[1]) : branches[0]
  return q.selectFrom(union.as('page')).selectAll().orderBy('rank').orderBy('due_date').orderBy('id').limit(page.limit + 1).execute()
}

/** The member states and organisations of a workspace, for the board's filters (one statement). */
export async function boardOptions(q: Q, workspaceId: string) {
  const rows = await q
    .selectFrom('country')
    .select([sql<'country' | 'organisation'>`'country'`.as('kind'), 'code', 'name_es', 'name_pt', 'name_en', sql<string>`''`.as('name')])
    .where('workspace_id', '=', workspaceId)
    .unionAll(
      q
        .selectFrom('organisation')
        .select([sql<'country' | 'organisation'>`'organisation'`.as('kind'), 'code', sql<string>`''`.as('name_es'), sql<string>`''`.as('name_pt'), sql<string>`''`.as('name_en'), 'name'])
        .where('workspace_id', '=', workspaceId),
    )
    .orderBy('kind')
    .orderBy('code')
    .execute()
  return {
    countries: rows.filter((r) => r.kind === 'country').map((c) => ({ code: c.code.trim(), name_es: c.name_es, name_pt: c.name_pt, name_en: c.name_en })),
    organisations: rows.filter((r) => r.kind === 'organisation').map((o) => ({ code: o.code, name: o.name })),
  }
}
