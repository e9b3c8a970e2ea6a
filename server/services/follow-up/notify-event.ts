import { z } from 'zod'
import type { AppLocale } from '#app/i18n/config.ts'
import { db } from '#server/db.ts'
import { claimEmails, findAssignmentInfo, findEventRecipients, type NewEmail, type OutboxRow } from '#server/repositories/follow-up.ts'
import type { TReminderKind } from '#emails/reminder-assignment.tsx'
import { CATEGORY_OF, composeAssignmentEmail } from './compose.ts'
import type { TSweepResult } from './run-reminder-sweep.ts'

/** The payload every assignment event carries (written by the assignment services). */
const ZEventPayload = z.object({
  workspaceId: z.uuid().optional(),
  assignmentId: z.uuid(),
  actorId: z.uuid().nullish(),
  commentId: z.uuid().nullish(),
  recipientUserIds: z.array(z.uuid()).optional(),
})

const TOPICS: Record<string, { kind: TReminderKind; audience: 'secretariat' | 'assignee' | 'users' } | null> = {
  'assignment.submitted': { kind: 'submitted', audience: 'secretariat' },
  'assignment.returned': { kind: 'returned', audience: 'assignee' },
  'assignment.verified': { kind: 'verified', audience: 'assignee' },
  'comment.mentioned': { kind: 'mentioned', audience: 'users' },
  // New assignments and other changes reach people through their digest.
  'assignment.created': null,
}

/**
 * Turns one outbox event into e-mails, at once. The occasion is the event
 * itself (its outbox id), so each return or verification is its own
 * e-mail, and the same event handled twice claims nothing the second time.
 * Secretariat members who prefer submissions in their digest get none now.
 */
export async function notifyEvent(row: OutboxRow, asOf: Date): Promise<TSweepResult> {
  // Topics of other features (meetings, agreements…) that send no e-mail from here yet are passed over, not retried forever.
  const rule = Object.hasOwn(TOPICS, row.topic) ? TOPICS[row.topic] : null
  if (!rule) return { claimed: 0, skipped: 0 }
  const payload = ZEventPayload.parse(row.payload)
  const info = await findAssignmentInfo(db, payload.assignmentId, asOf)
  if (!info) return { claimed: 0, skipped: 1 }
  const category = CATEGORY_OF[rule.kind]
  const recipients = await findEventRecipients(db, {
    assignmentId: payload.assignmentId,
    audience: rule.audience === 'users' || payload.recipientUserIds ? 'users' : rule.audience,
    userIds: payload.recipientUserIds,
    category,
    excludeUserId: payload.actorId,
  })
  const extra: { author?: string; comment?: string } = {}
  if (payload.commentId || payload.actorId) {
    const comment = payload.commentId
      ? await db.selectFrom('comment').select('body').where('id', '=', payload.commentId).executeTakeFirst()
      : undefined
    const author = payload.actorId ? await db.selectFrom('app_user').select(['name', 'email']).where('id', '=', payload.actorId).executeTakeFirst() : undefined
    extra.comment = comment?.body
    extra.author = author ? author.name || author.email : undefined
  }
  const emails: NewEmail[] = []
  let deferred = 0
  for (const r of recipients) {
    if (r.mode === 'digest') {
      deferred++
      continue
    }
    const payloadOut = await composeAssignmentEmail(rule.kind, { ...r, locale: r.locale as AppLocale }, info, asOf, extra)
    emails.push({
      key: `${rule.kind}:${r.user_id}:${info.assignment_id}:${row.id}`,
      workspace_id: info.workspace_id,
      user_id: r.user_id,
      recipient: r.email,
      kind: rule.kind,
      category,
      subject: payloadOut.subject,
      subject_id: info.assignment_id,
      occasion: row.id,
      payload: payloadOut,
    })
  }
  const claimed = await claimEmails(db, emails)
  return { claimed: claimed.length, skipped: emails.length - claimed.length + deferred }
}
