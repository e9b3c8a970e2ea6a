import type { Kysely, Transaction } from 'kysely'
import type { DB, NodeKind } from '#db/types.ts'
import type { Actor } from '#server/authz.ts'
import { recordActivity } from '#server/repositories/activity.ts'
import { AppError } from '#server/errors.ts'
import { findNode, findTaskFields, lockPlan, type PlanNodeRow } from '#server/repositories/plan-nodes.ts'
import { snapshotOf, type TaskSnapshot } from './task-fields.ts'

/** A plan item as the planItem procedures return it. */
export interface PlanItem {
  id: string
  workspaceId: string
  planId: string
  parentId: string | null
  kind: NodeKind
  code: string
  position: number
  title: string
  archivedAt: string | null
  version: number
  updatedAt: string
  /** Only for tasks. */
  task: TaskSnapshot | null
}

export async function loadPlanItem(db: Kysely<DB>, id: string): Promise<PlanItem> {
  const node = await findNode(db, id)
  if (!node) throw new AppError('NOT_FOUND', 'No such plan item', { i18n: { key: 'errors.notFound' } })
  const task = node.kind === 'task' ? await findTaskFields(db, id) : undefined
  return {
    id: node.id,
    workspaceId: node.workspaceId,
    planId: node.planId,
    parentId: node.parentId,
    kind: node.kind,
    code: node.code,
    position: node.position,
    title: node.title,
    archivedAt: node.archivedAt ? node.archivedAt.toISOString() : null,
    version: node.version,
    updatedAt: node.updatedAt.toISOString(),
    task: task ? snapshotOf(task) : null,
  }
}

/** The node, or NOT_FOUND — also when it belongs to a workspace the caller cannot see (authorize decides that). */
export async function requireNode(trx: Transaction<DB>, id: string, opts: { forUpdate?: boolean } = {}): Promise<PlanNodeRow> {
  const node = await findNode(trx, id, opts)
  if (!node) throw new AppError('NOT_FOUND', 'No such plan item', { i18n: { key: 'errors.notFound' } })
  return node
}

/**
 * Takes the plan's lock, then reads the node again: what was read before the
 * lock may have been changed (archived, moved) by the edit that held it.
 */
export async function lockAndReload(trx: Transaction<DB>, node: PlanNodeRow): Promise<PlanNodeRow> {
  await lockPlan(trx, node.planId)
  return requireNode(trx, node.id)
}

export function refuseArchived(node: PlanNodeRow) {
  if (node.archivedAt) {
    throw new AppError('BAD_REQUEST', `${node.code} "${node.title}" is archived; restore it first`, {
      field: 'id',
      i18n: { key: 'tasks:errors.archived', values: { code: node.code } },
    })
  }
}

export async function recordPlanActivity(
  trx: Transaction<DB>,
  actor: Actor,
  action: 'plan_item.created' | 'plan_item.updated' | 'plan_item.moved' | 'plan_item.archived' | 'plan_item.restored',
  node: { id: string; workspaceId: string; kind: NodeKind },
  before: unknown,
  after: unknown,
) {
  await recordActivity(trx, { workspaceId: node.workspaceId, actorId: actor.userId, action, subjectType: node.kind, subjectId: node.id, before: before ?? undefined, after })
}
