import type { TFunction } from 'i18next'
import type { AppLocale } from '#app/i18n/config.ts'
import { db } from '#server/db.ts'
import { AppError } from '#server/errors.ts'
import { findAssignmentInfo } from '#server/repositories/follow-up.ts'
import { loadActor } from '#server/repositories/actors.ts'
import { updateAssignment } from '#server/services/assignments/update-assignment.ts'
import { assigneeLabel } from './compose.ts'
import { verifyStatusLinkToken } from './tokens.ts'

export interface TStatusLinkView {
  assignmentId: string
  code: string
  title: string
  assignee: string
  status: string
  version: number
  workspaceSlug: string
}

/**
 * What a signed status link from a reminder opens: the assignment and its
 * version, for a confirmation form. Reading it changes nothing, so a mail
 * scanner that prefetches the link cannot change a status.
 */
export async function openStatusLink(token: string, locale: AppLocale, now = new Date()): Promise<TStatusLinkView | null> {
  const claims = await verifyStatusLinkToken(token, now)
  if (!claims) return null
  const info = await findAssignmentInfo(db, claims.a, now)
  const row = await db.selectFrom('assignment').select(['status', 'version']).where('id', '=', claims.a).executeTakeFirst()
  if (!info || !row) return null
  return {
    assignmentId: info.assignment_id,
    code: info.task_code,
    title: info.task_title,
    assignee: assigneeLabel(info, locale),
    status: row.status,
    version: row.version,
    workspaceSlug: info.workspace_slug,
  }
}

/**
 * Submitting the confirmation form: acts as the user the link was sent to,
 * through the normal assignment update (authorisation, transition rules,
 * version check — a stale form is refused with a conflict).
 */
export async function submitStatusLink(token: string, input: { version: number; status: string; progressNote?: string }, now = new Date()) {
  const claims = await verifyStatusLinkToken(token, now)
  if (!claims) throw new AppError('NOT_FOUND', 'This link is not valid or has expired', { i18n: { key: 'followup:statusLink.invalid' } })
  const actor = await loadActor(db, claims.u, 'token')
  if (!actor) throw new AppError('NOT_FOUND', 'This link is not valid or has expired', { i18n: { key: 'followup:statusLink.invalid' } })
  return updateAssignment(actor, {
    assignmentId: claims.a,
    version: input.version,
    status: input.status as never,
    progressNote: input.progressNote || undefined,
  })
}

export function statusLabel(t: TFunction, status: string) {
  return t(`status.${status}`, { ns: 'followup' })
}
