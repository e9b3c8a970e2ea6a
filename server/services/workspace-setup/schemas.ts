import { z } from 'zod'
import { SUPPORTED_LOCALES } from '#app/i18n/config.ts'
import { referenceCountry } from '#server/reference/countries.ts'
import type { CountryRow } from '#server/repositories/workspace-setup.ts'

/**
 * Field schemas of the member-state and partner services. Messages are
 * translation keys of the `workspace` namespace, so a refused form names
 * the field in the reader's language.
 */
const SUPPORTED_TIME_ZONES = new Set(Intl.supportedValuesOf('timeZone'))

/**
 * An IANA time zone: one of `Intl.supportedValuesOf('timeZone')`, or an
 * IANA alias of one (ICU lists `America/Buenos_Aires`, the seed uses
 * `America/Argentina/Buenos_Aires`), or UTC. Offsets such as `+05:00` and
 * abbreviations are refused.
 */
export function isIanaTimeZone(value: string): boolean {
  if (SUPPORTED_TIME_ZONES.has(value)) return true
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(value)) return false
  try {
    const canonical = new Intl.DateTimeFormat('en', { timeZone: value }).resolvedOptions().timeZone
    return SUPPORTED_TIME_ZONES.has(canonical) || canonical === 'UTC'
  } catch {
    return false
  }
}

export const ZCountryCode = z
  .string({ message: 'workspace:errors.codeUnknown' })
  .trim()
  .toUpperCase()
  .refine((code) => referenceCountry(code) !== undefined, 'workspace:errors.codeUnknown')

export const ZTimeZone = z.string({ message: 'workspace:errors.timeZoneInvalid' }).trim().refine(isIanaTimeZone, 'workspace:errors.timeZoneInvalid')

export const ZCountryName = z.string({ message: 'workspace:errors.nameRequired' }).trim().min(1, 'workspace:errors.nameRequired').max(120, 'workspace:errors.nameTooLong')

export const ZCountryLocale = z.enum(SUPPORTED_LOCALES, { message: 'workspace:errors.localeInvalid' })

export const ZOrganisationCode = z
  .string({ message: 'workspace:errors.organisationCodeInvalid' })
  .trim()
  .toUpperCase()
  .regex(/^[A-Z0-9-]{2,20}$/, 'workspace:errors.organisationCodeInvalid')

export const ZOrganisationName = z
  .string({ message: 'workspace:errors.organisationNameRequired' })
  .trim()
  .min(1, 'workspace:errors.organisationNameRequired')
  .max(200, 'workspace:errors.nameTooLong')

/** What the activity log keeps of a member state (before → after). */
export function countrySnapshot(c: CountryRow) {
  return { code: c.code, nameEs: c.nameEs, namePt: c.namePt, nameEn: c.nameEn, locale: c.locale, timeZone: c.timeZone }
}
