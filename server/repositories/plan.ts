import { sql, type Kysely } from 'kysely'
import type { DB, NodeKind } from '#db/types.ts'
import { isOverdueSql } from './assignment-sql.ts'

export interface CurrentPlan {
  id: string
  workspaceId: string
  title: string
  versionLabel: string
}

export async function findCurrentPlan(db: Kysely<DB>, workspaceId: string): Promise<CurrentPlan | undefined> {
  const row = await db
    .selectFrom('plan')
    .select(['id', 'workspace_id', 'title', 'version_label'])
    .where('workspace_id', '=', workspaceId)
    .where('is_current', '=', true)
    .executeTakeFirst()
  return row && { id: row.id, workspaceId: row.workspace_id, title: row.title, versionLabel: row.version_label }
}

export interface PlanNodeWithProgress {
  id: string
  parentId: string | null
  kind: NodeKind
  code: string
  title: string
  position: number
  /** Live tasks directly under the node. */
  tasks: number
  total: number
  completed: number
  overdue: number
}

/**
 * The assignments of a workspace overdue at `asOf`, counted per task. Only
 * the rows that can be overdue are read (isOverdueSql's status and due-date
 * range, through the (workspace_id, status, due_date) index), not every
 * assignment.
 */
function overdueByTask(workspaceId: string, asOf: Date | undefined) {
  return sql`SELECT a.task_id, count(*) AS overdue FROM assignment AS a
    WHERE a.workspace_id = ${workspaceId} AND ${isOverdueSql(asOf, 'a')}
    GROUP BY a.task_id`
}

/**
 * The live nodes of a plan with the progress of each one's whole subtree, in
 * one statement: every node (`withTasks`, plan.tree) or only the objectives
 * and action lines (the plan page, whose size then does not grow with the
 * number of tasks). Archived nodes, and everything under them, are left out.
 * total counts assignments except not_applicable ones; completed those
 * completed; overdue those whose due date has passed in the assignee's time
 * zone and are still open (isOverdueSql).
 *
 * total and completed come from task_progress (one row per task, kept by
 * triggers on assignment: migration 20261204_230000); overdue depends on the
 * clock, so it is counted live over the candidate rows (overdueByTask). Each
 * task's counts are then added to every node on its path from the root:
 * tasks × depth rows, never assignments.
 */
export async function listPlanNodesWithProgress(
  db: Kysely<DB>,
  plan: Pick<CurrentPlan, 'id' | 'workspaceId'>,
  options: { asOf?: Date; withTasks?: boolean } = {},
): Promise<PlanNodeWithProgress[]> {
  const result = await sql<PlanNodeWithProgress>`
    WITH RECURSIVE tree(id, parent_id, kind, path) AS (
      SELECT id, parent_id, kind, ARRAY[id] FROM plan_node
      WHERE plan_id = ${plan.id} AND parent_id IS NULL AND archived_at IS NULL
      UNION ALL
      SELECT child.id, child.parent_id, child.kind, tree.path || child.id
      FROM plan_node AS child JOIN tree ON child.parent_id = tree.id
      WHERE child.plan_id = ${plan.id} AND child.archived_at IS NULL
    ),
    overdue AS (${overdueByTask(plan.workspaceId, options.asOf)}),
    rollup AS (
      SELECT unnest(t.path) AS id, sum(p.total) AS total, sum(p.completed) AS completed, sum(o.overdue) AS overdue
      FROM tree AS t JOIN task_progress AS p ON p.task_id = t.id LEFT JOIN overdue AS o ON o.task_id = t.id
      GROUP BY 1
    ),
    task_counts AS (
      SELECT parent_id AS id, count(*) AS tasks FROM tree WHERE kind = 'task' GROUP BY parent_id
    )
    SELECT n.id, n.parent_id AS "parentId", n.kind, n.code, n.title, n.position,
      coalesce(c.tasks, 0)::int AS tasks,
      coalesce(r.total, 0)::int AS total,
      coalesce(r.completed, 0)::int AS completed,
      coalesce(r.overdue, 0)::int AS overdue
    FROM tree
    JOIN plan_node AS n ON n.id = tree.id
    LEFT JOIN rollup AS r ON r.id = tree.id
    LEFT JOIN task_counts AS c ON c.id = tree.id
    ${options.withTasks ? sql`` : sql`WHERE tree.kind <> 'task'`}
    ORDER BY n.position, n.created_at
  `.execute(db)
  return result.rows
}

export interface PlanNodeDetail {
  /** The node and its ancestors, root first; the node itself is last. */
  path: { id: string; kind: NodeKind; code: string; title: string }[]
  progress: { total: number; completed: number; overdue: number }
  /** The node's live children, in order, each with its subtree's progress. */
  children: PlanNodeWithProgress[]
}

/**
 * One live node of a plan with its ancestors and its children, each child with
 * the progress of its subtree, in one statement — the page of an action line
 * lists its tasks without reading the rest of the plan. Undefined when the node
 * is not in the plan, or it or an ancestor is archived. total and completed
 * come from task_progress; overdue is counted per task of the subtree (by
 * task_id, so an action line's page reads its own tasks' rows, not every
 * overdue candidate of the workspace).
 */
export async function findPlanNodeWithChildren(
  db: Kysely<DB>,
  plan: Pick<CurrentPlan, 'id' | 'workspaceId'>,
  nodeId: string,
  options: { asOf?: Date } = {},
): Promise<PlanNodeDetail | undefined> {
  const result = await sql<PlanNodeWithProgress & { role: 'path' | 'self' | 'child'; archived: boolean }>`
    WITH RECURSIVE up(id, parent_id, depth) AS (
      SELECT id, parent_id, 0 FROM plan_node WHERE id = ${nodeId} AND plan_id = ${plan.id}
      UNION ALL
      SELECT p.id, p.parent_id, up.depth + 1 FROM plan_node AS p JOIN up ON p.id = up.parent_id
    ),
    down(id, kind, parent_id, top) AS (
      SELECT id, kind, parent_id, id FROM plan_node
      WHERE plan_id = ${plan.id} AND parent_id = ${nodeId} AND archived_at IS NULL
      UNION ALL
      SELECT child.id, child.kind, child.parent_id, down.top
      FROM plan_node AS child JOIN down ON child.parent_id = down.id
      WHERE child.plan_id = ${plan.id} AND child.archived_at IS NULL
    ),
    progress AS (
      SELECT down.top, sum(p.total) AS total, sum(p.completed) AS completed, sum(o.overdue) AS overdue
      FROM down JOIN task_progress AS p ON p.task_id = down.id
      CROSS JOIN LATERAL (
        SELECT count(*) AS overdue FROM assignment AS a
        WHERE a.task_id = down.id AND a.workspace_id = ${plan.workspaceId} AND ${isOverdueSql(options.asOf, 'a')}
      ) AS o
      GROUP BY down.top
    ),
    task_counts AS (
      SELECT parent_id AS id, count(*) AS tasks FROM down WHERE kind = 'task' GROUP BY parent_id
    )
    SELECT 'path' AS role, n.id, n.parent_id AS "parentId", n.kind, n.code, n.title, -up.depth AS position, n.archived_at IS NOT NULL AS archived,
      0 AS tasks, 0 AS total, 0 AS completed, 0 AS overdue
    FROM up JOIN plan_node AS n ON n.id = up.id
    UNION ALL
    SELECT 'self', NULL, NULL, NULL, NULL, NULL, 0, false, 0,
      coalesce(sum(total), 0)::int, coalesce(sum(completed), 0)::int, coalesce(sum(overdue), 0)::int
    FROM progress
    UNION ALL
    SELECT 'child', n.id, n.parent_id, n.kind, n.code, n.title, n.position, false,
      coalesce(c.tasks, 0)::int, coalesce(p.total, 0)::int, coalesce(p.completed, 0)::int, coalesce(p.overdue, 0)::int
    FROM plan_node AS n
    LEFT JOIN progress AS p ON p.top = n.id
    LEFT JOIN task_counts AS c ON c.id = n.id
    WHERE n.plan_id = ${plan.id} AND n.parent_id = ${nodeId} AND n.archived_at IS NULL
    ORDER BY 1, 7, 5
  `.execute(db)
  const path = result.rows.filter((r) => r.role === 'path')
  if (path.length === 0 || path.some((r) => r.archived)) return undefined
  const self = result.rows.find((r) => r.role === 'self')
  return {
    path: path.map((r) => ({ id: r.id, kind: r.kind, code: r.code, title: r.title })),
    progress: { total: self?.total ?? 0, completed: self?.completed ?? 0, overdue: self?.overdue ?? 0 },
    children: result.rows.filter((r) => r.role === 'child').map(({ role: _role, archived: _archived, ...node }) => node),
  }
}
