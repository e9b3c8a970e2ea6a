import type { Actor } from '../authz.ts'
import { db } from '../db.ts'
import { loadActorByApiTokenHash, loadActorBySessionId } from '../repositories/actors.ts'
import { acceptStoredApiToken, apiTokenHashOf } from './api-token.ts'
import { blankSessionCookie, invalidateSession, readSessionToken, sessionCookieName, sessionIdOf, validateStoredSession } from './session.ts'

export interface RequestCredentials {
  cookie: string | undefined
  authorization: string | undefined
  ip: string | undefined
  userAgent: string | undefined
}

export interface Authentication {
  actor: Actor | null
  /** Set-Cookie headers to send (a refreshed or cleared session cookie). */
  setCookies: string[]
  /** Whether the caller proved itself with a Bearer token (exempt from the Origin rule). */
  viaToken: boolean
  /** A Bearer token was presented but is unknown, revoked or expired. */
  invalidToken: boolean
}

const ANONYMOUS: Authentication = { actor: null, setCookies: [], viaToken: false, invalidToken: false }

/** Whether an actor may use Ruta at all: an admin, or a member of some workspace with an active membership. */
export function maySignIn(actor: Actor): boolean {
  return actor.isAdmin || actor.memberships.length > 0
}

/**
 * Resolves the caller of one request from the session cookie or a Bearer
 * token. A request that presents a Bearer token is judged by the token
 * alone, never by a cookie it might also carry (Bearer requests are exempt
 * from the Origin rule, so a cookie must not ride along on them).
 */
export async function authenticate(credentials: RequestCredentials): Promise<Authentication> {
  const authorization = credentials.authorization?.trim()
  if (authorization && /^Bearer(\s|$)/i.test(authorization)) {
    return authenticateBearer(authorization.replace(/^Bearer\s*/i, '').trim())
  }
  return authenticateCookie(credentials.cookie)
}

async function authenticateBearer(token: string): Promise<Authentication> {
  const invalid: Authentication = { actor: null, setCookies: [], viaToken: false, invalidToken: true }
  const hash = apiTokenHashOf(token)
  if (!hash) return invalid
  // One statement: the token with its user and the user's active memberships.
  const found = await loadActorByApiTokenHash(db, hash)
  if (!found || !(await acceptStoredApiToken(found.token))) return invalid
  const actor = found.actor
  if (!maySignIn(actor)) return invalid
  return { actor, setCookies: [], viaToken: true, invalidToken: false }
}

async function authenticateCookie(cookieHeader: string | undefined): Promise<Authentication> {
  // A cookie of the right name but the wrong shape is cleared too.
  const token = readSessionToken(cookieHeader)
  if (!token) return hasSessionCookie(cookieHeader) ? { ...ANONYMOUS, setCookies: [blankSessionCookie()] } : ANONYMOUS
  // One statement in the common case: the session with its user and the user's active memberships.
  const found = await loadActorBySessionId(db, sessionIdOf(token))
  if (!found) return { ...ANONYMOUS, setCookies: [blankSessionCookie()] }
  const actor = found.actor
  if (!maySignIn(actor)) {
    await invalidateSession(found.session.id)
    return { ...ANONYMOUS, setCookies: [blankSessionCookie()] }
  }
  const validated = await validateStoredSession(token, found.session)
  if (!validated) return { ...ANONYMOUS, setCookies: [blankSessionCookie()] }
  actor.sessionId = validated.session.id
  return { actor, setCookies: validated.cookie ? [validated.cookie] : [], viaToken: false, invalidToken: false }
}

function hasSessionCookie(cookieHeader: string | undefined): boolean {
  const prefix = `${sessionCookieName()}=`
  return !!cookieHeader && cookieHeader.split(/;\s*/).some((part) => part.startsWith(prefix) && part.length > prefix.length)
}
