import type { AppLocale } from '#app/i18n/config.ts'
import type { AssigneeKind, Role } from '#db/types.ts'
import { AppError } from './errors.ts'

/**
 * The one authorisation module. Every loader, action, tRPC procedure and job
 * asks it, with a permission string `action:subject:scope`.
 *
 * Every member reads their whole workspace; roles differ in what they write.
 * A focal point's rights stop at their country, a partner's at their
 * organisation, and everyone's at their workspace: an object of another
 * workspace is NOT_FOUND, never FORBIDDEN, so its existence is not revealed.
 */
export interface ActorMembership {
  workspaceId: string
  slug: string
  name: string
  role: Role
  countryId: string | null
  countryCode: string | null
  organisationId: string | null
}

export interface Actor {
  userId: string
  email: string
  name: string
  locale: AppLocale
  timeZone: string
  isAdmin: boolean
  memberships: ActorMembership[]
  /** How the caller proved who they are. */
  via: 'session' | 'token' | 'system'
  sessionId?: string
}

export type Permission =
  | 'read:workspace'
  | 'update:plan'
  | 'assign:task'
  | 'update:assignment:any'
  | 'update:assignment:own-country'
  | 'update:assignment:own-organisation'
  | 'verify:assignment'
  | 'comment:assignment'
  | 'manage:members'
  | 'read:activity'
  | 'read:email-log'
  | 'manage:workspace'
  | 'create:workspace'

/** Which roles hold each workspace permission. Scopes are checked in `canWriteAssignment`. */
const GRANTS: Record<Exclude<Permission, 'create:workspace'>, readonly Role[]> = {
  'read:workspace': ['secretariat', 'focal_point', 'partner', 'observer'],
  'update:plan': ['secretariat'],
  'assign:task': ['secretariat'],
  'update:assignment:any': ['secretariat'],
  'update:assignment:own-country': ['focal_point'],
  'update:assignment:own-organisation': ['partner'],
  'verify:assignment': ['secretariat'],
  'comment:assignment': ['secretariat', 'focal_point', 'partner'],
  'manage:members': ['secretariat'],
  'read:activity': ['secretariat'],
  'read:email-log': ['secretariat'],
  'manage:workspace': ['secretariat'],
}

export function membershipIn(actor: Actor, workspaceId: string): ActorMembership | undefined {
  return actor.memberships.find((m) => m.workspaceId === workspaceId)
}

/** The caller's membership, or NOT_FOUND as if the workspace did not exist. */
export function requireMember(actor: Actor, workspaceId: string): ActorMembership {
  const membership = membershipIn(actor, workspaceId)
  if (!membership) throw new AppError('NOT_FOUND', 'No such workspace', { i18n: { key: 'errors.notFound' } })
  return membership
}

export function can(actor: Actor, permission: Permission, workspaceId?: string): boolean {
  if (permission === 'create:workspace') return actor.isAdmin
  if (!workspaceId) return false
  const membership = membershipIn(actor, workspaceId)
  return !!membership && GRANTS[permission].includes(membership.role)
}

/** Throws NOT_FOUND for a non-member and FORBIDDEN for a member without the permission. */
export function authorize(actor: Actor, permission: Permission, workspaceId?: string): ActorMembership | undefined {
  if (permission === 'create:workspace') {
    if (!actor.isAdmin) throw new AppError('FORBIDDEN', 'Only an instance administrator may do this')
    return undefined
  }
  const membership = requireMember(actor, workspaceId ?? '')
  if (!GRANTS[permission].includes(membership.role)) {
    throw new AppError('FORBIDDEN', `Your role (${membership.role}) may not do this`, { i18n: { key: 'errors.forbidden' } })
  }
  return membership
}

export interface AssigneeRef {
  workspaceId: string
  assigneeKind: AssigneeKind
  countryId: string | null
  organisationId: string | null
}

/**
 * Whether the caller may update this assignment's status, notes and
 * evidence: the secretariat any; a focal point their country's; a partner
 * their organisation's (tasks it leads).
 */
export function canWriteAssignment(actor: Actor, target: AssigneeRef): boolean {
  const m = membershipIn(actor, target.workspaceId)
  if (!m) return false
  if (m.role === 'secretariat') return true
  if (m.role === 'focal_point') return target.assigneeKind === 'country' && target.countryId === m.countryId
  if (m.role === 'partner') return target.assigneeKind === 'organisation' && target.organisationId === m.organisationId
  return false
}

export function requireAssignmentWrite(actor: Actor, target: AssigneeRef): ActorMembership {
  const m = requireMember(actor, target.workspaceId)
  if (!canWriteAssignment(actor, target)) {
    throw new AppError('FORBIDDEN', 'You may only update the assignments of your own country or organisation', {
      i18n: { key: 'errors.notYourAssignment' },
    })
  }
  return m
}

/** A system actor for jobs: acts with no membership and bypasses no check by accident. */
export function systemActor(): Actor {
  return { userId: '00000000-0000-0000-0000-000000000000', email: 'system@ruta.local', name: 'Ruta', locale: 'es', timeZone: 'UTC', isAdmin: false, memberships: [], via: 'system' }
}
