import { useTranslation } from 'react-i18next'

/** Small pieces shared by the task page, the plan editor, the activity log and search. */

export interface PageErrorData {
  key: string
  values?: Record<string, unknown>
  field?: string
  message: string
  conflict?: { by: string; at: string }
}

/** Instants in the viewer's time zone; calendar dates as the day they are (never shifted). */
export function useFormatters(timeZone: string) {
  const { i18n } = useTranslation()
  const locale = i18n.language || 'es'
  const instant = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone })
  const day = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' })
  return {
    instant: (iso: string) => instant.format(new Date(iso)),
    day: (date: string | null) => (date ? day.format(new Date(`${date}T00:00:00Z`)) : ''),
  }
}

/** A form's error message, announced to screen readers, in the reader's language. */
export function FormMessage({ error, id }: { error: PageErrorData | null | undefined; id: string }) {
  const { t } = useTranslation('tasks')
  return (
    <div aria-live="assertive" aria-atomic="true">
      {error ? (
        <p className="form-error" role="alert" id={id}>
          {t(error.key, { ...error.values, defaultValue: error.message })}
        </p>
      ) : null}
    </div>
  )
}

/** A success message (after a redirect), announced politely. */
export function Notice({ children }: { children: React.ReactNode }) {
  return (
    <div aria-live="polite" aria-atomic="true">
      {children ? <p className="notice">{children}</p> : null}
    </div>
  )
}

/** aria attributes for an input that the error is (or is not) about. */
export function fieldProps(error: PageErrorData | null | undefined, name: string, errorId: string) {
  return error?.field === name || error?.field?.startsWith(`${name}.`) ? { 'aria-invalid': true, 'aria-describedby': errorId } : {}
}
