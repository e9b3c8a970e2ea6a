import { sql, type Expression, type Kysely, type Transaction } from 'kysely'
import type { DB } from '#db/types.ts'

type Q = Kysely<DB> | Transaction<DB>

export async function insertComment(trx: Transaction<DB>, row: { assignmentId: string; authorId: string; body: string }) {
  return trx
    .insertInto('comment')
    .values({ assignment_id: row.assignmentId, author_id: row.authorId, body: row.body })
    .returning(['id', 'assignment_id', 'author_id', 'body', 'created_at'])
    .executeTakeFirstOrThrow()
}

/** An assignment's comments, oldest first; `assignmentId` may be a column reference (a sub-query of the assignment read). */
export function listForAssignmentQuery(q: Q, assignmentId: string | Expression<string>) {
  return q
    .selectFrom('comment as cm')
    .leftJoin('app_user as u', 'u.id', 'cm.author_id')
    .select(['cm.id', 'cm.body', 'cm.author_id', 'cm.created_at', sql<string | null>`coalesce(nullif(u.name, ''), u.email)`.as('author_name')])
    .where('cm.assignment_id', '=', assignmentId)
    .orderBy('cm.created_at')
    .orderBy('cm.id')
}

/**
 * Active members of a workspace whose e-mail local part (the text before
 * `@`) is one of `handles` — how @mentions name people.
 */
export async function membersByHandle(q: Q, workspaceId: string, handles: string[]) {
  if (!handles.length) return []
  return q
    .selectFrom('membership as m')
    .innerJoin('app_user as u', 'u.id', 'm.user_id')
    .select(['u.id', 'u.email', 'u.name', sql<string>`split_part(u.email, '@', 1)`.as('handle')])
    .where('m.workspace_id', '=', workspaceId)
    .where('m.deactivated_at', 'is', null)
    .where(sql`split_part(u.email, '@', 1)`, 'in', handles)
    .orderBy('u.email')
    .execute()
}
