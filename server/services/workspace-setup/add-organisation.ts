import { z } from 'zod'
import { authorize, type Actor } from '#server/authz.ts'
import { db } from '#server/db.ts'
import { recordActivity } from '#server/repositories/activity.ts'
import { insertOrganisation } from '#server/repositories/workspace-setup.ts'
import { parseInput } from '../parse-input.ts'
import { ZUuid } from '../schemas.ts'
import { organisationCodeTaken } from './errors.ts'
import { ZOrganisationCode, ZOrganisationName } from './schemas.ts'

export const ZAddOrganisation = z.object({ workspaceId: ZUuid, code: ZOrganisationCode, name: ZOrganisationName })
export type TAddOrganisation = z.input<typeof ZAddOrganisation>

/** Adds a partner organisation (IOM, ILO, ECLAC …). Secretariat only. */
export async function addOrganisation(actor: Actor, raw: TAddOrganisation) {
  const input = parseInput(ZAddOrganisation, raw)
  authorize(actor, 'manage:workspace', input.workspaceId)
  return db.transaction().execute(async (trx) => {
    const organisation = await insertOrganisation(trx, input.workspaceId, { code: input.code, name: input.name })
    if (!organisation) throw organisationCodeTaken(input.code)
    await recordActivity(trx, {
      workspaceId: input.workspaceId,
      actorId: actor.userId,
      action: 'organisation.added',
      subjectType: 'organisation',
      subjectId: organisation.id,
      after: { code: organisation.code, name: organisation.name },
    })
    return organisation
  })
}
