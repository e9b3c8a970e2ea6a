import { Lucia, TimeSpan } from 'lucia'
import { db } from '../db.ts'
import { loadActorBySessionId } from '../repositories/actors.ts'
import { env, type Env } from '../env.ts'
import { KyselySessionAdapter, type SessionAttributes } from './lucia-adapter.ts'
import { randomToken, sha256Hex } from './tokens.ts'

/**
 * Sessions. The only module that knows about lucia (deprecated upstream):
 * callers use the functions below, so lucia can be replaced here alone.
 *
 * - The cookie carries a random token (24 bytes, hex). The table stores only
 *   SHA-256(token) as the session id; the cookie is always built from the
 *   token, never from the id.
 * - Two lifetimes: absolute (SESSION_MAX_AGE_HOURS from created_at) and idle
 *   (SESSION_IDLE_MINUTES, a sliding expires_at). lucia knows one sliding
 *   expiry, the idle one; this module caps it at the absolute end and slides
 *   it itself (at most once a minute, which also stamps last_seen_at).
 * - Cookie: HttpOnly, SameSite=Lax, Path=/; with an https APP_URL also
 *   Secure and named `__Host-ruta_session`, else `ruta_session`.
 */
export const SESSION_TOKEN_BYTES = 24
/** How far the idle expiry must move before it is written (and the cookie re-sent). */
const SLIDE_STEP_MS = 60_000

export interface SessionInfo {
  /** SHA-256 of the token: the stored id. */
  id: string
  userId: string
  createdAt: Date
  lastSeenAt: Date
  expiresAt: Date
  ip: string | null
  userAgent: string | null
}

export interface ValidatedSession {
  session: SessionInfo
  /** A refreshed Set-Cookie value when the idle expiry slid, else null. */
  cookie: string | null
}

interface Runtime {
  env: Env
  lucia: Lucia<SessionAttributes, Record<never, never>>
  adapter: KyselySessionAdapter
  idleMs: number
  maxAgeMs: number
}

let runtime: Runtime | undefined

/** Rebuilt when the configuration changes (tests switch APP_URL between cases). */
function rt(): Runtime {
  const e = env()
  if (runtime?.env === e) return runtime
  const idleMs = Math.round(e.SESSION_IDLE_MINUTES * 60_000)
  const maxAgeMs = Math.round(e.SESSION_MAX_AGE_HOURS * 3_600_000)
  const adapter = new KyselySessionAdapter(db, () => maxAgeMs)
  const lucia = new Lucia<SessionAttributes, Record<never, never>>(adapter, {
    sessionExpiresIn: new TimeSpan(idleMs, 'ms'),
    sessionCookie: {
      name: sessionCookieName(e),
      expires: true,
      attributes: { secure: e.SECURE, sameSite: 'lax', path: '/' },
    },
    getSessionAttributes: (attributes) => attributes,
  })
  runtime = { env: e, lucia, adapter, idleMs, maxAgeMs }
  return runtime
}

export function sessionCookieName(e: Env = env()): string {
  return e.SECURE ? '__Host-ruta_session' : 'ruta_session'
}

/** The stored id of a token. */
export function sessionIdOf(token: string): string {
  return sha256Hex(token)
}

/** The session token in a Cookie header, or null. */
export function readSessionToken(cookieHeader: string | null | undefined): string | null {
  if (!cookieHeader) return null
  const token = rt().lucia.readSessionCookie(cookieHeader)
  return token && isWellFormedToken(token) ? token : null
}

function isWellFormedToken(token: string): boolean {
  return token.length === SESSION_TOKEN_BYTES * 2 && /^[0-9a-f]+$/.test(token)
}

/** Set-Cookie value carrying the token; Max-Age is the idle window, or less near the absolute end. */
export function sessionCookie(token: string, expiresAt?: Date): string {
  const { lucia, idleMs } = rt()
  const cookie = lucia.createSessionCookie(token)
  const ms = expiresAt ? Math.max(0, expiresAt.getTime() - Date.now()) : idleMs
  cookie.attributes.maxAge = Math.round(ms / 1000)
  return cookie.serialize()
}

/** Set-Cookie value that removes the session cookie. */
export function blankSessionCookie(): string {
  return rt().lucia.createBlankSessionCookie().serialize()
}

/** A fresh session (call at every sign-in; never reuse a token from before). */
export async function createSession(
  userId: string,
  meta: { ip?: string | null; userAgent?: string | null } = {},
): Promise<{ token: string; cookie: string; session: SessionInfo }> {
  const { lucia, maxAgeMs, idleMs } = rt()
  const token = randomToken(SESSION_TOKEN_BYTES)
  const now = new Date()
  const created = await lucia.createSession(
    userId,
    { createdAt: now, lastSeenAt: now, ip: meta.ip ?? null, userAgent: truncate(meta.userAgent ?? null, 400) },
    { sessionId: sessionIdOf(token) },
  )
  const expiresAt = new Date(Math.min(now.getTime() + idleMs, now.getTime() + maxAgeMs))
  const session: SessionInfo = {
    id: created.id,
    userId,
    createdAt: now,
    lastSeenAt: now,
    expiresAt,
    ip: created.ip,
    userAgent: created.userAgent,
  }
  return { token, cookie: sessionCookie(token, expiresAt), session }
}

/**
 * The session of a token, or null when it is unknown, idle too long or past
 * its absolute lifetime (such sessions are deleted). One statement, as for
 * every request (server/auth/authenticate.ts, which also judges whether the
 * user may still sign in).
 */
export async function validateSessionToken(token: string): Promise<ValidatedSession | null> {
  if (!isWellFormedToken(token)) return null
  const found = await loadActorBySessionId(db, sessionIdOf(token))
  return found ? validateStoredSession(token, found.session) : null
}

/**
 * Judges a session row the caller has already read together with its user
 * (server/repositories/actors.ts loadActorBySessionId: one statement per
 * request), with the same rules as validateSessionToken: null, and the row
 * deleted, when it is idle too long or past its absolute lifetime; otherwise
 * the idle expiry slides (at most once a minute: the only write, through the
 * lucia adapter) and the refreshed cookie is returned. Whether the user may
 * still sign in is the caller's check, since it holds the memberships.
 */
export async function validateStoredSession(token: string, stored: SessionInfo): Promise<ValidatedSession | null> {
  if (!isWellFormedToken(token) || stored.id !== sessionIdOf(token)) return null
  const { adapter, idleMs, maxAgeMs } = rt()
  const now = Date.now()
  const notAfter = stored.createdAt.getTime() + maxAgeMs
  if (now >= stored.expiresAt.getTime() || now >= notAfter) {
    await adapter.deleteSession(stored.id)
    return null
  }
  let expiresAt = stored.expiresAt
  let lastSeenAt = stored.lastSeenAt
  let cookie: string | null = null
  const wanted = Math.min(now + idleMs, notAfter)
  if (wanted - expiresAt.getTime() >= SLIDE_STEP_MS) {
    expiresAt = new Date(wanted)
    lastSeenAt = new Date(now)
    await adapter.updateSessionExpiration(stored.id, expiresAt)
    cookie = sessionCookie(token, expiresAt)
  }
  return { session: { ...stored, lastSeenAt, expiresAt }, cookie }
}

export async function invalidateSession(sessionId: string): Promise<void> {
  await rt().lucia.invalidateSession(sessionId)
}

/** Ends every session of a user, or every one but `exceptSessionId` (password change, "sign out everywhere else"). */
export async function invalidateUserSessions(userId: string, options: { exceptSessionId?: string } = {}): Promise<number> {
  let query = db.deleteFrom('user_session').where('user_id', '=', userId)
  if (options.exceptSessionId) query = query.where('id', '!=', options.exceptSessionId)
  const result = await query.executeTakeFirst()
  return Number(result.numDeletedRows)
}

/** A user's live sessions, most recently seen first. */
export async function listSessions(userId: string): Promise<SessionInfo[]> {
  const { lucia, maxAgeMs } = rt()
  const now = Date.now()
  const sessions = await lucia.getUserSessions(userId)
  return sessions
    .filter((s) => s.createdAt.getTime() + maxAgeMs > now)
    .map((s) => ({ id: s.id, userId: s.userId, createdAt: s.createdAt, lastSeenAt: s.lastSeenAt, expiresAt: s.expiresAt, ip: s.ip, userAgent: s.userAgent }))
    .sort((a, b) => b.lastSeenAt.getTime() - a.lastSeenAt.getTime())
}

/** Deletes expired sessions (idle or absolute): all of them (a periodic job), or one user's (at sign-in). */
export async function purgeExpiredSessions(userId?: string): Promise<void> {
  const { lucia, maxAgeMs } = rt()
  if (!userId) return lucia.deleteExpiredSessions()
  const now = Date.now()
  await db
    .deleteFrom('user_session')
    .where('user_id', '=', userId)
    .where((eb) => eb.or([eb('expires_at', '<=', new Date(now)), eb('created_at', '<=', new Date(now - maxAgeMs))]))
    .execute()
}

function truncate(value: string | null, max: number): string | null {
  return value && value.length > max ? value.slice(0, max) : value
}
