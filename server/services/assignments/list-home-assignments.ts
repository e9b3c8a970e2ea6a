import { requireMember, type Actor } from '#server/authz.ts'
import { db } from '#server/db.ts'
import type { AssignmentStatus } from '#db/types.ts'
import { assigneeTodaySql, isOverdueSql } from '#server/repositories/assignment-sql.ts'
import * as assignments from '#server/repositories/assignments.ts'
import { findCountryNames } from '#server/repositories/home.ts'
import { cutPage, decodeCursor } from './list-assignments.ts'
import { toItem, type AssignmentItem } from './present.ts'

const OPEN: AssignmentStatus[] = ['not_started', 'in_progress', 'blocked']
export const DUE_SOON_DAYS = 14
/** Each group's first items on the home page; the rest is a "show more" away. */
export const HOME_FIRST = 10
/** One page of a single group ("show more"). */
export const HOME_PAGE = 50

export const HOME_GROUPS = ['overdue', 'dueSoon', 'rest', 'waiting', 'done'] as const
export type HomeGroup = (typeof HOME_GROUPS)[number]
export type HomeItem = AssignmentItem & { daysLeft: number }

/**
 * What each group holds. dueSoon and rest are defined on the assignee's
 * local date; they also carry a due-date range in UTC days that the local
 * definition implies (every zone's date is within a day of UTC's; one more
 * day of slack for the clocks), which changes no answer but lets the index
 * on due dates start the scan at the group instead of at the oldest row.
 */
function filtersOf(group: HomeGroup, asOf: Date | undefined): Partial<assignments.ListFilters> {
  const utcDay = (offset: number) => new Date((asOf ?? new Date()).getTime() + offset * 86_400_000).toISOString().slice(0, 10)
  switch (group) {
    case 'overdue':
      return { overdue: true }
    case 'dueSoon':
      return { overdue: false, statuses: OPEN, dueWithinDays: DUE_SOON_DAYS, dueFrom: utcDay(-2), dueTo: utcDay(DUE_SOON_DAYS + 2) }
    case 'rest':
      return { overdue: false, statuses: OPEN, dueAfterDays: DUE_SOON_DAYS, dueFrom: utcDay(DUE_SOON_DAYS - 1) }
    case 'waiting':
      return { statuses: ['submitted'] }
    case 'done':
      return { statuses: ['completed', 'not_applicable'] }
  }
}

/**
 * The workspace home of a focal point ("my country") or a partner ("my
 * organisation"): their assignments grouped by what needs them — overdue,
 * due within 14 days (in the assignee's time zone), the other open ones,
 * submitted and waiting, then completed or not applicable. One query per
 * group: the first HOME_FIRST of each, with a cursor to the rest
 * (`nextCursor`, null when there is no more). With `group`, only that group,
 * a page of HOME_PAGE after `cursor` — so the page stays small however many
 * assignments a country has. A cursor that this list did not give out is a
 * BAD_REQUEST on the field `cursor`. A focal point's home also names their
 * country (`countryNames`).
 */
export async function listHomeAssignments(
  actor: Actor,
  input: { workspaceId: string; group?: HomeGroup; cursor?: string },
  options: { asOf?: Date } = {},
) {
  const membership = requireMember(actor, input.workspaceId)
  const scope: Partial<assignments.ListFilters> =
    membership.role === 'focal_point' && membership.countryId
      ? { countryId: membership.countryId }
      : membership.role === 'partner' && membership.organisationId
        ? { organisationId: membership.organisationId }
        : {}
  const wanted = input.group ? [input.group] : HOME_GROUPS
  const limit = input.group ? HOME_PAGE : HOME_FIRST
  const cursor = input.group && input.cursor ? decodeCursor(input.cursor) : undefined
  const overdue = isOverdueSql(options.asOf, 'a')
  const today = assigneeTodaySql(options.asOf, 'a')
  const countryCode = membership.role === 'focal_point' ? membership.countryCode : null
  const [names, ...results] = await Promise.all([
    countryCode ? findCountryNames(db, input.workspaceId, countryCode) : undefined,
    ...wanted.map(async (group) => {
      const rows = await assignments.listPage(db, { workspaceId: input.workspaceId, ...scope, ...filtersOf(group, options.asOf) }, { limit, cursor }, overdue, today)
      const { page, nextCursor } = cutPage(rows, limit)
      return {
        group,
        items: page.map((r): HomeItem => ({ ...toItem(r), daysLeft: Number(r.days_left) })),
        more: nextCursor !== null,
        nextCursor,
      }
    }),
  ])
  return {
    role: membership.role,
    countryCode: membership.countryCode,
    /** The focal point's country, in the three languages. */
    countryNames: names ? { es: names.name_es, pt: names.name_pt, en: names.name_en } : null,
    organisationId: membership.organisationId,
    groups: results,
  }
}
