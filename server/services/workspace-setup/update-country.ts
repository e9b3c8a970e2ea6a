import { z } from 'zod'
import { authorize, type Actor } from '#server/authz.ts'
import { db } from '#server/db.ts'
import { AppError } from '#server/errors.ts'
import { recordActivity } from '#server/repositories/activity.ts'
import { findCountryForUpdate, updateCountry as writeCountry } from '#server/repositories/workspace-setup.ts'
import { parseInput } from '../parse-input.ts'
import { ZUuid } from '../schemas.ts'
import { countrySnapshot, ZCountryLocale, ZCountryName, ZTimeZone } from './schemas.ts'

export const ZUpdateCountry = z.object({
  workspaceId: ZUuid,
  countryId: ZUuid,
  nameEs: ZCountryName,
  namePt: ZCountryName,
  nameEn: ZCountryName,
  locale: ZCountryLocale,
  timeZone: ZTimeZone,
})
export type TUpdateCountry = z.input<typeof ZUpdateCountry>

/**
 * Edits a member state's names, language and time zone (its ISO code stays:
 * assignments and history refer to it). Secretariat only.
 */
export async function updateCountry(actor: Actor, raw: TUpdateCountry) {
  const input = parseInput(ZUpdateCountry, raw)
  authorize(actor, 'manage:workspace', input.workspaceId)
  return db.transaction().execute(async (trx) => {
    const current = await findCountryForUpdate(trx, input.workspaceId, input.countryId)
    if (!current) throw new AppError('NOT_FOUND', 'No such member state in this workspace', { field: 'countryId', i18n: { key: 'workspace:errors.countryGone' } })
    const next = { nameEs: input.nameEs, namePt: input.namePt, nameEn: input.nameEn, locale: input.locale, timeZone: input.timeZone }
    const unchanged =
      current.nameEs === next.nameEs && current.namePt === next.namePt && current.nameEn === next.nameEn && current.locale === next.locale && current.timeZone === next.timeZone
    if (unchanged) return { country: current, changed: false }
    const country = await writeCountry(trx, current.id, next)
    await recordActivity(trx, {
      workspaceId: input.workspaceId,
      actorId: actor.userId,
      action: 'country.updated',
      subjectType: 'country',
      subjectId: country.id,
      before: countrySnapshot(current),
      after: countrySnapshot(country),
    })
    return { country, changed: true }
  })
}
