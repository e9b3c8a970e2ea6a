import { authorize, type Actor } from '#server/authz.ts'
import { db } from '#server/db.ts'
import { recordActivity } from '#server/repositories/activity.ts'
import * as assignments from '#server/repositories/assignments.ts'
import { readItem } from './read-item.ts'
import { parseInput, ZReturnAssignment, type TReturnAssignment } from './schemas.ts'
import { conflictError, lockCurrent, snapshot, writeComment } from './shared.ts'
import { decideTransition } from './transitions.ts'

/**
 * assignment.return: submitted → in_progress with a comment, by the
 * secretariat. The comment is kept as a comment of the assignment and as the
 * history note; the assignee's members are notified.
 */
export async function returnAssignment(actor: Actor, rawInput: TReturnAssignment) {
  const input = parseInput(ZReturnAssignment, rawInput)
  return db.transaction().execute(async (trx) => {
    const { current, checkVersion } = await lockCurrent(trx, actor, input.assignmentId, input.version)
    authorize(actor, 'verify:assignment', current.workspaceId)
    checkVersion()
    const target = { workspaceId: current.workspaceId, assigneeKind: current.assigneeKind, countryId: current.countryId, organisationId: current.organisationId }
    decideTransition(actor, target, { from: current.status, to: 'in_progress', via: 'return', comment: input.comment })
    const next = await assignments.updateIfVersion(trx, current.id, input.version, { status: 'in_progress' }, actor.userId)
    if (!next) throw conflictError(current)
    const { comment } = await writeComment(trx, actor, current, input.comment)
    await assignments.insertHistory(trx, {
      assignmentId: current.id,
      actorId: actor.userId,
      action: 'return',
      fromStatus: current.status,
      toStatus: 'in_progress',
      note: input.comment,
      version: next.version,
    })
    await recordActivity(trx, {
      workspaceId: current.workspaceId,
      actorId: actor.userId,
      action: 'assignment.return',
      subjectType: 'assignment',
      subjectId: current.id,
      before: snapshot(current),
      after: { ...snapshot({ status: next.status, progressNote: next.progress_note, version: next.version }), commentId: comment.id },
    })
    await assignments.insertOutbox(trx, 'assignment.returned', {
      workspaceId: current.workspaceId,
      assignmentId: current.id,
      taskId: current.taskId,
      countryId: current.countryId,
      organisationId: current.organisationId,
      actorId: actor.userId,
      commentId: comment.id,
      version: next.version,
      recipientUserIds: await assignments.assigneeMemberIds(trx, current),
    })
    return readItem(trx, current.id)
  })
}
