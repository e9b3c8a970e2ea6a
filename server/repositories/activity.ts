import type { Kysely, Transaction } from 'kysely'
import type { DB } from '#db/types.ts'

export interface ActivityEntry {
  workspaceId: string | null
  actorId: string | null
  action: string
  subjectType: string
  subjectId: string | null
  before?: unknown
  after?: unknown
  ip?: string | null
}

/** Appends one row to the audit log (in the caller's transaction). */
export async function recordActivity(trx: Kysely<DB> | Transaction<DB>, entry: ActivityEntry): Promise<void> {
  await trx
    .insertInto('activity')
    .values({
      workspace_id: entry.workspaceId,
      actor_id: entry.actorId,
      action: entry.action,
      subject_type: entry.subjectType,
      subject_id: entry.subjectId,
      before: entry.before === undefined ? null : JSON.stringify(entry.before),
      after: entry.after === undefined ? null : JSON.stringify(entry.after),
      ip: entry.ip ?? null,
    })
    .execute()
}
