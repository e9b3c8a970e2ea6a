import { z } from 'zod'
import { authorize, type Actor } from '#server/authz.ts'
import { db } from '#server/db.ts'
import { listCountriesWithUse, listOrganisationsWithUse } from '#server/repositories/workspace-setup.ts'
import { parseInput } from '../parse-input.ts'
import { ZUuid } from '../schemas.ts'

export const ZGetWorkspaceSetup = z.object({ workspaceId: ZUuid })

/**
 * The workspace's member states (with how many active focal points and
 * assignments each has) and partner organisations. Secretariat only.
 */
export async function getWorkspaceSetup(actor: Actor, raw: z.input<typeof ZGetWorkspaceSetup>) {
  const input = parseInput(ZGetWorkspaceSetup, raw)
  authorize(actor, 'manage:workspace', input.workspaceId)
  const [countries, organisations] = await Promise.all([listCountriesWithUse(db, input.workspaceId), listOrganisationsWithUse(db, input.workspaceId)])
  return { countries, organisations }
}
