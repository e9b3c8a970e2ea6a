import { z } from 'zod'
import { authorize, type Actor } from '#server/authz.ts'
import { db } from '#server/db.ts'
import { AppError } from '#server/errors.ts'
import { recordActivity } from '#server/repositories/activity.ts'
import { findOrganisationForUpdate, updateOrganisation as writeOrganisation } from '#server/repositories/workspace-setup.ts'
import { parseInput } from '../parse-input.ts'
import { ZUuid } from '../schemas.ts'
import { organisationCodeTaken } from './errors.ts'
import { ZOrganisationCode, ZOrganisationName } from './schemas.ts'

export const ZUpdateOrganisation = z.object({ workspaceId: ZUuid, organisationId: ZUuid, code: ZOrganisationCode, name: ZOrganisationName })
export type TUpdateOrganisation = z.input<typeof ZUpdateOrganisation>

/** Renames a partner organisation or corrects its code. Secretariat only. */
export async function updateOrganisation(actor: Actor, raw: TUpdateOrganisation) {
  const input = parseInput(ZUpdateOrganisation, raw)
  authorize(actor, 'manage:workspace', input.workspaceId)
  return db.transaction().execute(async (trx) => {
    const current = await findOrganisationForUpdate(trx, input.workspaceId, input.organisationId)
    if (!current) {
      throw new AppError('NOT_FOUND', 'No such organisation in this workspace', { field: 'organisationId', i18n: { key: 'workspace:errors.organisationGone' } })
    }
    if (current.code === input.code && current.name === input.name) return { organisation: current, changed: false }
    const organisation = await writeOrganisation(trx, current.id, { code: input.code, name: input.name })
    if (!organisation) throw organisationCodeTaken(input.code)
    await recordActivity(trx, {
      workspaceId: input.workspaceId,
      actorId: actor.userId,
      action: 'organisation.updated',
      subjectType: 'organisation',
      subjectId: organisation.id,
      before: { code: current.code, name: current.name },
      after: { code: organisation.code, name: organisation.name },
    })
    return { organisation, changed: true }
  })
}
