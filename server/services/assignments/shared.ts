import type { Transaction } from 'kysely'
import type { DB } from '#db/types.ts'
import { requireMember, type Actor } from '#server/authz.ts'
import { AppError } from '#server/errors.ts'
import * as assignments from '#server/repositories/assignments.ts'
import * as comments from '#server/repositories/comments.ts'

/** Internal building blocks shared by the assignment write services. */

export function notFound(): AppError {
  return new AppError('NOT_FOUND', 'No such assignment', { i18n: { key: 'errors.notFound' } })
}

export function conflictError(current: assignments.LockedAssignment): AppError {
  const by = current.updatedByName ?? 'someone'
  const at = current.updatedAt.toISOString()
  return new AppError('CONFLICT', `${by} changed this assignment at ${at} (now version ${current.version}). Reload it, then apply your change again.`, {
    conflict: { by, at },
    version: current.version,
    i18n: { key: 'assignments:errors.conflict', values: { by, at } },
  })
}

/**
 * Locks the assignment and checks the caller is a member and based their
 * change on the current version. A non-member gets NOT_FOUND (as if it did
 * not exist); a stale version gets CONFLICT naming who changed it and when.
 */
export async function lockCurrent(trx: Transaction<DB>, actor: Actor, assignmentId: string, version: number) {
  const current = await assignments.findForUpdate(trx, assignmentId)
  if (!current) throw notFound()
  try {
    requireMember(actor, current.workspaceId)
  } catch {
    throw notFound()
  }
  return {
    current,
    /** Run after authorisation so a caller who may not write learns nothing more. */
    checkVersion() {
      if (current.version !== version) throw conflictError(current)
    },
  }
}

export function snapshot(a: { status: string; progressNote: string; version: number }) {
  return { status: a.status, progressNote: a.progressNote, version: a.version }
}

/** `@handle` tokens: the e-mail local part of a member (letters, digits, . _ + -). */
export function mentionedHandles(body: string): string[] {
  const handles = new Set<string>()
  for (const match of body.matchAll(/(^|[^\w.@])@([a-z0-9][a-z0-9._+-]{0,63})/gi)) {
    handles.add(match[2].replace(/[._+-]+$/, '').toLowerCase())
  }
  return [...handles]
}

/**
 * Inserts a comment and, for the members it @mentions (other than the
 * author), one outbox row. Part of the caller's transaction.
 */
export async function writeComment(trx: Transaction<DB>, actor: Actor, assignment: { id: string; workspaceId: string }, body: string) {
  const comment = await comments.insertComment(trx, { assignmentId: assignment.id, authorId: actor.userId, body })
  const mentioned = (await comments.membersByHandle(trx, assignment.workspaceId, mentionedHandles(body))).filter((m) => m.id !== actor.userId)
  if (mentioned.length) {
    await assignments.insertOutbox(trx, 'comment.mentioned', {
      workspaceId: assignment.workspaceId,
      assignmentId: assignment.id,
      commentId: comment.id,
      actorId: actor.userId,
      recipientUserIds: mentioned.map((m) => m.id),
    })
  }
  return { comment, mentionedUserIds: mentioned.map((m) => m.id) }
}
