import { requireMember, type Actor } from '#server/authz.ts'
import { db } from '#server/db.ts'
import type { AssignmentStatus } from '#db/types.ts'
import { assigneeTodaySql, isOverdueSql } from '#server/repositories/assignment-sql.ts'
import * as assignments from '#server/repositories/assignments.ts'
import { toItem, type AssignmentItem } from './present.ts'

const OPEN: AssignmentStatus[] = ['not_started', 'in_progress', 'blocked']
export const DUE_SOON_DAYS = 14
const GROUP_LIMIT = 100
const DONE_LIMIT = 25

export type HomeGroup = 'overdue' | 'dueSoon' | 'rest' | 'waiting' | 'done'
export type HomeItem = AssignmentItem & { daysLeft: number }

/**
 * The workspace home of a focal point ("my country") or a partner ("my
 * organisation"): their assignments grouped by what needs them — overdue,
 * due within 14 days (in the assignee's time zone), the other open ones,
 * submitted and waiting, then completed or not applicable. One query per
 * group, each capped (`more` says whether the board has more).
 */
export async function listHomeAssignments(actor: Actor, input: { workspaceId: string }, options: { asOf?: Date } = {}) {
  const membership = requireMember(actor, input.workspaceId)
  const scope: Partial<assignments.ListFilters> =
    membership.role === 'focal_point' && membership.countryCode
      ? { countryCodes: [membership.countryCode] }
      : membership.role === 'partner' && membership.organisationId
        ? { organisationId: membership.organisationId }
        : {}
  const groups: [HomeGroup, Partial<assignments.ListFilters>, number][] = [
    ['overdue', { overdue: true }, GROUP_LIMIT],
    ['dueSoon', { overdue: false, statuses: OPEN, dueWithinDays: DUE_SOON_DAYS }, GROUP_LIMIT],
    ['rest', { overdue: false, statuses: OPEN, dueAfterDays: DUE_SOON_DAYS }, GROUP_LIMIT],
    ['waiting', { statuses: ['submitted'] }, GROUP_LIMIT],
    ['done', { statuses: ['completed', 'not_applicable'] }, DONE_LIMIT],
  ]
  const overdue = isOverdueSql(options.asOf, 'a')
  const today = assigneeTodaySql(options.asOf, 'a')
  const results = await Promise.all(
    groups.map(async ([group, filters, limit]) => {
      const rows = await assignments.listPage(db, { workspaceId: input.workspaceId, ...scope, ...filters }, { limit }, overdue, today)
      return {
        group,
        items: rows.slice(0, limit).map((r): HomeItem => ({ ...toItem(r), daysLeft: Number(r.days_left) })),
        more: rows.length > limit,
      }
    }),
  )
  return { role: membership.role, countryCode: membership.countryCode, organisationId: membership.organisationId, groups: results }
}
