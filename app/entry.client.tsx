import { RemixBrowser } from '@remix-run/react'
import i18next from 'i18next'
import { startTransition, StrictMode } from 'react'
import { hydrateRoot } from 'react-dom/client'
import { I18nextProvider, initReactI18next } from 'react-i18next'
import { DEFAULT_NAMESPACE, FALLBACK_LOCALE, SUPPORTED_LOCALES } from './i18n/config.ts'
import { resources } from './i18n/resources.ts'

async function hydrate() {
  // The server rendered in <html lang>; the client must agree.
  const lng = document.documentElement.lang || FALLBACK_LOCALE
  await i18next.use(initReactI18next).init({
    supportedLngs: [...SUPPORTED_LOCALES],
    fallbackLng: FALLBACK_LOCALE,
    defaultNS: DEFAULT_NAMESPACE,
    resources,
    lng,
    interpolation: { escapeValue: false },
  })
  startTransition(() => {
    hydrateRoot(
      document,
      <I18nextProvider i18n={i18next}>
        <StrictMode>
          <RemixBrowser />
        </StrictMode>
      </I18nextProvider>,
    )
  })
}

void hydrate()
