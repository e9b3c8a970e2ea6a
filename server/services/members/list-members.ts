import { authorize, type Actor } from '#server/authz.ts'
import { db } from '#server/db.ts'
import { listOpenInvitations } from '#server/repositories/invitations.ts'
import { listMembers as members, workspaceCountries, workspaceOrganisations } from '#server/repositories/members.ts'

/** The members page: members (active first), open invitations, and the choices of the forms. Secretariat only. */
export async function listMembers(actor: Actor, input: { workspaceId: string }) {
  authorize(actor, 'manage:members', input.workspaceId)
  const [memberRows, invitations, countries, organisations, workspace] = await Promise.all([
    members(db, input.workspaceId),
    listOpenInvitations(db, input.workspaceId),
    workspaceCountries(db, input.workspaceId),
    workspaceOrganisations(db, input.workspaceId),
    db.selectFrom('workspace').select(['id', 'slug', 'name', 'default_locale']).where('id', '=', input.workspaceId).executeTakeFirstOrThrow(),
  ])
  return { workspace, members: memberRows, invitations, countries, organisations }
}
