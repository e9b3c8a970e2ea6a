import { authorize, membershipIn, type Actor } from '#server/authz.ts'
import { db } from '#server/db.ts'
import { recordActivity } from '#server/repositories/activity.ts'
import * as assignments from '#server/repositories/assignments.ts'
import { parseInput, ZAddComment, type TAddComment } from './schemas.ts'
import { notFound, writeComment } from './shared.ts'

/**
 * comment.add: any member who may comment (secretariat, focal points,
 * partners — not observers) comments on any assignment of their workspace.
 * @mentions name members by the local part of their e-mail address
 * (`@fp.ar` for fp.ar@example.org); each mentioned member gets a
 * notification through the outbox. A comment does not change the
 * assignment's version (comments only append, they cannot conflict); it
 * writes one history row and one activity row.
 */
export async function addComment(actor: Actor, rawInput: TAddComment) {
  const input = parseInput(ZAddComment, rawInput)
  return db.transaction().execute(async (trx) => {
    const ref = await assignments.findRef(trx, input.assignmentId)
    if (!ref || !membershipIn(actor, ref.workspaceId)) throw notFound()
    authorize(actor, 'comment:assignment', ref.workspaceId)
    const current = await assignments.findForUpdate(trx, ref.id)
    if (!current) throw notFound()
    const { comment, mentionedUserIds } = await writeComment(trx, actor, current, input.body)
    await assignments.insertHistory(trx, {
      assignmentId: current.id,
      actorId: actor.userId,
      action: 'comment',
      fromStatus: current.status,
      toStatus: current.status,
      note: input.body,
      version: current.version,
    })
    await recordActivity(trx, {
      workspaceId: current.workspaceId,
      actorId: actor.userId,
      action: 'comment.add',
      subjectType: 'assignment',
      subjectId: current.id,
      after: { commentId: comment.id, body: comment.body, mentionedUserIds },
    })
    return {
      id: comment.id,
      assignmentId: comment.assignment_id,
      authorId: comment.author_id,
      authorName: actor.name || actor.email,
      body: comment.body,
      createdAt: comment.created_at.toISOString(),
      mentionedUserIds,
    }
  })
}
