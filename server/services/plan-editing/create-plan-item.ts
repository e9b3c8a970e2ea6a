import { db } from '#server/db.ts'
import { authorize, type Actor } from '#server/authz.ts'
import { AppError } from '#server/errors.ts'
import { findCurrentPlan } from '#server/repositories/plan.ts'
import {
  activeSiblingIds,
  childKind,
  createPlan,
  findNode,
  insertNode,
  insertTask,
  lockPlan,
  renumberPlan,
  replacePartners,
  setSiblingOrder,
} from '#server/repositories/plan-nodes.ts'
import { loadPlanItem, recordPlanActivity, refuseArchived, type PlanItem } from './plan-item.ts'
import type { TCreatePlanItem } from './schemas.ts'
import { EMPTY_TASK, hasTaskFields, resolveTaskFields } from './task-fields.ts'

/**
 * Creates a plan item under a parent (none: a general objective). The kind
 * follows depth — general objective › specific objective › action line ›
 * task — and the codes of its siblings are renumbered in the same
 * transaction. A workspace without a plan gets one with its first objective.
 */
export async function createPlanItem(actor: Actor, input: TCreatePlanItem): Promise<PlanItem> {
  authorize(actor, 'update:plan', input.workspaceId)
  return db.transaction().execute(async (trx) => {
    let parent = input.parentId ? await findNode(trx, input.parentId) : null
    if (input.parentId && (!parent || parent.workspaceId !== input.workspaceId)) {
      throw new AppError('NOT_FOUND', 'No such parent item in this workspace', { field: 'parentId', i18n: { key: 'errors.notFound' } })
    }
    if (parent) refuseArchived(parent)
    const kind = childKind(parent?.kind ?? null)
    if (!kind) {
      throw new AppError('BAD_REQUEST', 'A task cannot contain other items; choose an action line', {
        field: 'parentId',
        i18n: { key: 'tasks:errors.taskHasNoChildren' },
      })
    }
    if (kind !== 'task' && hasTaskFields(input)) {
      throw new AppError('BAD_REQUEST', 'Only tasks have a description, lead, partners, dates, priority and recurrence', {
        field: 'description',
        i18n: { key: 'tasks:errors.notATask' },
      })
    }
    let planId = parent?.planId
    if (!planId) {
      const workspace = await trx.selectFrom('workspace').select('name').where('id', '=', input.workspaceId).executeTakeFirstOrThrow()
      planId = (await findCurrentPlan(trx, input.workspaceId))?.id ?? (await createPlan(trx, input.workspaceId, workspace.name)).id
    }
    await lockPlan(trx, planId)
    if (parent) {
      // Read again under the plan's lock: the parent may have been archived meanwhile.
      parent = (await findNode(trx, parent.id)) ?? null
      if (!parent) throw new AppError('NOT_FOUND', 'No such parent item in this workspace', { field: 'parentId', i18n: { key: 'errors.notFound' } })
      refuseArchived(parent)
    }
    const siblings = await activeSiblingIds(trx, planId, parent?.id ?? null)
    const position = siblings.length + 1
    const { id } = await insertNode(trx, {
      workspaceId: input.workspaceId,
      planId,
      parentId: parent?.id ?? null,
      kind,
      title: input.title,
      position,
      // Provisional; renumberPlan below writes the real one.
      code: parent ? `${parent.code}.${position}` : String(position),
      actorId: actor.userId,
    })
    let task = null
    if (kind === 'task') {
      const resolved = await resolveTaskFields(trx, input.workspaceId, EMPTY_TASK, input)
      await insertTask(trx, id, input.workspaceId, resolved.columns)
      await replacePartners(trx, id, resolved.partnerIds)
      task = resolved.next
    }
    const at = Math.min(input.position ?? position, position) - 1
    const order = [...siblings]
    order.splice(at, 0, id)
    await setSiblingOrder(trx, order)
    const renumbered = await renumberPlan(trx, planId)
    const item = await loadPlanItem(trx, id)
    await recordPlanActivity(trx, actor, 'plan_item.created', item, null, {
      kind,
      code: item.code,
      title: item.title,
      parentCode: parent?.code ?? null,
      ...(task ?? {}),
      renumbered: renumbered.filter((c) => c.id !== id).length,
    })
    return item
  })
}
