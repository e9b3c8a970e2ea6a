import { z } from 'zod'
import { authorize, type Actor } from '#server/authz.ts'
import { db } from '#server/db.ts'
import { AppError } from '#server/errors.ts'
import { recordActivity } from '#server/repositories/activity.ts'
import { countCountryReferences, deleteCountry, findCountryForUpdate } from '#server/repositories/workspace-setup.ts'
import { parseInput } from '../parse-input.ts'
import { ZUuid } from '../schemas.ts'
import { countrySnapshot } from './schemas.ts'

export const ZRemoveCountry = z.object({ workspaceId: ZUuid, countryId: ZUuid })
export type TRemoveCountry = z.input<typeof ZRemoveCountry>

/**
 * Removes a member state added by mistake. A country that anything refers
 * to — focal points (past ones too), invitations, assignments, tasks it
 * leads — is refused: removing it would delete or orphan history.
 * Secretariat only.
 */
export async function removeCountry(actor: Actor, raw: TRemoveCountry) {
  const input = parseInput(ZRemoveCountry, raw)
  authorize(actor, 'manage:workspace', input.workspaceId)
  return db.transaction().execute(async (trx) => {
    // The row lock makes concurrent inserts that refer to the country wait for this decision.
    const current = await findCountryForUpdate(trx, input.workspaceId, input.countryId)
    if (!current) throw new AppError('NOT_FOUND', 'No such member state in this workspace', { field: 'countryId', i18n: { key: 'workspace:errors.countryGone' } })
    const refs = await countCountryReferences(trx, input.workspaceId, current.id)
    if (refs.members + refs.assignments + refs.invitations + refs.tasks > 0) {
      throw new AppError(
        'CONFLICT',
        `${current.code} cannot be removed: ${refs.members} focal point(s), ${refs.assignments} assignment(s), ${refs.invitations} invitation(s) and ${refs.tasks} task(s) refer to it`,
        { field: 'countryId', i18n: { key: 'workspace:errors.countryInUse', values: { code: current.code, ...refs } } },
      )
    }
    await deleteCountry(trx, current.id)
    await recordActivity(trx, {
      workspaceId: input.workspaceId,
      actorId: actor.userId,
      action: 'country.removed',
      subjectType: 'country',
      subjectId: current.id,
      before: countrySnapshot(current),
    })
    return { countryId: current.id, code: current.code }
  })
}
