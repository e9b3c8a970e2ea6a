import { z } from 'zod'
import { authorize, type Actor } from '#server/authz.ts'
import { db } from '#server/db.ts'
import { AppError } from '#server/errors.ts'
import { referenceCountry } from '#server/reference/countries.ts'
import { recordActivity } from '#server/repositories/activity.ts'
import { insertCountry } from '#server/repositories/workspace-setup.ts'
import { parseInput } from '../parse-input.ts'
import { optional, ZUuid } from '../schemas.ts'
import { countrySnapshot, ZCountryCode, ZCountryLocale, ZCountryName, ZTimeZone } from './schemas.ts'

export const ZAddCountry = z.object({
  workspaceId: ZUuid,
  code: ZCountryCode,
  /** Names, language and time zone default to the reference list's. */
  nameEs: optional(ZCountryName),
  namePt: optional(ZCountryName),
  nameEn: optional(ZCountryName),
  locale: optional(ZCountryLocale),
  timeZone: optional(ZTimeZone),
})
export type TAddCountry = z.input<typeof ZAddCountry>

/** Adds a member state (ISO 3166-1 alpha-2) to the workspace. Secretariat only. */
export async function addCountry(actor: Actor, raw: TAddCountry) {
  const input = parseInput(ZAddCountry, raw)
  authorize(actor, 'manage:workspace', input.workspaceId)
  const reference = referenceCountry(input.code)
  if (!reference) throw new AppError('BAD_REQUEST', 'code: not an ISO 3166-1 alpha-2 code', { field: 'code', i18n: { key: 'workspace:errors.codeUnknown' } })
  const values = {
    code: input.code,
    nameEs: input.nameEs ?? reference.es,
    namePt: input.namePt ?? reference.pt,
    nameEn: input.nameEn ?? reference.en,
    locale: input.locale ?? reference.locale,
    timeZone: input.timeZone ?? reference.timeZone,
  }
  return db.transaction().execute(async (trx) => {
    const country = await insertCountry(trx, input.workspaceId, values)
    if (!country) {
      throw new AppError('BAD_REQUEST', `code: ${input.code} is already a member state of this workspace`, {
        field: 'code',
        i18n: { key: 'workspace:errors.codeTaken', values: { code: input.code } },
      })
    }
    await recordActivity(trx, {
      workspaceId: input.workspaceId,
      actorId: actor.userId,
      action: 'country.added',
      subjectType: 'country',
      subjectId: country.id,
      after: countrySnapshot(country),
    })
    return country
  })
}
