import { z } from 'zod'
import type { NodeKind } from '#db/types.ts'
import { authorize, type Actor } from '#server/authz.ts'
import { db } from '#server/db.ts'
import { findCurrentPlan, listPlanNodesWithProgress } from '#server/repositories/plan.ts'
import { nest, presentNode } from './nest.ts'

export const ZGetPlanTree = z.object({ workspaceId: z.uuid({ message: 'must be a workspace id (UUID)' }) })
export type TGetPlanTree = z.infer<typeof ZGetPlanTree>

export interface TPlanProgress {
  total: number
  completed: number
  overdue: number
}

export interface TPlanTreeNode {
  id: string
  kind: NodeKind
  code: string
  title: string
  progress: TPlanProgress
  children: TPlanTreeNode[]
}

export interface TPlanTree {
  /** null when the workspace has no plan yet. */
  planId: string | null
  title: string | null
  nodes: TPlanTreeNode[]
}

/**
 * The workspace's current plan as a tree, each node with the progress of
 * its subtree. Any member may read it; to anyone else the workspace does
 * not exist (NOT_FOUND).
 */
export async function getPlanTree(actor: Actor, input: TGetPlanTree, options: { asOf?: Date } = {}): Promise<TPlanTree> {
  authorize(actor, 'read:workspace', input.workspaceId)
  const plan = await findCurrentPlan(db, input.workspaceId)
  if (!plan) return { planId: null, title: null, nodes: [] }
  const rows = await listPlanNodesWithProgress(db, plan, { asOf: options.asOf, withTasks: true })
  return { planId: plan.id, title: plan.title, nodes: nest(rows, presentNode) }
}
