import type { TRPCError } from '@trpc/server'
import { beforeAll, describe, expect, it } from 'vitest'
import type { Actor } from '#server/authz.ts'
import { db } from '#server/db.ts'
import { appRouter } from '#server/routers/_app.ts'
import { createCallerFactory } from '#server/trpc.ts'
import { createMember, createWorkspace, type TestWorkspace } from '#tests/factories/index.ts'
import { createAssignment, createPlan } from '#tests/factories/plan.ts'
import { expectError } from '#tests/support/trpc.ts'

const createCaller = createCallerFactory(appRouter)
const callerFor = (actor: Actor) => createCaller({ actor, requestId: 'test', locale: 'en', invalidToken: false })

async function codesOf(workspaceId: string) {
  const rows = await db
    .selectFrom('plan_node')
    .select(['title', 'code', 'archived_at'])
    .where('workspace_id', '=', workspaceId)
    .orderBy('code')
    .execute()
  return Object.fromEntries(rows.filter((r) => !r.archived_at).map((r) => [r.title, r.code]))
}

let ws: TestWorkspace
let secretariat: Actor
let focalPoint: Actor
let observer: Actor

beforeAll(async () => {
  ws = await createWorkspace(db)
  secretariat = (await createMember(db, ws, 'secretariat', { name: 'Sofía Secretariat' })).actor
  focalPoint = (await createMember(db, ws, 'focal_point', { countryCode: 'AR' })).actor
  observer = (await createMember(db, ws, 'observer')).actor
})

describe('planItem.create', () => {
  it('creates each level under the right parent, kind following depth, with codes from positions', async () => {
    const api = callerFor(secretariat)
    const own = await createWorkspace(db)
    const sec = (await createMember(db, own, 'secretariat')).actor
    const call = callerFor(sec)
    const g1 = await call.planItem.create({ workspaceId: own.id, parentId: null, title: 'Governance' })
    const g2 = await call.planItem.create({ workspaceId: own.id, parentId: null, title: 'Information' })
    expect([g1.kind, g1.code, g2.code]).toEqual(['general_objective', '1', '2'])
    const s = await call.planItem.create({ workspaceId: own.id, parentId: g2.id, title: 'Statistics' })
    const a = await call.planItem.create({ workspaceId: own.id, parentId: s.id, title: 'Regional net' })
    const t = await call.planItem.create({
      workspaceId: own.id,
      parentId: a.id,
      title: 'Yearly report',
      description: 'Each government sends its figures.',
      leadKind: 'organisation',
      leadOrganisationCode: 'iom',
      partnerCodes: ['ILO', 'ECLAC'],
      startDate: '2027-01-01',
      dueDate: '2027-06-30',
      priority: 'high',
      recurrenceMonths: 12,
    })
    expect([s.kind, s.code, a.kind, a.code, t.kind, t.code]).toEqual(['specific_objective', '2.1', 'action_line', '2.1.1', 'task', '2.1.1.1'])
    expect(t.task).toEqual({
      description: 'Each government sends its figures.',
      leadKind: 'organisation',
      leadCountryCode: null,
      leadOrganisationCode: 'IOM',
      partnerCodes: ['ECLAC', 'ILO'],
      startDate: '2027-01-01',
      dueDate: '2027-06-30',
      priority: 'high',
      recurrenceMonths: 12,
    })
    // Inserted at a position: the siblings after it move down.
    const first = await call.planItem.create({ workspaceId: own.id, parentId: null, title: 'Human rights', position: 1 })
    expect(first.code).toBe('1')
    expect(await codesOf(own.id)).toEqual({
      'Human rights': '1',
      Governance: '2',
      Information: '3',
      Statistics: '3.1',
      'Regional net': '3.1.1',
      'Yearly report': '3.1.1.1',
    })
    // A task has no children.
    await expectError(call.planItem.create({ workspaceId: own.id, parentId: t.id, title: 'Sub-task' }), 'BAD_REQUEST', 'parentId')
    // Task fields on an objective are refused.
    await expectError(call.planItem.create({ workspaceId: own.id, parentId: null, title: 'X', description: 'no' }), 'BAD_REQUEST', 'description')
    // The activity log has a row per creation, by the secretariat.
    const activity = await db.selectFrom('activity').select(['action', 'actor_id', 'subject_type', 'after']).where('workspace_id', '=', own.id).where('action', '=', 'plan_item.created').execute()
    expect(activity).toHaveLength(6)
    expect(activity.every((r) => r.actor_id === sec.userId)).toBe(true)
    expect(activity.find((r) => r.subject_type === 'task')?.after).toMatchObject({ code: '2.1.1.1', title: 'Yearly report', leadOrganisationCode: 'IOM' })
    // Another workspace's secretariat cannot create in this one.
    await expectError(api.planItem.create({ workspaceId: own.id, parentId: null, title: 'Intruder' }), 'NOT_FOUND')
  })

  it('validates task fields: due before start (field dueDate), unknown lead country, lead without its code', async () => {
    const plan = await createPlan(db, ws, ['Validation G\tVS\tVA\tVT'])
    const api = callerFor(secretariat)
    const actionLine = plan.nodeId('1.1.1')
    await expectError(
      api.planItem.create({ workspaceId: ws.id, parentId: actionLine, title: 'T', startDate: '2027-03-01', dueDate: '2027-02-28' }),
      'BAD_REQUEST',
      'dueDate',
    )
    await expectError(api.planItem.create({ workspaceId: ws.id, parentId: actionLine, title: 'T', leadKind: 'country', leadCountryCode: 'US' }), 'BAD_REQUEST', 'leadCountryCode')
    await expectError(api.planItem.create({ workspaceId: ws.id, parentId: actionLine, title: 'T', leadKind: 'country' }), 'BAD_REQUEST', 'leadCountryCode')
    await expectError(api.planItem.create({ workspaceId: ws.id, parentId: actionLine, title: 'T', partnerCodes: ['NOPE'] }), 'BAD_REQUEST', 'partnerCodes')
    await expectError(api.planItem.create({ workspaceId: ws.id, parentId: actionLine, title: '   ' }), 'BAD_REQUEST', 'title')
    await expectError(api.planItem.create({ workspaceId: ws.id, parentId: actionLine, title: 'T', recurrenceMonths: 5 as 6 }), 'BAD_REQUEST', 'recurrenceMonths')
    // Nothing was saved by any of the refused calls.
    const tasks = await db.selectFrom('plan_node').select('title').where('parent_id', '=', actionLine).execute()
    expect(tasks.map((t) => t.title)).toEqual(['VT'])
  })

  it('is for the secretariat only: focal points and observers FORBIDDEN', async () => {
    await expectError(callerFor(focalPoint).planItem.create({ workspaceId: ws.id, parentId: null, title: 'X' }), 'FORBIDDEN')
    await expectError(callerFor(observer).planItem.create({ workspaceId: ws.id, parentId: null, title: 'X' }), 'FORBIDDEN')
  })
})

describe('planItem.update', () => {
  it('edits the title and task fields, writes only what changed before → after, and bumps the version', async () => {
    const other = await createWorkspace(db)
    const plan = await createPlan(db, other, ['G\tS\tA\tA task to edit'])
    const sec = (await createMember(db, other, 'secretariat', { name: 'Editor One' })).actor
    const api = callerFor(sec)
    const taskId = plan.nodeId('1.1.1.1')
    const node = await db.selectFrom('plan_node').select('version').where('id', '=', taskId).executeTakeFirstOrThrow()
    const updated = await api.planItem.update({
      id: taskId,
      version: node.version,
      title: 'An edited task',
      leadKind: 'country',
      leadCountryCode: 'BR',
      partnerCodes: ['IOM'],
      startDate: '2027-01-10',
      dueDate: '2027-05-31',
      priority: 'low',
    })
    expect(updated.version).toBe(node.version + 1)
    expect(updated.title).toBe('An edited task')
    expect(updated.task).toMatchObject({ leadKind: 'country', leadCountryCode: 'BR', partnerCodes: ['IOM'], startDate: '2027-01-10', dueDate: '2027-05-31', priority: 'low' })
    const row = await db.selectFrom('activity').select(['before', 'after']).where('subject_id', '=', taskId).where('action', '=', 'plan_item.updated').executeTakeFirstOrThrow()
    expect(row.before).toEqual({ code: '1.1.1.1', title: 'A task to edit', leadKind: 'all_countries', leadCountryCode: null, partnerCodes: [], startDate: null, dueDate: null, priority: 'normal' })
    expect(row.after).toEqual({ code: '1.1.1.1', title: 'An edited task', leadKind: 'country', leadCountryCode: 'BR', partnerCodes: ['IOM'], startDate: '2027-01-10', dueDate: '2027-05-31', priority: 'low' })

    // A due date before the (stored) start date is refused, naming dueDate; nothing changes.
    const refused = await expectError(api.planItem.update({ id: taskId, version: updated.version, dueDate: '2027-01-09', title: 'Not saved' }), 'BAD_REQUEST', 'dueDate')
    expect(refused.message).toMatch(/due date/i)
    const after = await db.selectFrom('plan_node').select(['title', 'version']).where('id', '=', taskId).executeTakeFirstOrThrow()
    expect(after).toEqual({ title: 'An edited task', version: updated.version })

    // A stale version is refused with CONFLICT naming who changed it and when.
    const conflict = await expectError(api.planItem.update({ id: taskId, version: node.version, title: 'Stale' }), 'CONFLICT')
    expect(((conflict.cause as { details?: { conflict?: { by: string } } }).details?.conflict?.by)).toBe('Editor One')

    // Switching the lead away from a country clears the lead country.
    const toSecretariat = await api.planItem.update({ id: taskId, version: updated.version, leadKind: 'secretariat' })
    expect(toSecretariat.task).toMatchObject({ leadKind: 'secretariat', leadCountryCode: null })
    const dbTask = await db.selectFrom('task').select(['lead_kind', 'lead_country_id']).where('id', '=', taskId).executeTakeFirstOrThrow()
    expect(dbTask).toEqual({ lead_kind: 'secretariat', lead_country_id: null })

    // Task fields on an objective are refused.
    const objective = await db.selectFrom('plan_node').select(['id', 'version']).where('id', '=', plan.nodeId('1')).executeTakeFirstOrThrow()
    await expectError(api.planItem.update({ id: objective.id, version: objective.version, priority: 'high' }), 'BAD_REQUEST', 'description')
    // Members of another workspace do not see it; a focal point of this one may not edit it.
    await expectError(callerFor(secretariat).planItem.update({ id: taskId, version: toSecretariat.version, title: 'X' }), 'NOT_FOUND')
    const fp = (await createMember(db, other, 'focal_point', { countryCode: 'CL' })).actor
    await expectError(callerFor(fp).planItem.update({ id: taskId, version: toSecretariat.version, title: 'X' }), 'FORBIDDEN')
  })
})

describe('planItem.move', () => {
  it('reorders siblings and renumbers the codes of moved subtrees and every sibling, down to tasks', async () => {
    const own = await createWorkspace(db)
    const sec = (await createMember(db, own, 'secretariat')).actor
    const api = callerFor(sec)
    const plan = await createPlan(db, own, [
      'G1\tS1.1\tA1.1.1\tT1.1.1.1',
      '\t\t\tT1.1.1.2',
      '\t\tA1.1.2\tT1.1.2.1',
      '\tS1.2\tA1.2.1\tT1.2.1.1',
      'G2\tS2.1\tA2.1.1\tT2.1.1.1',
      'G3\tS3.1\tA3.1.1\tT3.1.1.1',
    ])
    // G3 to the top: its whole subtree becomes 1.x, G1 → 2, G2 → 3.
    const moved = await api.planItem.move({ id: plan.nodeId('3'), position: 1 })
    expect(moved.code).toBe('1')
    expect(await codesOf(own.id)).toEqual({
      G3: '1',
      'S3.1': '1.1',
      'A3.1.1': '1.1.1',
      'T3.1.1.1': '1.1.1.1',
      G1: '2',
      'S1.1': '2.1',
      'A1.1.1': '2.1.1',
      'T1.1.1.1': '2.1.1.1',
      'T1.1.1.2': '2.1.1.2',
      'A1.1.2': '2.1.2',
      'T1.1.2.1': '2.1.2.1',
      'S1.2': '2.2',
      'A1.2.1': '2.2.1',
      'T1.2.1.1': '2.2.1.1',
      G2: '3',
      'S2.1': '3.1',
      'A2.1.1': '3.1.1',
      'T2.1.1.1': '3.1.1.1',
    })
    // S1.2 up (it is 2.2 now): S1.2 → 2.1 with its subtree, S1.1 → 2.2 with its subtree.
    const s12 = await api.planItem.move({ id: plan.nodeId('1.2'), direction: 'up' })
    expect(s12.code).toBe('2.1')
    expect(s12.renumbered.length).toBeGreaterThanOrEqual(8)
    const codes = await codesOf(own.id)
    expect([codes['S1.2'], codes['A1.2.1'], codes['T1.2.1.1'], codes['S1.1'], codes['A1.1.2'], codes['T1.1.2.1']]).toEqual(['2.1', '2.1.1', '2.1.1.1', '2.2', '2.2.2', '2.2.2.1'])
    // A task down among its siblings.
    const t = await api.planItem.move({ id: plan.nodeId('1.1.1.1'), direction: 'down' })
    expect(t.code).toBe('2.2.1.2')
    expect((await codesOf(own.id))['T1.1.1.2']).toBe('2.2.1.1')
    // Up at the top changes nothing and logs nothing; down past the end neither.
    const top = await api.planItem.move({ id: plan.nodeId('3'), direction: 'up' })
    expect(top.renumbered).toEqual([])
    // Positions stay 1..n per parent: no gaps, no duplicates.
    const positions = await db.selectFrom('plan_node').select(['parent_id', 'position']).where('workspace_id', '=', own.id).execute()
    const byParent = new Map<string | null, number[]>()
    for (const p of positions) byParent.set(p.parent_id, [...(byParent.get(p.parent_id) ?? []), p.position])
    for (const list of byParent.values()) expect(list.sort((a, b) => a - b)).toEqual(list.map((_, i) => i + 1))
    // Each effective move wrote one activity row, before → after code.
    const moves = await db.selectFrom('activity').select(['before', 'after']).where('workspace_id', '=', own.id).where('action', '=', 'plan_item.moved').orderBy('at').execute()
    expect(moves).toHaveLength(3)
    expect(moves[0].before).toMatchObject({ code: '3', position: 3 })
    expect(moves[0].after).toMatchObject({ code: '1', position: 1 })
    // Bad input: both or neither of direction and position.
    await expectError(api.planItem.move({ id: plan.nodeId('3') }), 'BAD_REQUEST', 'position')
    await expectError(callerFor(focalPoint).planItem.move({ id: plan.nodeId('3'), direction: 'down' }), 'NOT_FOUND')
    const fp = (await createMember(db, own, 'focal_point', { countryCode: 'PE' })).actor
    await expectError(callerFor(fp).planItem.move({ id: plan.nodeId('3'), direction: 'down' }), 'FORBIDDEN')
  })
})

describe('planItem.archive / restore', () => {
  it('archives a subtree out of the numbering, keeps its assignments and history, and restores it at the end', async () => {
    const own = await createWorkspace(db)
    const sec = (await createMember(db, own, 'secretariat')).actor
    const api = callerFor(sec)
    const plan = await createPlan(db, own, ['G1\tS1\tA1\tT1', '\tS2\tA2\tT2', '\tS3\tA3\tT3'])
    const t2 = plan.nodeId('1.2.1.1')
    const assignment = await createAssignment(db, own, t2, { countryCode: 'UY' }, { dueDate: '2027-03-31' })
    await db.insertInto('assignment_history').values({ assignment_id: assignment.id, actor_id: null, action: 'created', to_status: 'not_started', from_status: null, version: 1 }).execute()

    const archived = await api.planItem.archive({ id: plan.nodeId('1.2') })
    expect(archived.archivedAt).not.toBeNull()
    // The archived subtree keeps its codes; the active sibling after it closes the gap.
    expect(await codesOf(own.id)).toEqual({ G1: '1', S1: '1.1', A1: '1.1.1', T1: '1.1.1.1', S3: '1.2', A3: '1.2.1', T3: '1.2.1.1' })
    const s2Subtree = await db.selectFrom('plan_node').select(['title', 'code', 'archived_at']).where('title', 'in', ['S2', 'A2', 'T2']).where('workspace_id', '=', own.id).execute()
    expect(s2Subtree.every((n) => n.archived_at !== null)).toBe(true)
    expect(s2Subtree.map((n) => n.code).sort()).toEqual(['1.2', '1.2.1', '1.2.1.1'])
    // History is kept: the assignment and its history are still there.
    expect(await db.selectFrom('assignment_history').select('id').where('assignment_id', '=', assignment.id).execute()).toHaveLength(1)
    expect(await db.selectFrom('assignment').select('id').where('id', '=', assignment.id).execute()).toHaveLength(1)
    // Editing or moving an archived item is refused; archiving again changes nothing.
    await expectError(api.planItem.move({ id: plan.nodeId('1.2'), direction: 'up' }), 'BAD_REQUEST', 'id')
    const again = await api.planItem.archive({ id: plan.nodeId('1.2') })
    expect(again.archivedAt).toBe(archived.archivedAt)
    // A child of an archived item cannot come back alone.
    await expectError(api.planItem.restore({ id: t2 }), 'BAD_REQUEST', 'id')
    // Creating under an archived parent is refused.
    await expectError(api.planItem.create({ workspaceId: own.id, parentId: plan.nodeId('1.2'), title: 'X' }), 'BAD_REQUEST', 'id')

    const restored = await api.planItem.restore({ id: plan.nodeId('1.2') })
    expect(restored.archivedAt).toBeNull()
    expect(restored.code).toBe('1.3')
    expect(await codesOf(own.id)).toEqual({ G1: '1', S1: '1.1', A1: '1.1.1', T1: '1.1.1.1', S3: '1.2', A3: '1.2.1', T3: '1.2.1.1', S2: '1.3', A2: '1.3.1', T2: '1.3.1.1' })
    const log = await db.selectFrom('activity').select(['action', 'before', 'after']).where('subject_id', '=', plan.nodeId('1.2')).orderBy('at').execute()
    expect(log.map((l) => l.action)).toEqual(['plan_item.archived', 'plan_item.restored'])
    expect(log[0].after).toMatchObject({ items: 3 })
    expect(log[1].before).toMatchObject({ code: '1.2' })
    expect(log[1].after).toMatchObject({ code: '1.3', items: 3, archivedAt: null })
    await expectError(callerFor(observer).planItem.archive({ id: plan.nodeId('1.1') }), 'NOT_FOUND')
  })
})

describe('concurrent plan edits', () => {
  it('serialise structural changes of one plan: codes stay contiguous after simultaneous moves, creates and archives', async () => {
    const own = await createWorkspace(db)
    const sec = (await createMember(db, own, 'secretariat')).actor
    const api = callerFor(sec)
    const plan = await createPlan(db, own, ['G1\tS1\tA1\tT1', '\t\t\tT2', '\t\t\tT3', '\t\t\tT4', '\t\t\tT5', 'G2\tS2\tA2\tT6'])
    const actionLine = plan.nodeId('1.1.1')
    await Promise.all([
      api.planItem.move({ id: plan.nodeId('1.1.1.1'), position: 5 }),
      api.planItem.move({ id: plan.nodeId('1.1.1.3'), direction: 'up' }),
      api.planItem.create({ workspaceId: own.id, parentId: actionLine, title: 'T7', position: 1 }),
      api.planItem.archive({ id: plan.nodeId('1.1.1.4') }),
      api.planItem.move({ id: plan.nodeId('2'), position: 1 }),
      api.planItem.create({ workspaceId: own.id, parentId: null, title: 'G3' }),
    ])
    const nodes = await db.selectFrom('plan_node').select(['parent_id', 'position', 'code', 'archived_at']).where('workspace_id', '=', own.id).execute()
    const active = nodes.filter((n) => !n.archived_at)
    const byParent = new Map<string | null, typeof active>()
    for (const n of active) byParent.set(n.parent_id, [...(byParent.get(n.parent_id) ?? []), n])
    for (const siblings of byParent.values()) {
      const sorted = [...siblings].sort((a, b) => a.position - b.position)
      expect(sorted.map((n) => n.position)).toEqual(sorted.map((_, i) => i + 1))
      expect(sorted.map((n) => Number(n.code.split('.').at(-1)))).toEqual(sorted.map((_, i) => i + 1))
    }
    expect(new Set(active.map((n) => n.code)).size).toBe(active.length)
    expect(active.filter((n) => n.parent_id === actionLine)).toHaveLength(5)
  })

  it('two simultaneous edits from the same version: exactly one wins, the other gets CONFLICT, one activity row', async () => {
    const own = await createWorkspace(db)
    const sec = (await createMember(db, own, 'secretariat')).actor
    const plan = await createPlan(db, own, ['G\tS\tA\tRace'])
    const id = plan.nodeId('1.1.1.1')
    const { version } = await db.selectFrom('plan_node').select('version').where('id', '=', id).executeTakeFirstOrThrow()
    const results = await Promise.allSettled([
      callerFor(sec).planItem.update({ id, version, description: 'first' }),
      callerFor(sec).planItem.update({ id, version, description: 'second' }),
    ])
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
    const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult
    expect((rejected.reason as TRPCError).code).toBe('CONFLICT')
    const rows = await db.selectFrom('activity').select('id').where('subject_id', '=', id).where('action', '=', 'plan_item.updated').execute()
    expect(rows).toHaveLength(1)
  })
})
