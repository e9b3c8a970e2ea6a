/**
 * Server-only data for the admin's "create a workspace" form: the member
 * states it offers to add right away (the twelve of the South American
 * Conference on Migration), named in the reader's language.
 */
import type { AppLocale } from '#app/i18n/config.ts'
import { SACM_COUNTRIES } from '#db/seed/reference.ts'

export function suggestedCountries(locale: AppLocale): { code: string; name: string }[] {
  return SACM_COUNTRIES.map((c) => ({ code: c.code, name: c[locale] }))
}
