import { db } from '#server/db.ts'
import { authorize, type Actor } from '#server/authz.ts'
import { AppError } from '#server/errors.ts'
import { findTaskFields, replacePartners, touchNodeIfVersion, updateTask } from '#server/repositories/plan-nodes.ts'
import { loadPlanItem, recordPlanActivity, refuseArchived, requireNode, type PlanItem } from './plan-item.ts'
import type { TUpdatePlanItem } from './schemas.ts'
import { diff, hasTaskFields, resolveTaskFields, snapshotOf } from './task-fields.ts'

/**
 * Edits a plan item's title and, for tasks, its fields. The edit carries the
 * version it was based on: a stale one is refused with CONFLICT naming who
 * changed the item and when, so nobody silently overwrites someone else.
 * The activity row holds only what changed, before → after.
 */
export async function updatePlanItem(actor: Actor, input: TUpdatePlanItem): Promise<PlanItem> {
  return db.transaction().execute(async (trx) => {
    // FOR UPDATE: a concurrent edit waits here and then sees the new version.
    const node = await requireNode(trx, input.id, { forUpdate: true })
    authorize(actor, 'update:plan', node.workspaceId)
    if (node.version !== input.version) {
      const by = node.updatedByName ?? 'someone'
      const at = node.updatedAt.toISOString()
      throw new AppError('CONFLICT', `${by} changed this item at ${at}; review their version and try again`, {
        conflict: { by, at },
        i18n: { key: 'tasks:errors.conflict', values: { by, at } },
      })
    }
    refuseArchived(node)
    if (node.kind !== 'task' && hasTaskFields(input)) {
      throw new AppError('BAD_REQUEST', 'Only tasks have a description, lead, partners, dates, priority and recurrence', {
        field: 'description',
        i18n: { key: 'tasks:errors.notATask' },
      })
    }
    const beforeTitle = { title: node.title }
    const afterTitle = { title: input.title ?? node.title }
    let changes = diff(beforeTitle, afterTitle)
    let taskUpdate: Awaited<ReturnType<typeof resolveTaskFields>> | null = null
    if (node.kind === 'task') {
      const current = await findTaskFields(trx, node.id)
      if (!current) throw new AppError('NOT_FOUND', 'No such task', { i18n: { key: 'errors.notFound' } })
      const before = snapshotOf(current)
      taskUpdate = await resolveTaskFields(trx, node.workspaceId, before, input)
      const taskChanges = diff(before, taskUpdate.next)
      changes = { before: { ...changes.before, ...taskChanges.before }, after: { ...changes.after, ...taskChanges.after } }
    }
    if (!Object.keys(changes.after).length) return loadPlanItem(trx, node.id)

    const touched = await touchNodeIfVersion(trx, node.id, input.version, actor.userId, input.title)
    if (!touched) throw new AppError('CONFLICT', 'This item changed while you were editing it; try again', { conflict: { by: 'someone', at: new Date().toISOString() } })
    if (taskUpdate) {
      await updateTask(trx, node.id, taskUpdate.columns)
      if ('partnerCodes' in changes.after) await replacePartners(trx, node.id, taskUpdate.partnerIds)
    }
    await recordPlanActivity(trx, actor, 'plan_item.updated', node, { code: node.code, ...changes.before }, { code: node.code, ...changes.after })
    return loadPlanItem(trx, node.id)
  })
}
