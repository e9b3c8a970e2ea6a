export const SUPPORTED_LOCALES = ['es', 'pt', 'en'] as const
export type AppLocale = (typeof SUPPORTED_LOCALES)[number]
/** Spanish is the Conference's working language, and the fallback. */
export const FALLBACK_LOCALE: AppLocale = 'es'
export const DEFAULT_NAMESPACE = 'common'

export function isLocale(value: unknown): value is AppLocale {
  return typeof value === 'string' && (SUPPORTED_LOCALES as readonly string[]).includes(value)
}
