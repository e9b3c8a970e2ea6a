import type { Actor } from '#server/authz.ts'

/** workspace.list: the caller's workspaces (active memberships), in the order they joined. */
export function listWorkspaces(actor: Actor) {
  return actor.memberships.map((m) => ({ id: m.workspaceId, slug: m.slug, name: m.name }))
}
