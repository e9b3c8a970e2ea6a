import { z } from 'zod'
import { invalidateUserSessions } from '#server/auth/session.ts'
import { authorize, type Actor } from '#server/authz.ts'
import { db } from '#server/db.ts'
import { AppError } from '#server/errors.ts'
import { recordActivity } from '#server/repositories/activity.ts'
import { findMembershipForUpdate, updateMembership } from '#server/repositories/members.ts'
import { parseInput } from '../parse-input.ts'
import { ZUuid } from '../schemas.ts'
import { lockSecretariat } from './last-secretariat.ts'

export const ZSetMemberActive = z.object({ workspaceId: ZUuid, membershipId: ZUuid, active: z.boolean() })
export type TSetMemberActive = z.input<typeof ZSetMemberActive>

/**
 * Deactivates or reactivates a member. A deactivated member loses this
 * workspace at once; their sessions end (all of them: a session is not tied
 * to one workspace, and sign-in then admits them only to workspaces where
 * they are still active). The last active secretariat member cannot be
 * deactivated.
 */
export async function setMemberActive(actor: Actor, raw: TSetMemberActive) {
  const input = parseInput(ZSetMemberActive, raw)
  authorize(actor, 'manage:members', input.workspaceId)
  const result = await db.transaction().execute(async (trx) => {
    const secretariat = await lockSecretariat(trx, input.workspaceId)
    const current = await findMembershipForUpdate(trx, input.workspaceId, input.membershipId)
    if (!current) throw new AppError('NOT_FOUND', 'No such member', { i18n: { key: 'admin:errors.memberGone' } })
    const isActive = current.deactivated_at === null
    if (isActive === input.active) return { membershipId: current.id, userId: current.user_id, changed: false }
    if (!input.active && current.role === 'secretariat') {
      secretariat.ensureRemainsWithout(current.id, actor.userId, current.user_id)
    }
    const next = await updateMembership(trx, current.id, { deactivated_at: input.active ? null : new Date() })
    await recordActivity(trx, {
      workspaceId: input.workspaceId,
      actorId: actor.userId,
      action: input.active ? 'member.reactivated' : 'member.deactivated',
      subjectType: 'membership',
      subjectId: current.id,
      before: { userId: current.user_id, role: current.role, deactivatedAt: current.deactivated_at },
      after: { userId: next.user_id, role: next.role, deactivatedAt: next.deactivated_at },
    })
    return { membershipId: current.id, userId: current.user_id, changed: true }
  })
  let endedSessions = 0
  if (result.changed && !input.active) endedSessions = await invalidateUserSessions(result.userId)
  return { ...result, endedSessions }
}
