import { z } from 'zod'
import type { NodeKind } from '#db/types.ts'
import { authorize, type Actor } from '#server/authz.ts'
import { db } from '#server/db.ts'
import { AppError } from '#server/errors.ts'
import { findCurrentPlan, findPlanNodeWithChildren } from '#server/repositories/plan.ts'
import type { TPlanProgress } from './get-plan-tree.ts'
import { presentNode } from './nest.ts'

export const ZGetPlanNode = z.object({
  workspaceId: z.uuid({ message: 'must be a workspace id (UUID)' }),
  nodeId: z.uuid({ message: 'must be a plan item id (UUID)' }),
})
export type TGetPlanNode = z.infer<typeof ZGetPlanNode>

export interface TPlanNodeChild {
  id: string
  kind: NodeKind
  code: string
  title: string
  progress: TPlanProgress
  /** Live tasks directly under the child. */
  tasks: number
}

export interface TPlanNodePage {
  planTitle: string
  /** The item and its ancestors, root first; the item is last. */
  path: { id: string; kind: NodeKind; code: string; title: string }[]
  progress: TPlanProgress
  children: TPlanNodeChild[]
}

/**
 * One objective or action line of the current plan with its ancestors and its
 * children (an action line's tasks), each with the progress of its subtree.
 * NOT_FOUND for a task (it has its own page), for an item of another
 * workspace or of an older plan, and for an archived item or one under an
 * archived item. Any member may read it.
 */
export async function getPlanNode(actor: Actor, input: TGetPlanNode, options: { asOf?: Date } = {}): Promise<TPlanNodePage> {
  authorize(actor, 'read:workspace', input.workspaceId)
  const plan = await findCurrentPlan(db, input.workspaceId)
  const node = plan ? await findPlanNodeWithChildren(db, plan, input.nodeId, options) : undefined
  const self = node?.path.at(-1)
  if (!plan || !node || !self || self.kind === 'task') throw new AppError('NOT_FOUND', 'No such item in the plan', { i18n: { key: 'errors.notFound' } })
  return {
    planTitle: plan.title,
    path: node.path,
    progress: node.progress,
    children: node.children.map((c) => {
      const { children: _children, ...child } = presentNode(c)
      return { ...child, tasks: c.tasks }
    }),
  }
}
