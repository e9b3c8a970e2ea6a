import { sql, type Kysely } from 'kysely'
import type { DB, NodeKind } from '#db/types.ts'
import { isOverdueSql } from './assignment-sql.ts'

export interface CurrentPlan {
  id: string
  title: string
  versionLabel: string
}

export async function findCurrentPlan(db: Kysely<DB>, workspaceId: string): Promise<CurrentPlan | undefined> {
  const row = await db
    .selectFrom('plan')
    .select(['id', 'title', 'version_label'])
    .where('workspace_id', '=', workspaceId)
    .where('is_current', '=', true)
    .executeTakeFirst()
  return row && { id: row.id, title: row.title, versionLabel: row.version_label }
}

export interface PlanNodeWithProgress {
  id: string
  parentId: string | null
  kind: NodeKind
  code: string
  title: string
  position: number
  total: number
  completed: number
  overdue: number
}

/**
 * Every live node of a plan with the progress of its whole subtree, in one
 * statement. Archived nodes, and everything under them, are left out.
 * total counts assignments except not_applicable ones; completed those
 * completed; overdue those whose due date has passed in the assignee's time
 * zone and are still open (isOverdueSql).
 */
export async function listPlanNodesWithProgress(db: Kysely<DB>, planId: string, asOf?: Date): Promise<PlanNodeWithProgress[]> {
  const rows = await db
    .withRecursive('tree(id, parent_id)', (qb) =>
      qb
        .selectFrom('plan_node')
        .select(['id', 'parent_id'])
        .where('plan_id', '=', planId)
        .where('parent_id', 'is', null)
        .where('archived_at', 'is', null)
        .unionAll((u) =>
          u
            .selectFrom('plan_node as child')
            .innerJoin('tree', 'tree.id', 'child.parent_id')
            .select(['child.id', 'child.parent_id'])
            .where('child.archived_at', 'is', null),
        ),
    )
    // Every (node, node in its subtree) pair, the node itself included.
    .withRecursive('subtree(ancestor_id, descendant_id)', (qb) =>
      qb
        .selectFrom('tree')
        .select(['tree.id as ancestor_id', 'tree.id as descendant_id'])
        .unionAll((u) =>
          u
            .selectFrom('subtree')
            .innerJoin('tree', 'tree.parent_id', 'subtree.descendant_id')
            .select(['subtree.ancestor_id', 'tree.id as descendant_id']),
        ),
    )
    .with('task_progress', (qb) =>
      qb
        .selectFrom('assignment as a')
        .innerJoin('tree', 'tree.id', 'a.task_id')
        .select((eb) => [
          'a.task_id',
          eb.fn.countAll<number>().filterWhere('a.status', '<>', 'not_applicable').as('total'),
          eb.fn.countAll<number>().filterWhere('a.status', '=', 'completed').as('completed'),
          eb.fn.countAll<number>().filterWhere(isOverdueSql(asOf, 'a')).as('overdue'),
        ])
        .groupBy('a.task_id'),
    )
    .selectFrom('tree')
    .innerJoin('plan_node as n', 'n.id', 'tree.id')
    .innerJoin('subtree', 'subtree.ancestor_id', 'tree.id')
    .leftJoin('task_progress as p', 'p.task_id', 'subtree.descendant_id')
    .select([
      'n.id',
      'n.parent_id',
      'n.kind',
      'n.code',
      'n.title',
      'n.position',
      sql<number>`coalesce(sum(p.total), 0)::int`.as('total'),
      sql<number>`coalesce(sum(p.completed), 0)::int`.as('completed'),
      sql<number>`coalesce(sum(p.overdue), 0)::int`.as('overdue'),
    ])
    .groupBy(['n.id', 'n.parent_id', 'n.kind', 'n.code', 'n.title', 'n.position'])
    .orderBy('n.position')
    .orderBy('n.created_at')
    .execute()
  return rows.map((r) => ({
    id: r.id,
    parentId: r.parent_id,
    kind: r.kind,
    code: r.code,
    title: r.title,
    position: r.position,
    total: r.total,
    completed: r.completed,
    overdue: r.overdue,
  }))
}
