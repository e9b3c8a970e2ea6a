import { sql, type Expression, type Kysely, type Transaction } from 'kysely'
import type { DB } from '#db/types.ts'

type Q = Kysely<DB> | Transaction<DB>

export async function insertLink(trx: Transaction<DB>, row: { assignmentId: string; url: string; createdBy: string }) {
  return trx
    .insertInto('evidence')
    .values({ assignment_id: row.assignmentId, kind: 'link', url: row.url, created_by: row.createdBy })
    .returning(['id', 'kind', 'url', 'file_name', 'content_type', 'size_bytes', 'created_at'])
    .executeTakeFirstOrThrow()
}

/** Metadata and bytes in one transaction; the bytes live in evidence_file so listings never read them. */
export async function insertFile(
  trx: Transaction<DB>,
  row: { assignmentId: string; fileName: string; contentType: string; data: Buffer; createdBy: string },
) {
  const evidence = await trx
    .insertInto('evidence')
    .values({
      assignment_id: row.assignmentId,
      kind: 'file',
      file_name: row.fileName,
      content_type: row.contentType,
      size_bytes: row.data.length,
      created_by: row.createdBy,
    })
    .returning(['id', 'kind', 'url', 'file_name', 'content_type', 'size_bytes', 'created_at'])
    .executeTakeFirstOrThrow()
  await trx.insertInto('evidence_file').values({ evidence_id: evidence.id, data: row.data }).execute()
  return evidence
}

/** An assignment's evidence, oldest first; `assignmentId` may be a column reference (a sub-query of the assignment read). */
export function listForAssignmentQuery(q: Q, assignmentId: string | Expression<string>) {
  return q
    .selectFrom('evidence as e')
    .leftJoin('app_user as u', 'u.id', 'e.created_by')
    .select([
      'e.id',
      'e.kind',
      'e.url',
      'e.file_name',
      'e.content_type',
      'e.size_bytes',
      'e.created_at',
      sql<string | null>`coalesce(nullif(u.name, ''), u.email)`.as('created_by_name'),
    ])
    .where('e.assignment_id', '=', assignmentId)
    .orderBy('e.created_at')
    .orderBy('e.id')
}

/** A file with its bytes and the workspace it belongs to (for the membership check). */
export async function findFile(q: Q, evidenceId: string) {
  return q
    .selectFrom('evidence as e')
    .innerJoin('assignment as a', 'a.id', 'e.assignment_id')
    .innerJoin('evidence_file as f', 'f.evidence_id', 'e.id')
    .select(['e.id', 'e.file_name', 'e.content_type', 'e.size_bytes', 'a.workspace_id', 'f.data'])
    .where('e.id', '=', evidenceId)
    .where('e.kind', '=', 'file')
    .executeTakeFirst()
}
