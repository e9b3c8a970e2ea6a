import { requireAssignmentWrite, type Actor } from '#server/authz.ts'
import { db } from '#server/db.ts'
import { AppError } from '#server/errors.ts'
import { recordActivity } from '#server/repositories/activity.ts'
import * as assignments from '#server/repositories/assignments.ts'
import * as evidence from '#server/repositories/evidence.ts'
import { writtenItem } from './read-item.ts'
import { parseInput, ZUpdateAssignment, type TUpdateAssignment } from './schemas.ts'
import { conflictError, lockCurrent, snapshot, writeComment } from './shared.ts'
import { decideTransition, standingOf, type Transition } from './transitions.ts'

/**
 * assignment.update: a status move of the status table (not verify/return,
 * which have their own procedures; never to completed), a new progress note,
 * an evidence link, and — for a reopen — the comment it needs. One
 * transaction: the row (version + 1), one history row, one activity row and
 * the outbox rows of the notifications it causes.
 */
export async function updateAssignment(actor: Actor, rawInput: TUpdateAssignment) {
  const input = parseInput(ZUpdateAssignment, rawInput)
  return db.transaction().execute(async (trx) => {
    const { current, checkVersion } = await lockCurrent(trx, actor, input.assignmentId, input.version)
    const target = { workspaceId: current.workspaceId, assigneeKind: current.assigneeKind, countryId: current.countryId, organisationId: current.organisationId }
    requireAssignmentWrite(actor, target)
    checkVersion()

    const statusChanges = input.status !== undefined && input.status !== current.status
    let transition: Transition | undefined
    if (statusChanges && input.status) {
      transition = decideTransition(actor, target, {
        from: current.status,
        to: input.status,
        via: 'update',
        note: input.progressNote,
        comment: input.comment,
      })
    } else if (current.status === 'completed' && standingOf(actor, target) !== 'secretariat') {
      throw new AppError('BAD_REQUEST', 'status: this assignment is completed; the secretariat must reopen it before it changes again', {
        field: 'status',
        allowed: [],
        i18n: { key: 'assignments:errors.completedLocked' },
      })
    }
    const noteChanges = input.progressNote !== undefined && input.progressNote !== current.progressNote
    const comment = input.comment?.trim() ? input.comment : undefined
    if (!statusChanges && !noteChanges && !input.evidenceUrl && !comment) {
      throw new AppError('BAD_REQUEST', 'Nothing to change: give a new status, progress note, evidence link or comment', {
        field: 'status',
        i18n: { key: 'assignments:errors.nothingToChange' },
      })
    }

    const action = transition?.action ?? (noteChanges ? 'note' : input.evidenceUrl ? 'evidence' : 'comment')
    const note = transition?.needs === 'comment' ? (comment ?? '') : noteChanges ? (input.progressNote ?? '') : input.evidenceUrl ? input.evidenceUrl : (comment ?? '')
    // The row and its history row in one statement, returning what the answer needs (no read of the item after).
    const next = await assignments.updateWithHistory(
      trx,
      current.id,
      input.version,
      { status: statusChanges ? input.status : undefined, progressNote: noteChanges ? input.progressNote : undefined },
      actor.userId,
      { action, fromStatus: current.status, note },
    )
    if (!next) throw conflictError(current)

    const link = input.evidenceUrl ? await evidence.insertLink(trx, { assignmentId: current.id, url: input.evidenceUrl, createdBy: actor.userId }) : undefined
    const written = comment ? await writeComment(trx, actor, current, comment) : undefined

    await recordActivity(trx, {
      workspaceId: current.workspaceId,
      actorId: actor.userId,
      action: `assignment.${action}`,
      subjectType: 'assignment',
      subjectId: current.id,
      before: snapshot(current),
      after: {
        ...snapshot({ status: next.status, progressNote: next.progress_note, version: next.version }),
        ...(link ? { evidenceUrl: link.url } : {}),
        ...(written ? { commentId: written.comment.id } : {}),
      },
    })
    if (transition?.to === 'submitted') {
      await assignments.insertOutbox(trx, 'assignment.submitted', {
        workspaceId: current.workspaceId,
        assignmentId: current.id,
        taskId: current.taskId,
        countryId: current.countryId,
        organisationId: current.organisationId,
        actorId: actor.userId,
        version: next.version,
        recipientUserIds: await assignments.memberIds(trx, current.workspaceId, { role: 'secretariat' }),
      })
    }
    return writtenItem(current, next)
  })
}
