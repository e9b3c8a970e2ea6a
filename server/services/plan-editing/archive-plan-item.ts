import { db } from '#server/db.ts'
import { authorize, type Actor } from '#server/authz.ts'
import { archiveSubtree, renumberPlan } from '#server/repositories/plan-nodes.ts'
import { loadPlanItem, lockAndReload, recordPlanActivity, requireNode, type PlanItem } from './plan-item.ts'
import type { TPlanItemRef } from './schemas.ts'

/**
 * Archives an item with everything under it. Nothing is deleted: tasks keep
 * their assignments, history and comments, and the activity log keeps its
 * rows. Archived items leave the numbering — their active siblings are
 * renumbered so codes stay contiguous — and keep the code they had, shown
 * apart as "archived". Archiving twice changes nothing.
 */
export async function archivePlanItem(actor: Actor, input: TPlanItemRef): Promise<PlanItem> {
  return db.transaction().execute(async (trx) => {
    const found = await requireNode(trx, input.id)
    authorize(actor, 'update:plan', found.workspaceId)
    const node = await lockAndReload(trx, found)
    if (node.archivedAt) return loadPlanItem(trx, node.id)
    const archived = await archiveSubtree(trx, node.id, actor.userId)
    const renumbered = await renumberPlan(trx, node.planId)
    const item = await loadPlanItem(trx, node.id)
    await recordPlanActivity(
      trx,
      actor,
      'plan_item.archived',
      node,
      { code: node.code, title: node.title, archivedAt: null },
      { code: item.code, title: item.title, archivedAt: item.archivedAt, items: archived.length, renumbered: renumbered.length },
    )
    return item
  })
}
