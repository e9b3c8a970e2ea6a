import type { Transaction } from 'kysely'
import type { AppLocale } from '#app/i18n/config.ts'
import type { DB, Role } from '#db/types.ts'
import { invitationEmail } from '#emails/invitation.tsx'
import { sendEmail, type SendEmailResult } from '#emails/send.ts'
import { db } from '#server/db.ts'
import { env } from '#server/env.ts'
import { findInvitationById, insertInvitation } from '#server/repositories/invitations.ts'
import { newOneTimeToken } from '../one-time-token.ts'

export const INVITATION_TTL_MS = 7 * 24 * 60 * 60 * 1000

/**
 * Writes one invitation (in the caller's transaction) and returns the token
 * for its link. Only the token's SHA-256 is stored. Not authorised here:
 * callers (the secretariat's invite, the admin's new workspace) do that.
 */
export async function issueInvitation(
  trx: Transaction<DB>,
  input: { workspaceId: string; email: string; role: Role; countryId: string | null; organisationId: string | null; invitedBy: string },
) {
  const { token, hash } = newOneTimeToken()
  const expiresAt = new Date(Date.now() + INVITATION_TTL_MS)
  const row = await insertInvitation(trx, { ...input, tokenHash: hash, expiresAt })
  return { invitationId: row.id, token, expiresAt }
}

export function invitationUrl(token: string) {
  return `${env().APP_URL}/invite/${token}`
}

/**
 * Sends the invitation e-mail, once per invitation (key `invitation:<id>`).
 * Its language: the inviter's choice, else the country's for a focal point,
 * else the workspace's default.
 */
export async function sendInvitationEmail(invitationId: string, token: string, chosenLocale?: AppLocale | null): Promise<SendEmailResult> {
  const invitation = await findInvitationById(db, invitationId)
  if (!invitation) throw new Error(`invitation ${invitationId} vanished before its e-mail was sent`)
  const locale = invitationLocale(invitation, chosenLocale)
  return sendEmail({
    key: `invitation:${invitation.id}`,
    kind: 'invitation',
    to: invitation.email,
    workspaceId: invitation.workspaceId,
    locale,
    template: invitationEmail,
    category: 'mandatory',
    props: {
      workspaceName: invitation.workspaceName,
      inviterName: invitation.inviterName ?? '',
      inviterEmail: invitation.inviterEmail ?? '',
      role: invitation.role,
      countryName: invitation.countryNames?.[locale] ?? null,
      organisationName: invitation.organisationName,
      acceptUrl: invitationUrl(token),
      expiresAt: invitation.expiresAt.toISOString(),
      timeZone: invitation.countryTimeZone ?? invitation.workspaceTimeZone,
    },
  })
}

export function invitationLocale(
  invitation: { countryLocale: AppLocale | null; workspaceLocale: AppLocale },
  chosen?: AppLocale | null,
): AppLocale {
  return chosen ?? invitation.countryLocale ?? invitation.workspaceLocale
}
