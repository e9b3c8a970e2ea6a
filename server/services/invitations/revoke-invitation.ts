import { z } from 'zod'
import { authorize, type Actor } from '#server/authz.ts'
import { db } from '#server/db.ts'
import { AppError } from '#server/errors.ts'
import { recordActivity } from '#server/repositories/activity.ts'
import { revokeInvitation as revoke } from '#server/repositories/invitations.ts'
import { parseInput } from '../parse-input.ts'
import { ZUuid } from '../schemas.ts'

export const ZRevokeInvitation = z.object({ workspaceId: ZUuid, invitationId: ZUuid })
export type TRevokeInvitation = z.input<typeof ZRevokeInvitation>

/** Withdraws an open invitation: its link then shows "revoked" and whom to ask. */
export async function revokeInvitation(actor: Actor, raw: TRevokeInvitation) {
  const input = parseInput(ZRevokeInvitation, raw)
  authorize(actor, 'manage:members', input.workspaceId)
  return db.transaction().execute(async (trx) => {
    const revoked = await revoke(trx, input.workspaceId, input.invitationId)
    if (!revoked) throw new AppError('NOT_FOUND', 'No such open invitation', { i18n: { key: 'admin:errors.invitationGone' } })
    await recordActivity(trx, {
      workspaceId: input.workspaceId,
      actorId: actor.userId,
      action: 'invitation.revoked',
      subjectType: 'invitation',
      subjectId: revoked.id,
      before: { email: revoked.email, role: revoked.role },
    })
    return { invitationId: revoked.id, email: revoked.email }
  })
}
