import { db } from '#server/db.ts'
import { authorize, type Actor } from '#server/authz.ts'
import { activeSiblingIds, renumberPlan, setSiblingOrder, type CodeChange } from '#server/repositories/plan-nodes.ts'
import { loadPlanItem, lockAndReload, recordPlanActivity, refuseArchived, requireNode, type PlanItem } from './plan-item.ts'
import type { TMovePlanItem } from './schemas.ts'

/**
 * Moves an item up, down, or to a position among its active siblings, then
 * renumbers codes — the moved subtree's and every sibling's — in the same
 * transaction (one recursive CTE, renumberPlan). Moving does not bump the
 * item's version: it changes the item's place, not what someone may be
 * editing in it.
 */
export async function movePlanItem(actor: Actor, input: TMovePlanItem): Promise<PlanItem & { renumbered: CodeChange[] }> {
  return db.transaction().execute(async (trx) => {
    const found = await requireNode(trx, input.id)
    authorize(actor, 'update:plan', found.workspaceId)
    const node = await lockAndReload(trx, found)
    refuseArchived(node)
    const siblings = await activeSiblingIds(trx, node.planId, node.parentId)
    const from = siblings.indexOf(node.id)
    let to = from
    if (input.direction === 'up') to = Math.max(0, from - 1)
    else if (input.direction === 'down') to = Math.min(siblings.length - 1, from + 1)
    else if (input.position !== undefined) to = Math.min(input.position, siblings.length) - 1
    if (to === from) return { ...(await loadPlanItem(trx, node.id)), renumbered: [] }
    const order = siblings.filter((id) => id !== node.id)
    order.splice(to, 0, node.id)
    await setSiblingOrder(trx, order)
    const renumbered = await renumberPlan(trx, node.planId)
    const item = await loadPlanItem(trx, node.id)
    await recordPlanActivity(
      trx,
      actor,
      'plan_item.moved',
      node,
      { code: node.code, position: node.position },
      { code: item.code, position: item.position, renumbered: renumbered.length },
    )
    return { ...item, renumbered }
  })
}
