import { useTranslation } from 'react-i18next'
import { SUPPORTED_LOCALES } from '#app/i18n/config.ts'

/** The options of a language select: every language the app speaks, named in the reader's language. */
export function LocaleOptions() {
  const { t } = useTranslation('common')
  return (
    <>
      {SUPPORTED_LOCALES.map((l) => (
        <option key={l} value={l}>
          {t(`languages.${l}`)}
        </option>
      ))}
    </>
  )
}
