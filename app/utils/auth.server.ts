import { redirect, type AppLoadContext } from '@remix-run/node'
import type { Actor } from '#server/authz.ts'
import { keepableFields, saveDraft, takeDraft, type DraftFields } from '#server/auth/form-draft.ts'

/**
 * Guards for Remix loaders and actions.
 *
 * - `requireActor` (loaders): no session → 303 to /login?redirectTo=<this page>.
 * - `requireActorForAction` (actions): the same, but first keeps what the
 *   form carried (server/auth/form-draft.ts), so that after signing in the
 *   user lands back on the page with their text. The page's loader gets it
 *   back with `restoreDraft` and fills its fields from it (`draftValue` of
 *   app/utils/draft.ts, usable while rendering).
 */
export function requireActor(request: Request, context: AppLoadContext): Actor {
  if (context.actor) return context.actor
  throw redirect(loginUrl(pagePath(request)), 303)
}

export async function requireActorForAction(request: Request, context: AppLoadContext): Promise<Actor> {
  if (context.actor) return context.actor
  const path = pagePath(request)
  const headers = new Headers()
  try {
    const form = await request.formData()
    const cookie = await saveDraft(new URL(path, 'http://x').pathname, keepableFields(form), request.headers.get('cookie'))
    if (cookie) headers.append('Set-Cookie', cookie)
  } catch {
    // Not a form (JSON, or a body that does not parse): nothing to keep.
  }
  throw redirect(loginUrl(path), { status: 303, headers })
}

/**
 * The draft this browser left on this page when its session had expired, or
 * null. Call it in the loader after `requireActor`; pass `headers` on (they
 * clear the draft cookie).
 */
export async function restoreDraft(request: Request): Promise<{ draft: DraftFields | null; headers: Headers }> {
  const { fields, setCookie } = await takeDraft(new URL(request.url).pathname, request.headers.get('cookie'))
  const headers = new Headers()
  if (setCookie) headers.append('Set-Cookie', setCookie)
  return { draft: fields, headers }
}

export function loginUrl(redirectTo: string): string {
  return redirectTo && redirectTo !== '/' ? `/login?redirectTo=${encodeURIComponent(redirectTo)}` : '/login'
}

/** The page a request is about: its path and query, without Remix's internal parameters. */
export function pagePath(request: Request): string {
  const url = new URL(request.url)
  url.searchParams.delete('index')
  url.searchParams.delete('_data')
  url.searchParams.delete('lng')
  // Single-fetch data requests arrive as `/page.data` (`/_root.data` for `/`).
  const path = url.pathname === '/_root.data' ? '/' : url.pathname.replace(/\.data$/, '') || '/'
  const search = url.searchParams.toString()
  return search ? `${path}?${search}` : path
}

/**
 * A same-origin path to go to after signing in, or null. Refuses absolute
 * and protocol-relative URLs (`//evil`), backslashes (browsers read `/\evil`
 * as `//evil`), control characters, and the sign-in and sign-out pages.
 */
export function safeRedirect(to: unknown): string | null {
  if (typeof to !== 'string' || to.length === 0 || to.length > 2000) return null
  if (!to.startsWith('/') || to.startsWith('//') || to.includes('\\')) return null
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(to)) return null
  let url: URL
  try {
    url = new URL(to, 'http://ruta.invalid')
  } catch {
    return null
  }
  if (url.origin !== 'http://ruta.invalid') return null
  if (url.pathname === '/login' || url.pathname === '/logout') return null
  return `${url.pathname}${url.search}${url.hash}`
}

/** Where a signed-in user goes by default: their first workspace, else /admin for an admin, else home. */
export function homeOf(actor: Actor): string {
  const first = actor.memberships[0]
  if (first) return `/w/${first.slug}`
  return actor.isAdmin ? '/admin' : '/'
}

// Server services the sign-in pages call, re-exported from this `.server`
// module so that the browser bundle never sees them.
export { signIn } from '#server/services/auth/sign-in.ts'
export { signOut } from '#server/services/auth/sign-out.ts'
export { isAppError } from '#server/errors.ts'
