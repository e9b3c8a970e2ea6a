import type { AppLocale } from '#app/i18n/config.ts'
import type { Role } from '#db/types.ts'
import { db } from '#server/db.ts'
import { findInvitationByTokenHash, type InvitationRecord } from '#server/repositories/invitations.ts'
import { hashOneTimeToken, isWellFormedOneTimeToken } from '../one-time-token.ts'

export type InvitationState = 'valid' | 'expired' | 'accepted' | 'revoked' | 'unknown'

export interface InvitationView {
  state: InvitationState
  invitation: {
    email: string
    role: Role
    workspaceName: string
    workspaceSlug: string
    countryName: string | null
    organisationName: string | null
    inviterName: string | null
    inviterEmail: string | null
    expiresAt: string
  } | null
  /** The invited address already has an account with a password: joining asks for that password. */
  existingAccount: boolean
}

export function invitationState(invitation: Pick<InvitationRecord, 'acceptedAt' | 'revokedAt' | 'expiresAt'> | undefined, now = new Date()): InvitationState {
  if (!invitation) return 'unknown'
  if (invitation.acceptedAt) return 'accepted'
  if (invitation.revokedAt) return 'revoked'
  if (invitation.expiresAt.getTime() <= now.getTime()) return 'expired'
  return 'valid'
}

/**
 * What the invitation page shows for a token. Read only: opening the link
 * (a mail scanner following it) uses nothing up.
 */
export async function inspectInvitation(token: string, locale: AppLocale): Promise<InvitationView> {
  const invitation = isWellFormedOneTimeToken(token) ? await findInvitationByTokenHash(db, hashOneTimeToken(token)) : undefined
  const state = invitationState(invitation)
  if (!invitation) return { state, invitation: null, existingAccount: false }
  const user = await db.selectFrom('app_user').select(['password_hash']).where('email', '=', invitation.email).executeTakeFirst()
  return {
    state,
    existingAccount: !!user?.password_hash,
    invitation: {
      email: invitation.email,
      role: invitation.role,
      workspaceName: invitation.workspaceName,
      workspaceSlug: invitation.workspaceSlug,
      countryName: invitation.countryNames?.[locale] ?? null,
      organisationName: invitation.organisationName,
      inviterName: invitation.inviterName,
      inviterEmail: invitation.inviterEmail,
      expiresAt: invitation.expiresAt.toISOString(),
    },
  }
}
