import type { Adapter, DatabaseSession, DatabaseUser, Lucia } from 'lucia'
import { sql } from 'kysely'
import type { Database } from '../db.ts'

/**
 * The lucia Adapter over table user_session, with Kysely.
 *
 * lucia's session id is what the table stores: the SHA-256 (hex) of the
 * token in the cookie, never the token itself. The session attributes carry
 * what our module needs to enforce the absolute lifetime and show the list
 * of sessions. A "user" exists for lucia only while it may sign in: an
 * instance admin, or a member of at least one workspace with an active
 * membership; otherwise lucia deletes the session it was asked about.
 */
export interface SessionAttributes {
  createdAt: Date
  lastSeenAt: Date
  ip: string | null
  userAgent: string | null
}

declare module 'lucia' {
  interface Register {
    Lucia: Lucia<SessionAttributes, Record<never, never>>
    DatabaseSessionAttributes: SessionAttributes
    DatabaseUserAttributes: Record<never, never>
  }
}

export class KyselySessionAdapter implements Adapter {
  /** absoluteLifetimeMs caps every expires_at at created_at + the absolute lifetime. */
  constructor(
    private readonly db: Database,
    private readonly absoluteLifetimeMs: () => number,
  ) {}

  async getSessionAndUser(sessionId: string): Promise<[DatabaseSession | null, DatabaseUser | null]> {
    const row = await this.db
      .selectFrom('user_session as s')
      .leftJoin('app_user as u', 'u.id', 's.user_id')
      .select([
        's.id',
        's.user_id',
        's.expires_at',
        's.created_at',
        's.last_seen_at',
        's.ip',
        's.user_agent',
        sql<boolean>`u.id IS NOT NULL AND (u.is_admin OR EXISTS (
          SELECT 1 FROM membership m WHERE m.user_id = u.id AND m.deactivated_at IS NULL))`.as('may_sign_in'),
      ])
      .where('s.id', '=', sessionId)
      .executeTakeFirst()
    if (!row) return [null, null]
    return [toDatabaseSession(row), row.may_sign_in ? { id: row.user_id, attributes: {} } : null]
  }

  async getUserSessions(userId: string): Promise<DatabaseSession[]> {
    const rows = await this.db
      .selectFrom('user_session')
      .select(['id', 'user_id', 'expires_at', 'created_at', 'last_seen_at', 'ip', 'user_agent'])
      .where('user_id', '=', userId)
      .orderBy('last_seen_at', 'desc')
      .execute()
    return rows.map(toDatabaseSession)
  }

  async setSession(session: DatabaseSession): Promise<void> {
    const attributes = session.attributes
    const notAfter = attributes.createdAt.getTime() + this.absoluteLifetimeMs()
    const expiresAt = new Date(Math.min(session.expiresAt.getTime(), notAfter))
    await this.db
      .insertInto('user_session')
      .values({
        id: session.id,
        user_id: session.userId,
        expires_at: expiresAt,
        created_at: attributes.createdAt,
        last_seen_at: attributes.lastSeenAt,
        ip: attributes.ip,
        user_agent: attributes.userAgent,
      })
      .execute()
  }

  async updateSessionExpiration(sessionId: string, expiresAt: Date): Promise<void> {
    const lifetimeSeconds = this.absoluteLifetimeMs() / 1000
    await this.db
      .updateTable('user_session')
      .set({
        expires_at: sql<Date>`LEAST(${expiresAt}::timestamptz, created_at + make_interval(secs => ${lifetimeSeconds}))`,
        last_seen_at: sql<Date>`now()`,
      })
      .where('id', '=', sessionId)
      .execute()
  }

  async deleteSession(sessionId: string): Promise<void> {
    await this.db.deleteFrom('user_session').where('id', '=', sessionId).execute()
  }

  async deleteUserSessions(userId: string): Promise<void> {
    await this.db.deleteFrom('user_session').where('user_id', '=', userId).execute()
  }

  async deleteExpiredSessions(): Promise<void> {
    const lifetimeSeconds = this.absoluteLifetimeMs() / 1000
    await this.db
      .deleteFrom('user_session')
      .where((eb) =>
        eb.or([
          eb('expires_at', '<=', sql<Date>`now()`),
          eb('created_at', '<=', sql<Date>`now() - make_interval(secs => ${lifetimeSeconds})`),
        ]),
      )
      .execute()
  }
}

function toDatabaseSession(row: {
  id: string
  user_id: string
  expires_at: Date
  created_at: Date
  last_seen_at: Date
  ip: string | null
  user_agent: string | null
}): DatabaseSession {
  return {
    id: row.id,
    userId: row.user_id,
    expiresAt: row.expires_at,
    attributes: { createdAt: row.created_at, lastSeenAt: row.last_seen_at, ip: row.ip, userAgent: row.user_agent },
  }
}
