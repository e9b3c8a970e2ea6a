import type { TFunction } from 'i18next'
import type { ReactElement } from 'react'
import type { AppLocale } from '#app/i18n/config.ts'

/**
 * One e-mail template: a React Email component (props plus the recipient's
 * locale) and its subject line, both through the translation layer.
 */
export interface EmailTemplate<P extends object> {
  /** Stable name, stored as email_log.kind when the sender is not told otherwise. */
  kind: string
  Component: (props: P & { locale: AppLocale }) => ReactElement
  subject: (t: TFunction, props: P) => string
}
