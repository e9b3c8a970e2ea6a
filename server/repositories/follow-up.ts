import { sql, type Kysely, type Transaction } from 'kysely'
import type { DB, Locale, NotificationCategory } from '#db/types.ts'

/**
 * Queries of the follow-up engine: event notifications, claiming e-mails,
 * the outbox relay and the e-mail log (the reminder sweep: reminders.ts;
 * digests: digests.ts). Set-based: one query per sweep, whatever the number
 * of assignments.
 */
type Db = Kysely<DB> | Transaction<DB>

export type ReminderKind = 'due_soon' | 'overdue' | 'overdue_escalation'
export type EventKind = 'submitted' | 'returned' | 'verified' | 'mentioned'

/** What every assignment e-mail shows about its assignment. */
export interface AssignmentInfo {
  assignment_id: string
  workspace_id: string
  workspace_slug: string
  workspace_name: string
  assignee_kind: 'country' | 'secretariat' | 'organisation'
  country_code: string | null
  country_name_es: string | null
  country_name_pt: string | null
  country_name_en: string | null
  organisation_name: string | null
  task_code: string
  task_title: string
  due_date: string
  status: string
  period: string
  /** The assignee's calendar day at asOf. */
  today: string
}

export interface Recipient {
  user_id: string
  email: string
  name: string
  locale: Locale
}

/** What every assignment e-mail shows (AssignmentInfo but `today`), from `assignment a` joined with assignmentJoins. */
export const assignmentColumns = sql`
  a.id AS assignment_id, a.workspace_id, ws.slug AS workspace_slug, ws.name AS workspace_name, a.assignee_kind,
  trim(ac.code) AS country_code, ac.name_es AS country_name_es, ac.name_pt AS country_name_pt, ac.name_en AS country_name_en,
  ao.name AS organisation_name, pn.code AS task_code, pn.title AS task_title,
  to_char(a.due_date, 'YYYY-MM-DD') AS due_date, a.status, a.period`

export const assignmentJoins = sql`
  JOIN workspace ws ON ws.id = a.workspace_id
  JOIN plan_node pn ON pn.id = a.task_id
  LEFT JOIN country ac ON ac.id = a.country_id
  LEFT JOIN organisation ao ON ao.id = a.organisation_id`

/** One assignment's display fields, with its assignee's day at asOf. */
export async function findAssignmentInfo(db: Db, assignmentId: string, asOf: Date): Promise<AssignmentInfo | undefined> {
  const result = await sql<AssignmentInfo>`
    SELECT ${assignmentColumns},
           to_char((${asOf}::timestamptz AT TIME ZONE COALESCE(ac.time_zone, ws.time_zone))::date, 'YYYY-MM-DD') AS today
    FROM assignment a ${assignmentJoins}
    WHERE a.id = ${assignmentId}
  `.execute(db)
  return result.rows[0]
}

/**
 * Who hears of an event on an assignment: the secretariat for a
 * submission, the assignee's members for a return or verification, the
 * named users for a mention (members of the workspace only). Bounced
 * addresses and those who turned the category off are left out; `mode`
 * tells immediate from digest.
 */
export async function findEventRecipients(
  db: Db,
  input: { assignmentId: string; audience: 'secretariat' | 'assignee' | 'users'; userIds?: string[]; category: NotificationCategory; excludeUserId?: string | null },
): Promise<(Recipient & { mode: 'immediate' | 'digest' })[]> {
  const userIds = input.userIds?.length ? input.userIds : ['00000000-0000-0000-0000-000000000000']
  const result = await sql<Recipient & { mode: 'immediate' | 'digest' }>`
    SELECT u.id AS user_id, u.email, u.name, COALESCE(u.locale, mc.locale, w.default_locale) AS locale,
           COALESCE(p.mode, 'immediate') AS mode
    FROM assignment a
    JOIN workspace w ON w.id = a.workspace_id
    JOIN membership m ON m.workspace_id = a.workspace_id AND m.deactivated_at IS NULL
    JOIN app_user u ON u.id = m.user_id AND u.email_bounced_at IS NULL
    LEFT JOIN country mc ON mc.id = m.country_id
    LEFT JOIN notification_preference p ON p.user_id = u.id AND p.category = ${input.category}
    WHERE a.id = ${input.assignmentId}
      AND COALESCE(p.mode, 'immediate') <> 'off'
      AND u.id IS DISTINCT FROM ${input.excludeUserId ?? null}::uuid
      AND CASE ${input.audience}
            WHEN 'secretariat' THEN m.role = 'secretariat'
            WHEN 'users' THEN u.id = ANY(${sql.val(userIds)}::uuid[])
            ELSE (a.assignee_kind = 'country' AND m.role = 'focal_point' AND m.country_id = a.country_id)
              OR (a.assignee_kind = 'organisation' AND m.role = 'partner' AND m.organisation_id = a.organisation_id)
              OR (a.assignee_kind = 'secretariat' AND m.role = 'secretariat')
          END
    ORDER BY u.email
  `.execute(db)
  return result.rows
}

export interface NewEmail {
  key: string
  workspace_id: string | null
  user_id: string | null
  recipient: string
  kind: string
  category: string | null
  subject: string
  subject_id: string | null
  occasion: string
  payload: unknown
  has_attachments?: boolean
}

/**
 * Claims e-mails: inserts their log rows, keeping the ones whose key was
 * free. The UNIQUE key is the send-once guarantee — a second sweep, a
 * retried job or another worker finds the key taken and sends nothing.
 */
export async function claimEmails(db: Db, emails: NewEmail[]): Promise<string[]> {
  const claimed: string[] = []
  for (let i = 0; i < emails.length; i += 4000) {
    const chunk = emails.slice(i, i + 4000)
    const rows = await db
      .insertInto('email_log')
      .values(
        chunk.map((e) => ({
          key: e.key,
          workspace_id: e.workspace_id,
          user_id: e.user_id,
          recipient: e.recipient,
          kind: e.kind,
          category: e.category,
          subject: e.subject,
          subject_id: e.subject_id,
          occasion: e.occasion,
          payload: JSON.stringify(e.payload),
          has_attachments: e.has_attachments ?? false,
        })),
      )
      .onConflict((oc) => oc.column('key').doNothing())
      .returning('key')
      .execute()
    claimed.push(...rows.map((r) => r.key))
  }
  return claimed
}

/** Keys among these that the log already holds. */
export async function existingKeys(db: Db, keys: string[]): Promise<Set<string>> {
  if (!keys.length) return new Set()
  const rows = await db.selectFrom('email_log').select('key').where('key', 'in', keys).execute()
  return new Set(rows.map((r) => r.key))
}

// ─── Outbox ─────────────────────────────────────────────────────────────

export interface OutboxRow {
  id: string
  topic: string
  payload: unknown
  created_at: Date
}

/** Claims undispatched rows; concurrent relays skip each other's rows. */
export async function claimOutbox(trx: Transaction<DB>, limit: number): Promise<OutboxRow[]> {
  return trx
    .selectFrom('outbox')
    .select(['id', 'topic', 'payload', 'created_at'])
    .where('dispatched_at', 'is', null)
    .orderBy('created_at')
    .limit(limit)
    .forUpdate()
    .skipLocked()
    .execute()
}

export async function markOutboxDispatched(trx: Transaction<DB>, ids: string[]) {
  if (!ids.length) return
  await trx.updateTable('outbox').set({ dispatched_at: sql`now()`, attempts: sql`attempts + 1`, last_error: null }).where('id', 'in', ids).execute()
}

export async function markOutboxFailed(trx: Transaction<DB>, ids: string[], error: string) {
  if (!ids.length) return
  await trx.updateTable('outbox').set({ attempts: sql`attempts + 1`, last_error: error.slice(0, 1000) }).where('id', 'in', ids).execute()
}

export async function findOutbox(db: Db, id: string): Promise<OutboxRow | undefined> {
  return db.selectFrom('outbox').select(['id', 'topic', 'payload', 'created_at']).where('id', '=', id).executeTakeFirst()
}

// ─── Preferences ────────────────────────────────────────────────────────

export async function setPreference(db: Db, userId: string, category: NotificationCategory, mode: 'immediate' | 'digest' | 'off') {
  if (category === 'digest') {
    // The digest's own switch is app_user.digest_frequency; 'off' here mirrors it.
    await db.updateTable('app_user').set({ digest_frequency: 'off', updated_at: sql`now()` }).where('id', '=', userId).execute()
  }
  await db
    .insertInto('notification_preference')
    .values({ user_id: userId, category, mode })
    .onConflict((oc) => oc.columns(['user_id', 'category']).doUpdateSet({ mode, updated_at: sql`now()` }))
    .execute()
}

export async function findUserEmail(db: Db, userId: string) {
  return db.selectFrom('app_user').select(['id', 'email', 'locale']).where('id', '=', userId).executeTakeFirst()
}

// ─── E-mail log page ────────────────────────────────────────────────────

export async function listEmailLog(db: Db, workspaceId: string, opts: { failedOnly: boolean; limit: number }) {
  let query = db
    .selectFrom('email_log')
    .select(['id', 'recipient', 'kind', 'subject', 'status', 'error', 'attempts', 'created_at', 'sent_at'])
    .where('workspace_id', '=', workspaceId)
  if (opts.failedOnly) query = query.where('status', 'in', ['failed', 'bounced', 'complained'])
  return query.orderBy('created_at', 'desc').orderBy('id').limit(opts.limit).execute()
}
