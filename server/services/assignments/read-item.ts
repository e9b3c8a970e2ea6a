import type { Kysely, Transaction } from 'kysely'
import type { DB } from '#db/types.ts'
import { isOverdueSql } from '#server/repositories/assignment-sql.ts'
import * as assignments from '#server/repositories/assignments.ts'
import { toItem, type AssignmentItem } from './present.ts'
import { notFound } from './shared.ts'

/** The assignment as writes return it: the list item plus its progress note (internal helper, no authorisation). */
export async function readItem(q: Kysely<DB> | Transaction<DB>, id: string): Promise<AssignmentItem & { progressNote: string }> {
  const row = await assignments.findDetail(q, id, isOverdueSql(undefined, 'a'))
  if (!row) throw notFound()
  return { ...toItem(row), progressNote: row.progress_note }
}
