import type { PlanNodeWithProgress } from '#server/repositories/plan.ts'
import type { TPlanTreeNode } from './get-plan-tree.ts'

/** A row as plan.tree presents a node (API.md): `{ id, kind, code, title, progress, children }`, children still empty. */
export function presentNode(row: PlanNodeWithProgress): TPlanTreeNode {
  return {
    id: row.id,
    kind: row.kind,
    code: row.code,
    title: row.title,
    progress: { total: row.total, completed: row.completed, overdue: row.overdue },
    children: [],
  }
}

/**
 * Nests the flat rows of listPlanNodesWithProgress into a tree. Rows come
 * ordered by position, so children keep their order; a row whose parent is
 * not among the rows (an archived branch) is dropped.
 */
export function nest<T extends { children: T[] }>(rows: PlanNodeWithProgress[], make: (row: PlanNodeWithProgress) => T): T[] {
  const byId = new Map<string, T>()
  for (const row of rows) byId.set(row.id, make(row))
  const roots: T[] = []
  for (const row of rows) {
    const node = byId.get(row.id) as T
    const parent = row.parentId ? byId.get(row.parentId) : undefined
    if (parent) parent.children.push(node)
    else if (!row.parentId) roots.push(node)
  }
  return roots
}
