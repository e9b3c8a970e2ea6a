import { z } from 'zod'
import { SUPPORTED_LOCALES } from '#app/i18n/config.ts'

/** Shared field schemas of the member, invitation, reset and admin services. */
export const ROLES = ['secretariat', 'focal_point', 'partner', 'observer'] as const

export const ZEmail = z
  .string({ message: 'admin:errors.emailRequired' })
  .trim()
  .toLowerCase()
  .min(1, 'admin:errors.emailRequired')
  .max(254, 'admin:errors.emailInvalid')
  .pipe(z.email({ message: 'admin:errors.emailInvalid' }))

export const ZRole = z.enum(ROLES, { message: 'admin:errors.roleInvalid' })
export const ZLocale = z.enum(SUPPORTED_LOCALES, { message: 'admin:errors.localeInvalid' })
export const ZUuid = z.uuid({ message: 'admin:errors.invalid' })

/** An empty form value counts as absent. */
export function optional<T extends z.ZodType>(schema: T) {
  return z.preprocess((v) => (v === '' || v === null ? undefined : v), schema.optional())
}
