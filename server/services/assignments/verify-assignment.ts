import { authorize, type Actor } from '#server/authz.ts'
import { db } from '#server/db.ts'
import { recordActivity } from '#server/repositories/activity.ts'
import * as assignments from '#server/repositories/assignments.ts'
import { readItem } from './read-item.ts'
import { parseInput, ZVerifyAssignment, type TVerifyAssignment } from './schemas.ts'
import { conflictError, lockCurrent, snapshot } from './shared.ts'
import { decideTransition } from './transitions.ts'

/** assignment.verify: submitted → completed, by the secretariat; the assignee's members are notified. */
export async function verifyAssignment(actor: Actor, rawInput: TVerifyAssignment) {
  const input = parseInput(ZVerifyAssignment, rawInput)
  return db.transaction().execute(async (trx) => {
    const { current, checkVersion } = await lockCurrent(trx, actor, input.assignmentId, input.version)
    authorize(actor, 'verify:assignment', current.workspaceId)
    checkVersion()
    const target = { workspaceId: current.workspaceId, assigneeKind: current.assigneeKind, countryId: current.countryId, organisationId: current.organisationId }
    decideTransition(actor, target, { from: current.status, to: 'completed', via: 'verify' })
    const next = await assignments.updateIfVersion(trx, current.id, input.version, { status: 'completed' }, actor.userId)
    if (!next) throw conflictError(current)
    await assignments.insertHistory(trx, {
      assignmentId: current.id,
      actorId: actor.userId,
      action: 'verify',
      fromStatus: current.status,
      toStatus: 'completed',
      note: '',
      version: next.version,
    })
    await recordActivity(trx, {
      workspaceId: current.workspaceId,
      actorId: actor.userId,
      action: 'assignment.verify',
      subjectType: 'assignment',
      subjectId: current.id,
      before: snapshot(current),
      after: snapshot({ status: next.status, progressNote: next.progress_note, version: next.version }),
    })
    await assignments.insertOutbox(trx, 'assignment.verified', {
      workspaceId: current.workspaceId,
      assignmentId: current.id,
      taskId: current.taskId,
      countryId: current.countryId,
      organisationId: current.organisationId,
      actorId: actor.userId,
      version: next.version,
      recipientUserIds: await assignments.assigneeMemberIds(trx, current),
    })
    return readItem(trx, current.id)
  })
}
