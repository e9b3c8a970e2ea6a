/**
 * Server-only entry points of the member, invitation, password-reset and
 * admin pages. Remix replaces `*.server.ts` modules with empty ones in the
 * browser bundle, so the services (and PostgreSQL, Redis, argon2 behind
 * them) never reach it.
 */
export { db } from '#server/db.ts'
export { createWorkspace } from '#server/services/admin/create-workspace.ts'
export { listWorkspaces } from '#server/services/admin/list-workspaces.ts'
export { acceptInvitation, InvitationUnusableError } from '#server/services/invitations/accept-invitation.ts'
export { createInvitation } from '#server/services/invitations/create-invitation.ts'
export { inspectInvitation } from '#server/services/invitations/inspect-invitation.ts'
export { revokeInvitation } from '#server/services/invitations/revoke-invitation.ts'
export { listMembers } from '#server/services/members/list-members.ts'
export { setMemberActive } from '#server/services/members/set-member-active.ts'
export { updateMember } from '#server/services/members/update-member.ts'
export { inspectPasswordReset } from '#server/services/password-reset/inspect-password-reset.ts'
export { requestPasswordReset } from '#server/services/password-reset/request-password-reset.ts'
export { resetPassword, ResetUnusableError } from '#server/services/password-reset/reset-password.ts'
export { inviteSecretariat } from '#server/services/admin/invite-secretariat.ts'
export { isAppError } from '#server/errors.ts'
