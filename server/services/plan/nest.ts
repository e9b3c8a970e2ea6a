import type { PlanNodeWithProgress } from '#server/repositories/plan.ts'

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
