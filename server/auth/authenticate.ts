import type { Actor } from '../authz.ts'

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

/**
 * Resolves the caller of one request from the session cookie or a Bearer
 * token. Implemented by the session module (server/auth/session.ts).
 */
export async function authenticate(_credentials: RequestCredentials): Promise<Authentication> {
  return { actor: null, setCookies: [], viaToken: false, invalidToken: false }
}
