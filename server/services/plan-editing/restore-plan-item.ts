import { db } from '#server/db.ts'
import { authorize, type Actor } from '#server/authz.ts'
import { AppError } from '#server/errors.ts'
import { activeSiblingIds, findNode, renumberPlan, restoreSubtree, setSiblingOrder } from '#server/repositories/plan-nodes.ts'
import { loadPlanItem, lockAndReload, recordPlanActivity, requireNode, type PlanItem } from './plan-item.ts'
import type { TPlanItemRef } from './schemas.ts'

/**
 * Brings an archived item back, with the items archived together with it,
 * as the last of its active siblings, and renumbers. An item whose parent is
 * still archived cannot come back on its own: restore the parent first.
 */
export async function restorePlanItem(actor: Actor, input: TPlanItemRef): Promise<PlanItem> {
  return db.transaction().execute(async (trx) => {
    const found = await requireNode(trx, input.id)
    authorize(actor, 'update:plan', found.workspaceId)
    const node = await lockAndReload(trx, found)
    if (!node.archivedAt) return loadPlanItem(trx, node.id)
    const parent = node.parentId ? await findNode(trx, node.parentId) : null
    if (parent?.archivedAt) {
      throw new AppError('BAD_REQUEST', `Its parent ${parent.code} "${parent.title}" is archived; restore the parent first`, {
        field: 'id',
        i18n: { key: 'tasks:errors.parentArchived', values: { code: parent.code } },
      })
    }
    const siblings = await activeSiblingIds(trx, node.planId, node.parentId)
    const restored = await restoreSubtree(trx, node.id, actor.userId)
    await setSiblingOrder(trx, [...siblings, node.id])
    const renumbered = await renumberPlan(trx, node.planId)
    const item = await loadPlanItem(trx, node.id)
    await recordPlanActivity(
      trx,
      actor,
      'plan_item.restored',
      node,
      { code: node.code, archivedAt: node.archivedAt.toISOString() },
      { code: item.code, archivedAt: null, items: restored.length, renumbered: renumbered.length },
    )
    return item
  })
}
