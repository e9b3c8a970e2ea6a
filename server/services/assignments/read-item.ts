import type { Kysely, Transaction } from 'kysely'
import type { AssignmentStatus, DB } from '#db/types.ts'
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

/**
 * The same answer as readItem, built from the locked row and what the update
 * returned (updateWithHistory), without another statement.
 */
export function writtenItem(
  current: assignments.LockedAssignment,
  next: { status: AssignmentStatus; progress_note: string; version: number; updated_at: Date; due_date: string; overdue: boolean },
): AssignmentItem & { progressNote: string } {
  return {
    ...toItem({
      id: current.id,
      task_id: current.taskId,
      task_code: current.taskCode,
      task_title: current.taskTitle,
      country_code: current.countryCode,
      status: next.status,
      due_date: next.due_date,
      overdue: next.overdue,
      version: next.version,
      updated_at: next.updated_at,
    }),
    progressNote: next.progress_note,
  }
}
