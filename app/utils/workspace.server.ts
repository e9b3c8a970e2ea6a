import { redirect, type AppLoadContext } from '@remix-run/node'
import type { Actor, ActorMembership } from '#server/authz.ts'

/**
 * The guard of every page under /w/<slug>: a signed-in caller (else 303 to
 * /login?redirectTo=<this page>) who is a member of the workspace with that
 * slug (else 404 — a workspace one does not belong to does not exist).
 * Pass the request so that signing in brings the user back to this page.
 */
export function requireWorkspace(
  context: AppLoadContext,
  slug: string | undefined,
  request?: Request,
): { actor: Actor; membership: ActorMembership } {
  const actor = context.actor
  if (!actor) {
    const here = request ? currentPage(request) : '/'
    throw redirect(here === '/' ? '/login' : `/login?redirectTo=${encodeURIComponent(here)}`, 303)
  }
  const membership = actor.memberships.find((m) => m.slug === slug)
  if (!membership) throw new Response('No such workspace, or you are not a member of it.', { status: 404, statusText: 'Not Found' })
  return { actor, membership }
}

/** The page's path and query, without Remix's data parameters and the one-off `lng` switch. */
function currentPage(request: Request): string {
  const url = new URL(request.url)
  for (const internal of ['_data', 'index', 'lng']) url.searchParams.delete(internal)
  const path = url.pathname.replace(/\.data$/, '') || '/'
  const search = url.searchParams.toString()
  return search ? `${path}?${search}` : path
}
