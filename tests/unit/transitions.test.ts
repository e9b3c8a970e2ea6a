import { describe, expect, it } from 'vitest'
import type { Actor, ActorMembership, AssigneeRef } from '#server/authz.ts'
import type { AssignmentStatus } from '#db/types.ts'
import { AppError } from '#server/errors.ts'
import { allowedNextStatuses, decideTransition, standingOf, type TransitionVia } from '#server/services/assignments/transitions.ts'

const WS = '11111111-1111-4111-8111-111111111111'
const AR = 'aaaaaaaa-0000-4000-8000-000000000001'
const BR = 'aaaaaaaa-0000-4000-8000-000000000002'
const IOM = 'bbbbbbbb-0000-4000-8000-000000000001'

function actor(m: Partial<ActorMembership> & Pick<ActorMembership, 'role'>): Actor {
  return {
    userId: '22222222-2222-4222-8222-222222222222',
    email: 'x@example.org',
    name: 'X',
    locale: 'en',
    timeZone: 'UTC',
    isAdmin: false,
    via: 'session',
    memberships: [{ workspaceId: WS, slug: 'ws', name: 'WS', countryId: null, countryCode: null, organisationId: null, ...m }],
  }
}

const countryAR: AssigneeRef = { workspaceId: WS, assigneeKind: 'country', countryId: AR, organisationId: null }
const orgIOM: AssigneeRef = { workspaceId: WS, assigneeKind: 'organisation', countryId: null, organisationId: IOM }

type RoleCase = 'secretariat' | 'focal point (own country)' | 'focal point (other country)' | 'partner (own organisation)' | 'observer'
const ROLES: { role: RoleCase; actor: Actor; target: AssigneeRef; column: 'assignee' | 'secretariat' | null }[] = [
  { role: 'secretariat', actor: actor({ role: 'secretariat' }), target: countryAR, column: 'secretariat' },
  { role: 'focal point (own country)', actor: actor({ role: 'focal_point', countryId: AR, countryCode: 'AR' }), target: countryAR, column: 'assignee' },
  { role: 'focal point (other country)', actor: actor({ role: 'focal_point', countryId: BR, countryCode: 'BR' }), target: countryAR, column: null },
  { role: 'partner (own organisation)', actor: actor({ role: 'partner', organisationId: IOM }), target: orgIOM, column: 'assignee' },
  { role: 'observer', actor: actor({ role: 'observer' }), target: countryAR, column: null },
]

/**
 * DESIGN.md "Statuses and who moves them", row by row:
 * [from, to, procedure, focal point / partner, secretariat, needs].
 */
const DESIGN_TABLE: [AssignmentStatus, AssignmentStatus, TransitionVia, boolean, boolean, 'note' | 'comment' | null][] = [
  ['not_started', 'in_progress', 'update', true, true, null],
  ['in_progress', 'blocked', 'update', true, true, 'note'],
  ['blocked', 'in_progress', 'update', true, true, null],
  ['in_progress', 'submitted', 'update', true, true, 'note'],
  ['submitted', 'in_progress', 'update', true, false, null], // withdraw
  ['submitted', 'completed', 'verify', false, true, null],
  ['submitted', 'in_progress', 'return', false, true, 'comment'],
  ['completed', 'in_progress', 'update', false, true, 'comment'], // reopen
  ['not_started', 'not_applicable', 'update', true, true, 'note'],
  ['in_progress', 'not_applicable', 'update', true, true, 'note'],
  ['blocked', 'not_applicable', 'update', true, true, 'note'],
  ['not_applicable', 'in_progress', 'update', true, true, null],
]

const STATUSES: AssignmentStatus[] = ['not_started', 'in_progress', 'blocked', 'submitted', 'completed', 'not_applicable']
const VIAS: TransitionVia[] = ['update', 'verify', 'return']

function outcome(fn: () => unknown): { code: string; details?: Record<string, unknown> } {
  try {
    fn()
    return { code: 'OK' }
  } catch (error) {
    if (error instanceof AppError) return { code: error.code, details: error.details }
    throw error
  }
}

const cases = ROLES.flatMap((r) =>
  STATUSES.flatMap((from) =>
    STATUSES.filter((to) => to !== from).flatMap((to) =>
      VIAS.map((via) => {
        const row = DESIGN_TABLE.find(([f, t, v]) => f === from && t === to && v === via)
        const permitted = !!row && (r.column === 'secretariat' ? row[4] : r.column === 'assignee' ? row[3] : false)
        const expected = r.column === null ? 'FORBIDDEN' : permitted ? 'OK' : 'BAD_REQUEST'
        return { ...r, from, to, via, expected, needs: row?.[5] ?? null }
      }),
    ),
  ),
)

describe('the status table of DESIGN.md', () => {
  it.each(cases)('$role: $from → $to via $via is $expected', (c) => {
    // With everything a move could need, only the table decides.
    const result = outcome(() => decideTransition(c.actor, c.target, { from: c.from, to: c.to, via: c.via, note: 'a note', comment: 'a comment' }))
    expect(result.code).toBe(c.expected)
    if (c.expected === 'BAD_REQUEST') {
      // The refusal names the statuses this caller may move to from here.
      expect(result.details?.allowed).toEqual(allowedNextStatuses(standingOf(c.actor, c.target), c.from))
      expect(result.details?.field).toBe('status')
    }
  })

  const needing = cases.filter((c) => c.expected === 'OK' && c.needs)
  it.each(needing)('$role: $from → $to via $via needs a $needs', (c) => {
    const blank = outcome(() => decideTransition(c.actor, c.target, { from: c.from, to: c.to, via: c.via, note: '  ', comment: '' }))
    expect(blank.code).toBe('BAD_REQUEST')
    expect(blank.details?.field).toBe(c.needs === 'note' ? 'progressNote' : 'comment')
  })

  const free = cases.filter((c) => c.expected === 'OK' && !c.needs)
  it.each(free)('$role: $from → $to via $via needs nothing more', (c) => {
    expect(outcome(() => decideTransition(c.actor, c.target, { from: c.from, to: c.to, via: c.via })).code).toBe('OK')
  })

  it('names the allowed next statuses for the caller', () => {
    const [secretariat, focal, , partner] = ROLES
    expect(allowedNextStatuses(standingOf(secretariat.actor, secretariat.target), 'submitted').sort()).toEqual(['completed', 'in_progress'])
    expect(allowedNextStatuses(standingOf(focal.actor, focal.target), 'submitted')).toEqual(['in_progress'])
    expect(allowedNextStatuses(standingOf(focal.actor, focal.target), 'completed')).toEqual([])
    expect(allowedNextStatuses(standingOf(partner.actor, partner.target), 'in_progress').sort()).toEqual(['blocked', 'not_applicable', 'submitted'])
    expect(allowedNextStatuses(standingOf(secretariat.actor, secretariat.target), 'completed')).toEqual(['in_progress'])
    const refused = outcome(() => decideTransition(focal.actor, focal.target, { from: 'not_started', to: 'submitted', via: 'update', note: 'n' }))
    expect(refused).toMatchObject({ code: 'BAD_REQUEST', details: { allowed: ['in_progress', 'not_applicable'] } })
  })

  it('a partner may not move a country assignment, nor a member of another workspace anything', () => {
    const partner = actor({ role: 'partner', organisationId: IOM })
    expect(outcome(() => decideTransition(partner, countryAR, { from: 'not_started', to: 'in_progress', via: 'update' })).code).toBe('FORBIDDEN')
    const stranger: Actor = { ...actor({ role: 'secretariat' }), memberships: [] }
    expect(outcome(() => decideTransition(stranger, countryAR, { from: 'not_started', to: 'in_progress', via: 'update' })).code).toBe('NOT_FOUND')
  })
})
