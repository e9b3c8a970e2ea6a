import { requireMember, type Actor } from '#server/authz.ts'
import { db } from '#server/db.ts'
import { AppError } from '#server/errors.ts'
import type { AssignmentStatus } from '#db/types.ts'
import { assigneeTodaySql, isOverdueSql } from '#server/repositories/assignment-sql.ts'
import * as assignments from '#server/repositories/assignments.ts'
import { toItem, type AssignmentItem } from './present.ts'
import { parseInput, ZListAssignments, type TListAssignments } from './schemas.ts'

const DEFAULT_LIMIT = 50

/** The cursor is opaque to callers: base64url of the last row's sort key. */
export function encodeCursor(c: assignments.ListCursor): string {
  return Buffer.from(JSON.stringify([c.o, c.d, c.id])).toString('base64url')
}

/**
 * A page of listPage's rows (it reads one row past `limit`) and the cursor
 * after its last row, null when nothing follows.
 */
export function cutPage<R extends { rank: number; due_date: string; id: string }>(rows: R[], limit: number): { page: R[]; nextCursor: string | null } {
  const page = rows.slice(0, limit)
  const last = page[page.length - 1]
  return { page, nextCursor: rows.length > limit && last ? encodeCursor({ o: last.rank === 0 ? 0 : 1, d: last.due_date, id: last.id }) : null }
}

export function decodeCursor(value: string): assignments.ListCursor {
  try {
    const [o, d, id] = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as unknown[]
    if ((o === 0 || o === 1) && typeof d === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(d) && typeof id === 'string' && /^[0-9a-f-]{36}$/i.test(id)) {
      return { o, d, id }
    }
  } catch {
    // fall through to the error below
  }
  throw new AppError('BAD_REQUEST', 'cursor: not a cursor this list gave out; start again without it', { field: 'cursor', i18n: { key: 'board:errors.cursor' } })
}

const toArray = <T>(v: T | T[] | undefined): T[] | undefined => (v === undefined ? undefined : Array.isArray(v) ? v : [v])

function parseLead(lead: string | undefined): assignments.ListFilters['lead'] {
  if (!lead) return undefined
  if (lead === 'all_countries' || lead === 'secretariat') return { kind: lead }
  const [kind, code] = lead.split(':')
  return kind === 'country' ? { kind: 'country', code } : { kind: 'organisation', code }
}

/**
 * assignment.list: one page of a workspace's assignments, overdue first,
 * then by due date (then id), with a keyset cursor. One query per page,
 * whatever the page size. `asOf` (not part of the API) lets tests and jobs
 * ask "overdue at that instant".
 */
export async function listAssignments(
  actor: Actor,
  rawInput: TListAssignments,
  options: { asOf?: Date; organisationId?: string } = {},
): Promise<{ items: AssignmentItem[]; nextCursor: string | null }> {
  const input = parseInput(ZListAssignments, rawInput)
  const membership = requireMember(actor, input.workspaceId)
  const limit = input.limit ?? DEFAULT_LIMIT
  const countryCodes = toArray(input.countryCode)
  // A focal point asking for their own country: its id is on the Actor already.
  const ownCountryId = countryCodes?.length === 1 && membership.countryCode === countryCodes[0] ? membership.countryId : null
  const rows = await assignments.listPage(
    db,
    {
      workspaceId: input.workspaceId,
      ...(ownCountryId ? { countryId: ownCountryId } : { countryCodes }),
      statuses: toArray(input.status) as AssignmentStatus[] | undefined,
      objectiveCode: input.objectiveCode,
      overdue: input.overdue,
      dueFrom: input.dueFrom,
      dueTo: input.dueTo,
      lead: parseLead(input.lead),
      organisationId: options.organisationId,
    },
    { limit, cursor: input.cursor ? decodeCursor(input.cursor) : undefined },
    isOverdueSql(options.asOf, 'a'),
    assigneeTodaySql(options.asOf, 'a'),
  )
  const { page, nextCursor } = cutPage(rows, limit)
  return { items: page.map(toItem), nextCursor }
}
