import { useTranslation } from 'react-i18next'

/** Small pieces shared by the assignment pages (home, board, assignment). */

export const ASSIGNMENT_STATUSES = ['not_started', 'in_progress', 'blocked', 'submitted', 'completed', 'not_applicable'] as const

export function StatusBadge({ status }: { status: string }) {
  const { t } = useTranslation('assignments')
  return <span className={`status status-${status}`}>{t(`statuses.${status}`)}</span>
}

export function OverdueBadge() {
  const { t } = useTranslation('assignments')
  return <span className="badge-overdue">{t('overdue')}</span>
}

export interface Formatters {
  instant: (iso: string) => string
  day: (date: string | null) => string
}

// Building an Intl.DateTimeFormat costs far more than formatting with one (it
// showed in the web process's CPU profile), and a page asks for the same
// pair on every render: one pair per (locale, time zone). The key space is
// bounded by the three languages × the IANA zones people pick.
const formatterCache = new Map<string, Formatters>()

/** Instants in the viewer's time zone; calendar dates as the day they are (no shifting). */
export function formatters(locale: string, timeZone: string): Formatters {
  const key = `${locale}\u0000${timeZone}`
  const cached = formatterCache.get(key)
  if (cached) return cached
  const instant = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone })
  const day = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' })
  const made: Formatters = {
    instant: (iso: string) => instant.format(new Date(iso)),
    day: (date: string | null) => (date ? day.format(new Date(`${date}T00:00:00Z`)) : ''),
  }
  formatterCache.set(key, made)
  return made
}

export function formatBytes(bytes: number | null, locale: string) {
  if (bytes === null) return ''
  const number = new Intl.NumberFormat(locale, { maximumFractionDigits: 1 })
  if (bytes < 1024) return `${bytes} B`
  if (bytes < 1024 * 1024) return `${number.format(bytes / 1024)} KB`
  return `${number.format(bytes / 1024 / 1024)} MB`
}

/** A comment's text with its @mentions emphasised (the text is never parsed as HTML). */
export function CommentBody({ body }: { body: string }) {
  const parts = body.split(/((?:^|(?<=[^\w.@]))@[a-z0-9][a-z0-9._+-]*)/i)
  return (
    <p className="comment-body">
      {parts.map((part, i) =>
        /^@[a-z0-9]/i.test(part) ? (
          <strong key={i} className="mention">
            {part}
          </strong>
        ) : (
          part
        ),
      )}
    </p>
  )
}
