import { z } from 'zod'
import type { SendEmailResult } from '#emails/send.ts'
import { authorize, type Actor } from '#server/authz.ts'
import { db } from '#server/db.ts'
import { AppError } from '#server/errors.ts'
import { recordActivity } from '#server/repositories/activity.ts'
import { revokeOpenInvitations } from '#server/repositories/invitations.ts'
import { findMembershipByEmail } from '#server/repositories/members.ts'
import { parseInput } from '../parse-input.ts'
import { optional, ZEmail, ZLocale, ZRole, ZUuid } from '../schemas.ts'
import { issueInvitation, sendInvitationEmail } from './issue-invitation.ts'

export const ZCreateInvitation = z.object({
  workspaceId: ZUuid,
  email: ZEmail,
  role: ZRole,
  /** Required for a focal point, ignored otherwise. */
  countryId: optional(ZUuid),
  /** Required for a partner, ignored otherwise. */
  organisationId: optional(ZUuid),
  /** The e-mail's language; default: the country's (focal points), else the workspace's. */
  locale: optional(ZLocale),
})
export type TCreateInvitation = z.input<typeof ZCreateInvitation>

/**
 * The secretariat invites someone by e-mail with a role. An open invitation
 * of the same address to this workspace is revoked (its link stops working),
 * so sending again is how an invitation is re-sent.
 */
export async function createInvitation(
  actor: Actor,
  raw: TCreateInvitation,
): Promise<{ invitationId: string; email: string; expiresAt: Date; delivery: SendEmailResult }> {
  const input = parseInput(ZCreateInvitation, raw)
  authorize(actor, 'manage:members', input.workspaceId)
  const countryId = input.role === 'focal_point' ? input.countryId : undefined
  const organisationId = input.role === 'partner' ? input.organisationId : undefined
  if (input.role === 'focal_point' && !countryId) {
    throw new AppError('BAD_REQUEST', 'A focal point needs a country', { field: 'countryId', i18n: { key: 'admin:errors.countryRequired' } })
  }
  if (input.role === 'partner' && !organisationId) {
    throw new AppError('BAD_REQUEST', 'A partner needs an organisation', { field: 'organisationId', i18n: { key: 'admin:errors.organisationRequired' } })
  }

  const issued = await db.transaction().execute(async (trx) => {
    if (countryId) {
      const country = await trx.selectFrom('country').select('code').where('id', '=', countryId).where('workspace_id', '=', input.workspaceId).executeTakeFirst()
      if (!country) throw new AppError('BAD_REQUEST', 'No such country in this workspace', { field: 'countryId', i18n: { key: 'admin:errors.countryRequired' } })
    }
    if (organisationId) {
      const organisation = await trx.selectFrom('organisation').select('code').where('id', '=', organisationId).where('workspace_id', '=', input.workspaceId).executeTakeFirst()
      if (!organisation) throw new AppError('BAD_REQUEST', 'No such organisation in this workspace', { field: 'organisationId', i18n: { key: 'admin:errors.organisationRequired' } })
    }
    const member = await findMembershipByEmail(trx, input.workspaceId, input.email)
    if (member) {
      throw new AppError('BAD_REQUEST', member.deactivated_at ? 'This person is a deactivated member: reactivate them instead' : 'This person is already a member', {
        field: 'email',
        i18n: { key: member.deactivated_at ? 'admin:errors.alreadyMemberDeactivated' : 'admin:errors.alreadyMember' },
      })
    }
    const replaced = await revokeOpenInvitations(trx, input.workspaceId, input.email)
    const result = await issueInvitation(trx, {
      workspaceId: input.workspaceId,
      email: input.email,
      role: input.role,
      countryId: countryId ?? null,
      organisationId: organisationId ?? null,
      invitedBy: actor.userId,
    })
    await recordActivity(trx, {
      workspaceId: input.workspaceId,
      actorId: actor.userId,
      action: 'invitation.created',
      subjectType: 'invitation',
      subjectId: result.invitationId,
      after: { email: input.email, role: input.role, countryId: countryId ?? null, organisationId: organisationId ?? null, replaces: replaced },
    })
    return result
  })
  // After the commit: the e-mail links to a row that exists. Its outcome is
  // in email_log either way; a failure is reported to the secretariat.
  const delivery = await sendInvitationEmail(issued.invitationId, issued.token, input.locale)
  return { invitationId: issued.invitationId, email: input.email, expiresAt: issued.expiresAt, delivery }
}
