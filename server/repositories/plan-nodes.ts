import { sql, type Kysely } from 'kysely'
import type { DB, LeadKind, NodeKind, Priority } from '#db/types.ts'

/**
 * Plan editing queries: single nodes with their task fields, sibling order,
 * the renumbering of codes, archiving subtrees. (The plan tree read model
 * lives in plan.ts; these are the write-side queries of plan editing.)
 */
type Q = Kysely<DB>

export const NODE_KINDS: readonly NodeKind[] = ['general_objective', 'specific_objective', 'action_line', 'task']

/** The kind a child of `parentKind` must have: kind follows depth. Null: tasks have no children. */
export function childKind(parentKind: NodeKind | null): NodeKind | null {
  if (parentKind === null) return 'general_objective'
  const index = NODE_KINDS.indexOf(parentKind)
  return NODE_KINDS[index + 1] ?? null
}

export interface PlanNodeRow {
  id: string
  workspaceId: string
  planId: string
  parentId: string | null
  kind: NodeKind
  position: number
  code: string
  title: string
  archivedAt: Date | null
  version: number
  updatedAt: Date
  updatedBy: string | null
  updatedByName: string | null
}

export interface TaskFieldsRow {
  description: string
  leadKind: LeadKind
  leadCountryId: string | null
  leadCountryCode: string | null
  leadOrganisationId: string | null
  leadOrganisationCode: string | null
  startDate: string | null
  dueDate: string | null
  priority: Priority
  recurrenceMonths: number | null
  partnerCodes: string[]
}

export async function findNode(db: Q, id: string, opts: { forUpdate?: boolean } = {}): Promise<PlanNodeRow | undefined> {
  let query = db
    .selectFrom('plan_node as n')
    .leftJoin('app_user as u', 'u.id', 'n.updated_by')
    .select([
      'n.id',
      'n.workspace_id as workspaceId',
      'n.plan_id as planId',
      'n.parent_id as parentId',
      'n.kind',
      'n.position',
      'n.code',
      'n.title',
      'n.archived_at as archivedAt',
      'n.version',
      'n.updated_at as updatedAt',
      'n.updated_by as updatedBy',
      sql<string | null>`coalesce(nullif(u.name, ''), u.email)`.as('updatedByName'),
    ])
    .where('n.id', '=', id)
  if (opts.forUpdate) query = query.forUpdate('n')
  return query.executeTakeFirst()
}

export async function findTaskFields(db: Q, taskId: string): Promise<TaskFieldsRow | undefined> {
  const row = await db
    .selectFrom('task as t')
    .leftJoin('country as c', 'c.id', 't.lead_country_id')
    .leftJoin('organisation as o', 'o.id', 't.lead_organisation_id')
    .select([
      't.description',
      't.lead_kind as leadKind',
      't.lead_country_id as leadCountryId',
      'c.code as leadCountryCode',
      't.lead_organisation_id as leadOrganisationId',
      'o.code as leadOrganisationCode',
      't.start_date as startDate',
      't.due_date as dueDate',
      't.priority',
      't.recurrence_months as recurrenceMonths',
      sql<string[]>`coalesce((
        SELECT array_agg(po.code ORDER BY po.code) FROM task_partner tp JOIN organisation po ON po.id = tp.organisation_id WHERE tp.task_id = t.id
      ), '{}')`.as('partnerCodes'),
    ])
    .where('t.id', '=', taskId)
    .executeTakeFirst()
  if (!row) return undefined
  return { ...row, leadCountryCode: row.leadCountryCode?.trim() ?? null }
}

/** Serialises structural edits of one plan (renumbering reads and rewrites whole sibling lists). */
export async function lockPlan(db: Q, planId: string) {
  await db.selectFrom('plan').select('id').where('id', '=', planId).forUpdate().executeTakeFirst()
}

export async function createPlan(db: Q, workspaceId: string, title: string) {
  return db.insertInto('plan').values({ workspace_id: workspaceId, title }).returning(['id', 'title']).executeTakeFirstOrThrow()
}

/** Active (not archived) children of a parent, in order; parentId null = top level of the plan. */
export async function activeSiblingIds(db: Q, planId: string, parentId: string | null): Promise<string[]> {
  const rows = await db
    .selectFrom('plan_node')
    .select('id')
    .where('plan_id', '=', planId)
    .where((eb) => (parentId === null ? eb('parent_id', 'is', null) : eb('parent_id', '=', parentId)))
    .where('archived_at', 'is', null)
    .orderBy('position')
    .orderBy('created_at')
    .orderBy('id')
    .execute()
  return rows.map((r) => r.id)
}

export async function insertNode(
  db: Q,
  values: { workspaceId: string; planId: string; parentId: string | null; kind: NodeKind; title: string; position: number; code: string; actorId: string },
) {
  return db
    .insertInto('plan_node')
    .values({
      workspace_id: values.workspaceId,
      plan_id: values.planId,
      parent_id: values.parentId,
      kind: values.kind,
      title: values.title,
      position: values.position,
      code: values.code,
      updated_by: values.actorId,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
}

export interface TaskColumns {
  description: string
  leadKind: LeadKind
  leadCountryId: string | null
  leadOrganisationId: string | null
  startDate: string | null
  dueDate: string | null
  priority: Priority
  recurrenceMonths: number | null
}

export async function insertTask(db: Q, id: string, workspaceId: string, t: TaskColumns) {
  await db
    .insertInto('task')
    .values({
      id,
      workspace_id: workspaceId,
      description: t.description,
      lead_kind: t.leadKind,
      lead_country_id: t.leadCountryId,
      lead_organisation_id: t.leadOrganisationId,
      start_date: t.startDate,
      due_date: t.dueDate,
      priority: t.priority,
      recurrence_months: t.recurrenceMonths,
    })
    .execute()
}

export async function updateTask(db: Q, id: string, t: TaskColumns) {
  await db
    .updateTable('task')
    .set({
      description: t.description,
      lead_kind: t.leadKind,
      lead_country_id: t.leadCountryId,
      lead_organisation_id: t.leadOrganisationId,
      start_date: t.startDate,
      due_date: t.dueDate,
      priority: t.priority,
      recurrence_months: t.recurrenceMonths,
    })
    .where('id', '=', id)
    .execute()
}

export async function replacePartners(db: Q, taskId: string, organisationIds: string[]) {
  await db.deleteFrom('task_partner').where('task_id', '=', taskId).execute()
  if (organisationIds.length) {
    await db
      .insertInto('task_partner')
      .values(organisationIds.map((organisation_id) => ({ task_id: taskId, organisation_id })))
      .execute()
  }
}

/** Bumps the node's version if it is still `version`; undefined when someone else changed it first. */
export async function touchNodeIfVersion(db: Q, id: string, version: number, actorId: string, title?: string) {
  return db
    .updateTable('plan_node')
    .set((eb) => ({
      ...(title === undefined ? {} : { title }),
      version: eb('version', '+', 1),
      updated_at: sql<Date>`now()`,
      updated_by: actorId,
    }))
    .where('id', '=', id)
    .where('version', '=', version)
    .returning(['id', 'version', 'updated_at as updatedAt'])
    .executeTakeFirst()
}

export async function touchNode(db: Q, id: string, actorId: string) {
  await db
    .updateTable('plan_node')
    .set((eb) => ({ version: eb('version', '+', 1), updated_at: sql<Date>`now()`, updated_by: actorId }))
    .where('id', '=', id)
    .execute()
}

/** Writes positions 1..n in the given order. */
export async function setSiblingOrder(db: Q, orderedIds: string[]) {
  if (!orderedIds.length) return
  await sql`
    UPDATE plan_node n SET position = x.ord
    FROM unnest(${orderedIds}::uuid[]) WITH ORDINALITY AS x(id, ord)
    WHERE n.id = x.id AND n.position <> x.ord`.execute(db)
}

export interface CodeChange {
  id: string
  beforeCode: string
  afterCode: string
}

/**
 * Renumbers the whole plan in one statement: active siblings get positions
 * 1..n (in their current order) and codes from the path of positions
 * (1, 1.2, 1.2.3, 1.2.3.4); archived siblings are ordered after them and keep
 * the code they had when archived, so active codes stay contiguous and an
 * archived item still shows the code it was known by. Returns the codes that
 * changed. Callers hold the plan lock (lockPlan).
 */
export async function renumberPlan(db: Q, planId: string): Promise<CodeChange[]> {
  const result = await sql<CodeChange>`
    WITH RECURSIVE ordered AS (
      SELECT id, parent_id, archived_at IS NOT NULL AS archived,
             row_number() OVER (PARTITION BY parent_id ORDER BY archived_at IS NOT NULL, position, created_at, id)::int AS pos
      FROM plan_node WHERE plan_id = ${planId}
    ),
    tree AS (
      SELECT o.id, o.pos::text AS code FROM ordered o WHERE o.parent_id IS NULL AND NOT o.archived
      UNION ALL
      SELECT o.id, t.code || '.' || o.pos FROM ordered o JOIN tree t ON o.parent_id = t.id WHERE NOT o.archived
    ),
    numbered AS (
      SELECT o.id, o.pos, t.code FROM ordered o LEFT JOIN tree t ON t.id = o.id
    )
    UPDATE plan_node n
       SET position = nb.pos, code = coalesce(nb.code, n.code)
      FROM numbered nb JOIN plan_node old ON old.id = nb.id
     WHERE n.id = nb.id AND (n.position <> nb.pos OR n.code <> coalesce(nb.code, n.code))
    RETURNING n.id, old.code AS "beforeCode", n.code AS "afterCode"`.execute(db)
  return result.rows.filter((r) => r.beforeCode !== r.afterCode)
}

/** Archives a node and its active descendants with one timestamp, so restoring brings back exactly those. */
export async function archiveSubtree(db: Q, id: string, actorId: string) {
  const result = await sql<{ id: string; archivedAt: Date }>`
    WITH RECURSIVE sub AS (
      SELECT id FROM plan_node WHERE id = ${id}
      UNION ALL
      SELECT c.id FROM plan_node c JOIN sub ON c.parent_id = sub.id WHERE c.archived_at IS NULL
    )
    UPDATE plan_node n SET archived_at = now(), updated_at = now(), updated_by = ${actorId}, version = n.version + 1
      FROM sub WHERE n.id = sub.id AND n.archived_at IS NULL
    RETURNING n.id, n.archived_at AS "archivedAt"`.execute(db)
  return result.rows
}

/**
 * Restores a node and the descendants archived together with it (same
 * archived_at, compared in SQL: a JS Date would lose the microseconds).
 */
export async function restoreSubtree(db: Q, id: string, actorId: string) {
  const result = await sql<{ id: string }>`
    WITH RECURSIVE root AS (
      SELECT id, archived_at FROM plan_node WHERE id = ${id} AND archived_at IS NOT NULL
    ),
    sub AS (
      SELECT id FROM root
      UNION ALL
      SELECT c.id FROM plan_node c JOIN sub ON c.parent_id = sub.id WHERE c.archived_at = (SELECT archived_at FROM root)
    )
    UPDATE plan_node n SET archived_at = NULL, updated_at = now(), updated_by = ${actorId}, version = n.version + 1
      FROM sub WHERE n.id = sub.id AND n.archived_at = (SELECT archived_at FROM root)
    RETURNING n.id`.execute(db)
  return result.rows
}

export interface AncestorRow {
  id: string
  kind: NodeKind
  code: string
  title: string
  archivedAt: Date | null
}

/** The path from the top of the plan down to the node itself. */
export async function pathTo(db: Q, id: string): Promise<AncestorRow[]> {
  const result = await sql<AncestorRow & { depth: number }>`
    WITH RECURSIVE up AS (
      SELECT id, parent_id, kind, code, title, archived_at, 0 AS depth FROM plan_node WHERE id = ${id}
      UNION ALL
      SELECT p.id, p.parent_id, p.kind, p.code, p.title, p.archived_at, up.depth + 1 FROM plan_node p JOIN up ON p.id = up.parent_id
    )
    SELECT id, kind, code, title, archived_at AS "archivedAt", depth FROM up ORDER BY depth DESC`.execute(db)
  return result.rows.map(({ depth: _depth, ...row }) => row)
}

export interface EditableNode {
  id: string
  parentId: string | null
  kind: NodeKind
  position: number
  code: string
  title: string
  archivedAt: Date | null
  version: number
}

/** Every node of a plan, archived ones included, for the plan editor. */
export async function listPlanNodes(db: Q, planId: string): Promise<EditableNode[]> {
  return db
    .selectFrom('plan_node')
    .select(['id', 'parent_id as parentId', 'kind', 'position', 'code', 'title', 'archived_at as archivedAt', 'version'])
    .where('plan_id', '=', planId)
    .orderBy(sql`archived_at IS NOT NULL`)
    .orderBy('position')
    .orderBy('created_at')
    .execute()
}

export async function countriesByCode(db: Q, workspaceId: string, codes: string[]) {
  if (!codes.length) return []
  const rows = await db
    .selectFrom('country')
    .select(['id', 'code', 'time_zone as timeZone'])
    .where('workspace_id', '=', workspaceId)
    .where('code', 'in', codes)
    .execute()
  return rows.map((r) => ({ ...r, code: r.code.trim() }))
}

export async function organisationsByCode(db: Q, workspaceId: string, codes: string[]) {
  if (!codes.length) return []
  return db.selectFrom('organisation').select(['id', 'code']).where('workspace_id', '=', workspaceId).where('code', 'in', codes).execute()
}

export async function listCountries(db: Q, workspaceId: string) {
  const rows = await db
    .selectFrom('country')
    .select(['id', 'code', 'name_es', 'name_pt', 'name_en'])
    .where('workspace_id', '=', workspaceId)
    .orderBy('code')
    .execute()
  return rows.map((r) => ({ ...r, code: r.code.trim() }))
}

export async function listOrganisations(db: Q, workspaceId: string) {
  return db.selectFrom('organisation').select(['id', 'code', 'name']).where('workspace_id', '=', workspaceId).orderBy('code').execute()
}
