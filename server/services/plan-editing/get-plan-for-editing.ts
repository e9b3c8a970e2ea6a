import { db } from '#server/db.ts'
import { authorize, type Actor } from '#server/authz.ts'
import { findCurrentPlan } from '#server/repositories/plan.ts'
import { listCountries, listOrganisations, listPlanNodes, type EditableNode } from '#server/repositories/plan-nodes.ts'

export interface EditorNode extends Omit<EditableNode, 'archivedAt'> {
  archivedAt: string | null
  children: EditorNode[]
}

/**
 * The plan as the editor needs it (secretariat only): the active tree in
 * code order, and the archived items apart, each with the code it had.
 */
export async function getPlanForEditing(actor: Actor, input: { workspaceId: string }) {
  authorize(actor, 'update:plan', input.workspaceId)
  const plan = await findCurrentPlan(db, input.workspaceId)
  const [countries, organisations] = await Promise.all([listCountries(db, input.workspaceId), listOrganisations(db, input.workspaceId)])
  if (!plan) return { plan: null, tree: [], archived: [], countries, organisations }
  const rows = await listPlanNodes(db, plan.id)
  const byId = new Map<string, EditorNode>()
  for (const row of rows) byId.set(row.id, { ...row, archivedAt: row.archivedAt?.toISOString() ?? null, children: [] })
  const tree: EditorNode[] = []
  const archived: EditorNode[] = []
  for (const node of byId.values()) {
    const parent = node.parentId ? byId.get(node.parentId) : undefined
    if (node.archivedAt) {
      // Show an archived item once: at the top of what was archived together.
      if (!parent?.archivedAt) archived.push(node)
      if (parent?.archivedAt) parent.children.push(node)
      continue
    }
    if (parent) parent.children.push(node)
    else tree.push(node)
  }
  return { plan: { id: plan.id, title: plan.title }, tree, archived, countries, organisations }
}
