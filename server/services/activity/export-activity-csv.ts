import { db } from '#server/db.ts'
import { authorize, type Actor } from '#server/authz.ts'
import { listActivityPage, type ActivityRow } from '#server/repositories/activity-log.ts'
import { parseActivityInput } from './list-activity.ts'
import { ZActivityFilters, type TActivityFilters } from './schemas.ts'

const BATCH = 1000
export const CSV_COLUMNS = ['at_utc', 'actor_name', 'actor_email', 'action', 'subject_type', 'subject_id', 'before', 'after'] as const

/**
 * One CSV field (RFC 4180): quoted when it holds a quote, comma, CR or LF,
 * or leading/trailing space; quotes doubled. A text that a spreadsheet
 * would run as a formula (starting with = + - @, tab or CR) gets a leading
 * apostrophe, so opening the export cannot execute what someone typed.
 */
export function csvField(value: unknown): string {
  let text = value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value)
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text
}

export function csvLine(fields: unknown[]): string {
  return `${fields.map(csvField).join(',')}\r\n`
}

function rowLine(row: ActivityRow): string {
  return csvLine([row.at.toISOString(), row.actorName ?? '', row.actorEmail ?? '', row.action, row.subjectType, row.subjectId ?? '', row.before, row.after])
}

/**
 * The filtered log as CSV (secretariat only), produced in batches so that a
 * large log streams instead of being held in memory. Starts with a UTF-8
 * byte order mark so that Excel reads accents right. Authorisation and
 * filter validation happen before the first chunk, so they can still
 * become an error page.
 */
export function exportActivityCsv(actor: Actor, input: TActivityFilters): AsyncIterable<string> {
  authorize(actor, 'read:activity', input.workspaceId)
  const f = parseActivityInput(ZActivityFilters, input)
  const filters = { ...f, timeZone: actor.timeZone }
  return (async function* () {
    yield `\uFEFF${csvLine([...CSV_COLUMNS])}`
    let cursor: { at: string; id: string } | undefined
    for (;;) {
      const rows = await listActivityPage(db, filters, { limit: BATCH, cursor })
      const batch = rows.slice(0, BATCH)
      if (batch.length) yield batch.map(rowLine).join('')
      if (rows.length <= BATCH) return
      const last = batch[batch.length - 1]
      cursor = { at: last.atKey, id: last.id }
    }
  })()
}
