import { z } from 'zod'
import type { SendEmailResult } from '#emails/send.ts'
import { authorize, type Actor } from '#server/authz.ts'
import { db } from '#server/db.ts'
import { AppError } from '#server/errors.ts'
import { recordActivity } from '#server/repositories/activity.ts'
import { revokeOpenInvitations } from '#server/repositories/invitations.ts'
import { findMembershipByEmail } from '#server/repositories/members.ts'
import { issueInvitation, sendInvitationEmail } from '../invitations/issue-invitation.ts'
import { parseInput } from '../parse-input.ts'
import { optional, ZEmail, ZLocale, ZUuid } from '../schemas.ts'

export const ZInviteSecretariat = z.object({ workspaceId: ZUuid, email: ZEmail, locale: optional(ZLocale) })
export type TInviteSecretariat = z.input<typeof ZInviteSecretariat>

/**
 * The instance admin invites a secretariat member to any workspace: how a
 * workspace whose first invitation expired (or whose secretariat left) gets
 * one again. An open invitation of the same address is replaced.
 */
export async function inviteSecretariat(actor: Actor, raw: TInviteSecretariat): Promise<{ invitationId: string; email: string; delivery: SendEmailResult }> {
  authorize(actor, 'create:workspace')
  const input = parseInput(ZInviteSecretariat, raw)
  const issued = await db.transaction().execute(async (trx) => {
    const workspace = await trx.selectFrom('workspace').select(['id', 'default_locale']).where('id', '=', input.workspaceId).executeTakeFirst()
    if (!workspace) throw new AppError('NOT_FOUND', 'No such workspace', { i18n: { key: 'admin:errors.workspaceGone' } })
    const member = await findMembershipByEmail(trx, input.workspaceId, input.email)
    if (member) {
      throw new AppError('BAD_REQUEST', 'This person is already a member', {
        field: 'email',
        i18n: { key: member.deactivated_at ? 'admin:errors.alreadyMemberDeactivated' : 'admin:errors.alreadyMember' },
      })
    }
    const replaced = await revokeOpenInvitations(trx, input.workspaceId, input.email)
    const result = await issueInvitation(trx, { workspaceId: input.workspaceId, email: input.email, role: 'secretariat', countryId: null, organisationId: null, invitedBy: actor.userId })
    await recordActivity(trx, {
      workspaceId: input.workspaceId,
      actorId: actor.userId,
      action: 'invitation.created',
      subjectType: 'invitation',
      subjectId: result.invitationId,
      after: { email: input.email, role: 'secretariat', countryId: null, organisationId: null, replaces: replaced },
    })
    return { ...result, locale: workspace.default_locale }
  })
  const delivery = await sendInvitationEmail(issued.invitationId, issued.token, input.locale ?? issued.locale)
  return { invitationId: issued.invitationId, email: input.email, delivery }
}
