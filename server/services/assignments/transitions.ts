import { canWriteAssignment, membershipIn, requireMember, type Actor, type AssigneeRef } from '#server/authz.ts'
import { AppError } from '#server/errors.ts'
import type { AssignmentStatus } from '#db/types.ts'

/**
 * The status table of DESIGN.md ("Statuses and who moves them"), as data.
 *
 * `who`: 'both' = the assignee (a focal point of the assignment's country, a
 * partner of its organisation) and the secretariat; 'assignee' = only the
 * assignee (withdrawing their own submission); 'secretariat' = only the
 * secretariat. `via` is the procedure that performs the move: verify and
 * return have their own, everything else goes through assignment.update.
 * `needs`: 'note' = a non-blank progress note in the same request (the reason
 * for blocking or for not_applicable); 'comment' = a non-blank comment.
 */
export type TransitionAction =
  | 'start'
  | 'block'
  | 'unblock'
  | 'submit'
  | 'withdraw'
  | 'verify'
  | 'return'
  | 'reopen'
  | 'mark_not_applicable'
  | 'resume'

export type TransitionVia = 'update' | 'verify' | 'return'

export interface Transition {
  from: AssignmentStatus
  to: AssignmentStatus
  action: TransitionAction
  who: 'both' | 'assignee' | 'secretariat'
  needs: 'note' | 'comment' | null
  via: TransitionVia
}

export const STATUSES: readonly AssignmentStatus[] = ['not_started', 'in_progress', 'blocked', 'submitted', 'completed', 'not_applicable']

export const TRANSITIONS: readonly Transition[] = [
  { from: 'not_started', to: 'in_progress', action: 'start', who: 'both', needs: null, via: 'update' },
  { from: 'in_progress', to: 'blocked', action: 'block', who: 'both', needs: 'note', via: 'update' },
  { from: 'blocked', to: 'in_progress', action: 'unblock', who: 'both', needs: null, via: 'update' },
  { from: 'in_progress', to: 'submitted', action: 'submit', who: 'both', needs: 'note', via: 'update' },
  { from: 'submitted', to: 'in_progress', action: 'withdraw', who: 'assignee', needs: null, via: 'update' },
  { from: 'submitted', to: 'completed', action: 'verify', who: 'secretariat', needs: null, via: 'verify' },
  { from: 'submitted', to: 'in_progress', action: 'return', who: 'secretariat', needs: 'comment', via: 'return' },
  { from: 'completed', to: 'in_progress', action: 'reopen', who: 'secretariat', needs: 'comment', via: 'update' },
  { from: 'not_started', to: 'not_applicable', action: 'mark_not_applicable', who: 'both', needs: 'note', via: 'update' },
  { from: 'in_progress', to: 'not_applicable', action: 'mark_not_applicable', who: 'both', needs: 'note', via: 'update' },
  { from: 'blocked', to: 'not_applicable', action: 'mark_not_applicable', who: 'both', needs: 'note', via: 'update' },
  { from: 'not_applicable', to: 'in_progress', action: 'resume', who: 'both', needs: null, via: 'update' },
]

/** How the caller stands to one assignment: which column of the table applies. */
export type Standing = 'secretariat' | 'assignee' | 'none'

export function standingOf(actor: Actor, target: AssigneeRef): Standing {
  const m = membershipIn(actor, target.workspaceId)
  if (!m) return 'none'
  if (m.role === 'secretariat') return 'secretariat'
  return canWriteAssignment(actor, target) ? 'assignee' : 'none'
}

function permits(t: Transition, standing: Standing) {
  if (standing === 'none') return false
  return t.who === 'both' || t.who === standing
}

/** Every move the caller may make from `from`, whatever procedure performs it. */
export function allowedTransitions(standing: Standing, from: AssignmentStatus, via?: TransitionVia): Transition[] {
  return TRANSITIONS.filter((t) => t.from === from && permits(t, standing) && (via === undefined || t.via === via))
}

export function allowedNextStatuses(standing: Standing, from: AssignmentStatus, via?: TransitionVia): AssignmentStatus[] {
  return [...new Set(allowedTransitions(standing, from, via).map((t) => t.to))]
}

export interface TransitionRequest {
  from: AssignmentStatus
  to: AssignmentStatus
  via: TransitionVia
  /** The progress note sent with the request (not the stored one). */
  note?: string | null
  comment?: string | null
}

/**
 * Decides one status change, or throws:
 * - NOT_FOUND for a non-member, FORBIDDEN for a member who may not write this
 *   assignment at all (an observer, another country's focal point);
 * - BAD_REQUEST naming the allowed next statuses (details.allowed) for a move
 *   the table does not give this caller;
 * - BAD_REQUEST on the field (progressNote / comment) a move needs.
 */
export function decideTransition(actor: Actor, target: AssigneeRef, request: TransitionRequest): Transition {
  requireMember(actor, target.workspaceId)
  const standing = standingOf(actor, target)
  if (standing === 'none') {
    throw new AppError('FORBIDDEN', 'You may only update the assignments of your own country or organisation', {
      i18n: { key: 'errors.notYourAssignment' },
    })
  }
  const transition = TRANSITIONS.find(
    (t) => t.from === request.from && t.to === request.to && t.via === request.via && permits(t, standing),
  )
  if (!transition) {
    const allowed = allowedNextStatuses(standing, request.from)
    const hint =
      request.via === 'update' && request.from === 'submitted' && standing === 'secretariat'
        ? ' A submission is verified with assignment.verify or returned with assignment.return.'
        : request.to === 'completed' && request.via === 'update'
          ? ' Completion is only reached by verification (assignment.verify).'
          : ''
    throw new AppError(
      'BAD_REQUEST',
      `An assignment that is ${request.from} cannot be moved to ${request.to} by you. Allowed next statuses: ${allowed.length ? allowed.join(', ') : 'none'}.${hint}`,
      {
        field: 'status',
        allowed,
        i18n: { key: 'assignments:errors.transition', values: { from: request.from, to: request.to, allowed: allowed.join(', ') || '—' } },
      },
    )
  }
  if (transition.needs === 'note' && !request.note?.trim()) {
    throw new AppError('BAD_REQUEST', `progressNote: a progress note is required to move to ${request.to}`, {
      field: 'progressNote',
      i18n: { key: `assignments:errors.noteRequired.${transition.action}` },
    })
  }
  if (transition.needs === 'comment' && !request.comment?.trim()) {
    throw new AppError('BAD_REQUEST', `comment: a comment is required to ${transition.action} an assignment`, {
      field: 'comment',
      i18n: { key: 'assignments:errors.commentRequired' },
    })
  }
  return transition
}
