import { z } from 'zod'
import { SUPPORTED_LOCALES } from '#app/i18n/config.ts'
import { AppError } from '#server/errors.ts'
import { SACM_COUNTRIES } from '#db/seed/reference.ts'

/**
 * Inputs of the settings page. Messages are translation keys with their
 * namespace (`settings:errors.…`, `auth:password.…`), carried in
 * AppError.details.i18n so that the page shows them in the reader's language.
 */
export function isTimeZone(value: string): boolean {
  if (!/^[A-Za-z0-9_+\-/]{1,64}$/.test(value)) return false
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value })
    return true
  } catch {
    return false
  }
}

/**
 * The IANA zones offered by the page: the runtime's list (ICU gives some
 * zones under their older names, e.g. America/Buenos_Aires), plus UTC, the
 * zones of the Conference's countries, and the user's current zone, so that
 * saving the form never changes a zone the user did not touch.
 */
export function timeZoneOptions(current?: string | null): string[] {
  const zones = new Set(Intl.supportedValuesOf('timeZone'))
  zones.add('UTC')
  for (const country of SACM_COUNTRIES) zones.add(country.timeZone)
  if (current && isTimeZone(current)) zones.add(current)
  return [...zones].sort()
}

export const ZUpdateProfile = z.object({
  name: z.string().trim().min(1, 'settings:errors.nameRequired').max(200, 'settings:errors.nameTooLong'),
  locale: z.enum(SUPPORTED_LOCALES, { message: 'settings:errors.locale' }),
  timeZone: z.string().trim().refine(isTimeZone, 'settings:errors.timeZone'),
  /** Optional: the page sets it in its Notifications section; a caller that sends it still may. */
  digestFrequency: z.enum(['daily', 'weekly', 'off'], { message: 'settings:errors.digest' }).optional(),
})
export type TUpdateProfile = z.input<typeof ZUpdateProfile>

export const ZChangePassword = z.object({
  currentPassword: z.string().min(1, 'settings:errors.currentPasswordRequired').max(1024, 'settings:errors.currentPasswordWrong'),
  newPassword: z.string(),
})
export type TChangePassword = z.input<typeof ZChangePassword>

export const ZCreateApiToken = z.object({
  name: z.string().trim().min(1, 'settings:errors.tokenNameRequired').max(100, 'settings:errors.tokenNameTooLong'),
})
export type TCreateApiToken = z.input<typeof ZCreateApiToken>

export function parseSettingsInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input)
  if (result.success) return result.data
  const issue = result.error.issues[0]
  const field = issue?.path.join('.') || 'input'
  const key = issue?.message && /^[a-z]+:[A-Za-z.]+$/.test(issue.message) ? issue.message : 'settings:errors.invalid'
  throw new AppError('BAD_REQUEST', `${field} is not valid`, { field, i18n: { key } })
}
