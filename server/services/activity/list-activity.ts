import { db } from '#server/db.ts'
import { authorize, type Actor } from '#server/authz.ts'
import { AppError } from '#server/errors.ts'
import { activityFilterOptions, listActivityPage, type ActivityCursor, type ActivityRow } from '#server/repositories/activity-log.ts'
import type { z } from 'zod'
import { ZListActivity, type TListActivity } from './schemas.ts'

export interface ActivityItem {
  id: string
  at: string
  actor: { id: string; name: string; email: string } | null
  action: string
  subjectType: string
  subjectId: string | null
  before: unknown
  after: unknown
}

export function encodeCursor(row: Pick<ActivityRow, 'atKey' | 'id'>): string {
  return Buffer.from(`${row.atKey}|${row.id}`, 'utf8').toString('base64url')
}

export function decodeCursor(cursor: string): ActivityCursor {
  const [at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|')
  if (!at || !id || Number.isNaN(Date.parse(at)) || !/^[0-9a-f-]{36}$/i.test(id)) {
    throw new AppError('BAD_REQUEST', 'This page link is not valid; start from the first page', { field: 'cursor', i18n: { key: 'activity:errors.cursor' } })
  }
  return { at, id }
}

export function toItem(row: ActivityRow): ActivityItem {
  return {
    id: row.id,
    at: row.at.toISOString(),
    actor: row.actorId ? { id: row.actorId, name: row.actorName ?? row.actorEmail ?? '', email: row.actorEmail ?? '' } : null,
    action: row.action,
    subjectType: row.subjectType,
    subjectId: row.subjectId,
    before: row.before,
    after: row.after,
  }
}

export function parseActivityInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const parsed = schema.safeParse(input)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const field = issue?.path.join('.') || undefined
    throw new AppError('BAD_REQUEST', `${field ? `${field}: ` : ''}${issue?.message ?? 'Invalid filter'}`, {
      field,
      i18n: { key: 'activity:errors.filter', values: { field } },
    })
  }
  return parsed.data
}

/**
 * The workspace activity log (secretariat only): who changed what and when,
 * before → after, filtered by actor, action, subject type and a date range
 * (calendar days in the viewer's time zone), newest first, keyset-paginated.
 */
export async function listActivity(actor: Actor, input: TListActivity, opts: { withOptions?: boolean } = {}) {
  authorize(actor, 'read:activity', input.workspaceId)
  const f = parseActivityInput(ZListActivity, input)
  const rows = await listActivityPage(
    db,
    { ...f, timeZone: actor.timeZone },
    { limit: f.limit, cursor: f.cursor ? decodeCursor(f.cursor) : undefined },
  )
  const items = rows.slice(0, f.limit)
  const nextCursor = rows.length > f.limit ? encodeCursor(items[items.length - 1]) : null
  const options = opts.withOptions ? await activityFilterOptions(db, input.workspaceId) : null
  return { items: items.map(toItem), nextCursor, options }
}
