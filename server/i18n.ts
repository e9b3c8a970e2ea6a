import { createCookie } from '@remix-run/node'
import i18next, { type TFunction } from 'i18next'
import { RemixI18Next } from 'remix-i18next/server'
import { DEFAULT_NAMESPACE, FALLBACK_LOCALE, isLocale, SUPPORTED_LOCALES, type AppLocale } from '#app/i18n/config.ts'
import { resources } from '#app/i18n/resources.ts'

/** `?lng=` sets this cookie; it outranks the user's setting until changed. */
export const localeCookie = createCookie('lng', { path: '/', sameSite: 'lax', httpOnly: true, maxAge: 60 * 60 * 24 * 365 })

export const i18nOptions = {
  supportedLngs: [...SUPPORTED_LOCALES],
  fallbackLng: FALLBACK_LOCALE,
  defaultNS: DEFAULT_NAMESPACE,
  ns: Object.keys(resources.es),
  resources,
  interpolation: { escapeValue: false },
} as const

/**
 * The language of a request: `?lng=`, then the language cookie, then the
 * user's own setting, then the browser's Accept-Language, then Spanish.
 */
export async function detectLocale(request: Request, userLocale?: string | null): Promise<AppLocale> {
  const detector = new RemixI18Next({
    detection: {
      supportedLanguages: [...SUPPORTED_LOCALES],
      fallbackLanguage: FALLBACK_LOCALE,
      cookie: localeCookie,
      order: ['searchParams', 'cookie', 'custom', 'header'],
      findLocale: async () => userLocale ?? null,
    },
  })
  return (await detector.getLocale(request)) as AppLocale
}

const namesLocaleCookie = new RegExp(`(?:^|;\\s*)${localeCookie.name}=`)

/**
 * detectLocale for an incoming HTTP request, in the same order, without
 * building a fetch Request and a detector when the answer is already known:
 * a signed-in user whose request names no language (no `?lng=`, no language
 * cookie) gets their own setting.
 */
export function requestLocale(input: { lngParam: boolean; cookieHeader: string | undefined; userLocale?: string | null; request: () => Request }): Promise<AppLocale> | AppLocale {
  if (isLocale(input.userLocale) && !input.lngParam && !namesLocaleCookie.test(input.cookieHeader ?? '')) return input.userLocale
  return detectLocale(input.request(), input.userLocale)
}

const fixed = new Map<AppLocale, TFunction>()

/** A translation function for one language, for services, jobs and e-mails. */
export function translator(locale: AppLocale): TFunction {
  let t = fixed.get(locale)
  if (!t) {
    const instance = i18next.createInstance()
    void instance.init({ ...i18nOptions, lng: locale, initImmediate: false })
    t = instance.t
    fixed.set(locale, t)
  }
  return t
}
