import { sql, type Kysely, type Transaction } from 'kysely'
import type { AssigneeKind, AssignmentStatus, DB, LeadKind, Priority } from '#db/types.ts'
import { isOverdueSql } from './assignment-sql.ts'

/**
 * Queries of task assignment (task.assign, the period job) and of the task
 * page: the task with its lead, and all of its assignments side by side.
 */
type Q = Kysely<DB>

export interface TaskForAssign {
  id: string
  workspaceId: string
  code: string
  title: string
  archivedAt: Date | null
  leadKind: LeadKind
  leadCountryId: string | null
  leadOrganisationId: string | null
  startDate: string | null
  dueDate: string | null
  recurrenceMonths: number | null
  workspaceTimeZone: string
}

/**
 * The task, its plan node locked: two assignments of one task run one after
 * the other, and an archive or an edit waits for an assignment in progress
 * (and the reverse). Every writer locks the node first, so they cannot
 * deadlock.
 */
export async function findTaskForAssign(trx: Transaction<DB>, taskId: string): Promise<TaskForAssign | undefined> {
  return trx
    .selectFrom('task as t')
    .innerJoin('plan_node as n', 'n.id', 't.id')
    .innerJoin('workspace as w', 'w.id', 't.workspace_id')
    .select([
      't.id',
      't.workspace_id as workspaceId',
      'n.code',
      'n.title',
      'n.archived_at as archivedAt',
      't.lead_kind as leadKind',
      't.lead_country_id as leadCountryId',
      't.lead_organisation_id as leadOrganisationId',
      't.start_date as startDate',
      't.due_date as dueDate',
      't.recurrence_months as recurrenceMonths',
      'w.time_zone as workspaceTimeZone',
    ])
    .where('t.id', '=', taskId)
    .forUpdate('n')
    .executeTakeFirst()
}

export type AssigneeRow =
  | { kind: 'country'; countryId: string; organisationId: null }
  | { kind: 'secretariat'; countryId: null; organisationId: null }
  | { kind: 'organisation'; countryId: null; organisationId: string }

export interface ExistingAssignment {
  id: string
  assigneeKind: AssigneeKind
  countryId: string | null
  organisationId: string | null
  dueDate: string
  version: number
}

/** The task's assignments of one period ('' for a task that does not recur), locked. */
export async function assignmentsOfPeriodForUpdate(trx: Transaction<DB>, taskId: string, period: string): Promise<ExistingAssignment[]> {
  return trx
    .selectFrom('assignment')
    .select(['id', 'assignee_kind as assigneeKind', 'country_id as countryId', 'organisation_id as organisationId', 'due_date as dueDate', 'version'])
    .where('task_id', '=', taskId)
    .where('period', '=', period)
    .forUpdate()
    .execute()
}

/** Everyone the task has ever been assigned to (with a readable label): who gets the next period of a recurring task. */
export async function distinctAssignees(db: Q, taskId: string): Promise<{ assignee: AssigneeRow; label: string }[]> {
  const rows = await db
    .selectFrom('assignment as a')
    .leftJoin('country as c', 'c.id', 'a.country_id')
    .leftJoin('organisation as o', 'o.id', 'a.organisation_id')
    .select(['a.assignee_kind', 'a.country_id', 'a.organisation_id', 'c.code as country_code', 'o.code as organisation_code'])
    .distinct()
    .where('a.task_id', '=', taskId)
    .execute()
  return rows.map((r) =>
    r.assignee_kind === 'country'
      ? { assignee: { kind: 'country', countryId: r.country_id as string, organisationId: null }, label: r.country_code?.trim() ?? 'country' }
      : r.assignee_kind === 'organisation'
        ? { assignee: { kind: 'organisation', countryId: null, organisationId: r.organisation_id as string }, label: r.organisation_code ?? 'organisation' }
        : { assignee: { kind: 'secretariat', countryId: null, organisationId: null }, label: 'secretariat' },
  )
}

/** Inserts one assignment unless the task already has it for this assignee and period; undefined when it did. */
export async function insertAssignmentIfAbsent(
  trx: Transaction<DB>,
  row: { workspaceId: string; taskId: string; assignee: AssigneeRow; period: string; dueDate: string; actorId: string | null },
) {
  return trx
    .insertInto('assignment')
    .values({
      workspace_id: row.workspaceId,
      task_id: row.taskId,
      assignee_kind: row.assignee.kind,
      country_id: row.assignee.countryId,
      organisation_id: row.assignee.organisationId,
      period: row.period,
      due_date: row.dueDate,
      updated_by: row.actorId,
    })
    .onConflict((oc) => oc.doNothing())
    .returning(['id', 'version'])
    .executeTakeFirst()
}

export async function updateDueDate(trx: Transaction<DB>, id: string, dueDate: string, actorId: string) {
  return trx
    .updateTable('assignment')
    .set({ due_date: dueDate, version: sql<number>`version + 1`, updated_at: sql<Date>`now()`, updated_by: actorId })
    .where('id', '=', id)
    .returning(['id', 'version'])
    .executeTakeFirstOrThrow()
}

export interface TaskAssignmentItem {
  id: string
  taskId: string
  taskCode: string
  taskTitle: string
  assigneeKind: AssigneeKind
  countryCode: string | null
  countryNames: { es: string; pt: string; en: string } | null
  organisationCode: string | null
  organisationName: string | null
  period: string
  status: AssignmentStatus
  dueDate: string
  overdue: boolean
  version: number
  updatedAt: string
  updatedByName: string | null
}

/** A task's assignments with their assignee and whether each is overdue (in the assignee's time zone). */
export async function listTaskAssignments(db: Q, taskId: string, opts: { ids?: string[]; asOf?: Date } = {}): Promise<TaskAssignmentItem[]> {
  if (opts.ids && !opts.ids.length) return []
  let query = db
    .selectFrom('assignment as a')
    .innerJoin('plan_node as n', 'n.id', 'a.task_id')
    .leftJoin('country as c', 'c.id', 'a.country_id')
    .leftJoin('organisation as o', 'o.id', 'a.organisation_id')
    .leftJoin('app_user as u', 'u.id', 'a.updated_by')
    .select([
      'a.id',
      'a.task_id',
      'n.code as task_code',
      'n.title as task_title',
      'a.assignee_kind',
      'c.code as country_code',
      'c.name_es',
      'c.name_pt',
      'c.name_en',
      'o.code as organisation_code',
      'o.name as organisation_name',
      'a.period',
      'a.status',
      'a.due_date',
      isOverdueSql(opts.asOf, 'a').as('overdue'),
      'a.version',
      'a.updated_at',
      sql<string | null>`coalesce(nullif(u.name, ''), u.email)`.as('updated_by_name'),
    ])
    .where('a.task_id', '=', taskId)
  if (opts.ids) query = query.where('a.id', 'in', opts.ids)
  const rows = await query
    .orderBy('a.period', 'desc')
    .orderBy(sql`CASE a.assignee_kind WHEN 'country' THEN 0 WHEN 'organisation' THEN 1 ELSE 2 END`)
    .orderBy('c.code')
    .orderBy('o.code')
    .execute()
  return rows.map((r) => ({
    id: r.id,
    taskId: r.task_id,
    taskCode: r.task_code,
    taskTitle: r.task_title,
    assigneeKind: r.assignee_kind,
    countryCode: r.country_code?.trim() ?? null,
    countryNames: r.name_es && r.name_pt && r.name_en ? { es: r.name_es, pt: r.name_pt, en: r.name_en } : null,
    organisationCode: r.organisation_code,
    organisationName: r.organisation_name,
    period: r.period,
    status: r.status,
    dueDate: r.due_date,
    overdue: r.overdue,
    version: r.version,
    updatedAt: r.updated_at.toISOString(),
    updatedByName: r.updated_by_name,
  }))
}

export interface TaskDetailRow {
  id: string
  workspaceId: string
  planId: string
  code: string
  title: string
  archivedAt: Date | null
  version: number
  updatedAt: Date
  description: string
  leadKind: LeadKind
  leadCountryCode: string | null
  leadCountryNames: { es: string; pt: string; en: string } | null
  leadOrganisationCode: string | null
  leadOrganisationName: string | null
  startDate: string | null
  dueDate: string | null
  priority: Priority
  recurrenceMonths: number | null
  partners: { code: string; name: string }[]
}

export async function findTaskDetail(db: Q, taskId: string): Promise<TaskDetailRow | undefined> {
  const r = await db
    .selectFrom('task as t')
    .innerJoin('plan_node as n', 'n.id', 't.id')
    .leftJoin('country as c', 'c.id', 't.lead_country_id')
    .leftJoin('organisation as o', 'o.id', 't.lead_organisation_id')
    .select([
      't.id',
      't.workspace_id',
      'n.plan_id',
      'n.code',
      'n.title',
      'n.archived_at',
      'n.version',
      'n.updated_at',
      't.description',
      't.lead_kind',
      'c.code as lead_country_code',
      'c.name_es',
      'c.name_pt',
      'c.name_en',
      'o.code as lead_organisation_code',
      'o.name as lead_organisation_name',
      't.start_date',
      't.due_date',
      't.priority',
      't.recurrence_months',
      sql<{ code: string; name: string }[]>`coalesce((
        SELECT json_agg(json_build_object('code', po.code, 'name', po.name) ORDER BY po.code)
        FROM task_partner tp JOIN organisation po ON po.id = tp.organisation_id WHERE tp.task_id = t.id
      ), '[]'::json)`.as('partners'),
    ])
    .where('t.id', '=', taskId)
    .executeTakeFirst()
  if (!r) return undefined
  return {
    id: r.id,
    workspaceId: r.workspace_id,
    planId: r.plan_id,
    code: r.code,
    title: r.title,
    archivedAt: r.archived_at,
    version: r.version,
    updatedAt: r.updated_at,
    description: r.description,
    leadKind: r.lead_kind,
    leadCountryCode: r.lead_country_code?.trim() ?? null,
    leadCountryNames: r.name_es && r.name_pt && r.name_en ? { es: r.name_es, pt: r.name_pt, en: r.name_en } : null,
    leadOrganisationCode: r.lead_organisation_code,
    leadOrganisationName: r.lead_organisation_name,
    startDate: r.start_date,
    dueDate: r.due_date,
    priority: r.priority,
    recurrenceMonths: r.recurrence_months,
    partners: r.partners,
  }
}
