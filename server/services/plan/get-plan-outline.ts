import { authorize, type Actor } from '#server/authz.ts'
import { db } from '#server/db.ts'
import { findCurrentPlan, listPlanNodesWithProgress } from '#server/repositories/plan.ts'
import type { TGetPlanTree, TPlanTree, TPlanTreeNode } from './get-plan-tree.ts'
import { nest, presentNode } from './nest.ts'

export interface TPlanOutlineNode extends Omit<TPlanTreeNode, 'children'> {
  /** Live tasks directly under the node (they are listed on the node's own page). */
  tasks: number
  children: TPlanOutlineNode[]
}

export interface TPlanOutline extends Omit<TPlanTree, 'nodes'> {
  nodes: TPlanOutlineNode[]
}

/**
 * The plan page: the current plan's objectives and action lines, each with
 * the progress of its whole subtree (tasks included) and the number of tasks
 * directly under it, but not the tasks themselves — the page stays the same
 * size however many tasks the plan holds. Any member may read it.
 */
export async function getPlanOutline(actor: Actor, input: TGetPlanTree, options: { asOf?: Date } = {}): Promise<TPlanOutline> {
  authorize(actor, 'read:workspace', input.workspaceId)
  const plan = await findCurrentPlan(db, input.workspaceId)
  if (!plan) return { planId: null, title: null, nodes: [] }
  const rows = await listPlanNodesWithProgress(db, plan, { asOf: options.asOf })
  const nodes = nest(rows, (row): TPlanOutlineNode => ({ ...presentNode(row), tasks: row.tasks, children: [] }))
  return { planId: plan.id, title: plan.title, nodes }
}
