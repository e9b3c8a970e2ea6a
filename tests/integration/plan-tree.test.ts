import { TRPCError } from '@trpc/server'
import { beforeAll, describe, expect, it } from 'vitest'
import type { Actor } from '#server/authz.ts'
import { db } from '#server/db.ts'
import { isOverdueSql } from '#server/repositories/assignment-sql.ts'
import { appRouter } from '#server/routers/_app.ts'
import { getPlanNode } from '#server/services/plan/get-plan-node.ts'
import { getPlanOutline, type TPlanOutlineNode } from '#server/services/plan/get-plan-outline.ts'
import { getPlanTree, type TPlanTreeNode } from '#server/services/plan/get-plan-tree.ts'
import { createCallerFactory } from '#server/trpc.ts'
import { createMember, createWorkspace, type TestWorkspace } from '#tests/factories/index.ts'
import { createAssignment, createPlan } from '#tests/factories/plan.ts'

const createCaller = createCallerFactory(appRouter)
const callerFor = (actor: Actor | null) => createCaller({ actor, requestId: 'test', locale: 'en', invalidToken: false })

const PAST = '2000-01-01'
const FUTURE = '2999-12-31'

function find(nodes: TPlanTreeNode[], code: string): TPlanTreeNode {
  for (const node of nodes) {
    if (node.code === code) return node
    const inner = node.children.length ? findOrNull(node.children, code) : null
    if (inner) return inner
  }
  throw new Error(`no node ${code}`)
}
function findOrNull(nodes: TPlanTreeNode[], code: string): TPlanTreeNode | null {
  try {
    return find(nodes, code)
  } catch {
    return null
  }
}

async function codeOf(error: Promise<unknown>) {
  const e = await error.then(
    () => null,
    (x: unknown) => x,
  )
  expect(e).toBeInstanceOf(TRPCError)
  return (e as TRPCError).code
}

describe('plan.tree', () => {
  let ws: TestWorkspace
  let member: Actor
  let plan: Awaited<ReturnType<typeof createPlan>>

  beforeAll(async () => {
    ws = await createWorkspace(db)
    member = (await createMember(db, ws, 'observer')).actor
    plan = await createPlan(db, ws, [
      'G1\tS1\tA1\tT1',
      '\t\t\tT2',
      '\t\tA2\tT3',
      '\tS2\tA3\tT4',
      '\t\tA4\t',
      'G2\tS3\tA5\tT5',
      '\t\t\tT6 archived',
      '\t\tA6 archived\tT7 under an archived line',
    ])
    const t = plan.nodeId
    // T1 (1.1.1.1): total 3 (not_applicable left out), 1 completed, 1 overdue.
    await createAssignment(db, ws, t('1.1.1.1'), { countryCode: 'AR' }, { status: 'completed', dueDate: PAST })
    await createAssignment(db, ws, t('1.1.1.1'), { countryCode: 'BO' }, { status: 'in_progress', dueDate: PAST })
    await createAssignment(db, ws, t('1.1.1.1'), { countryCode: 'CL' }, { status: 'not_applicable', dueDate: PAST })
    await createAssignment(db, ws, t('1.1.1.1'), { countryCode: 'CO' }, { status: 'submitted', dueDate: PAST })
    // T2 (1.1.1.2): total 3, 0 completed, 2 overdue (blocked, not_started), one not due yet.
    await createAssignment(db, ws, t('1.1.1.2'), { countryCode: 'AR' }, { status: 'blocked', dueDate: PAST })
    await createAssignment(db, ws, t('1.1.1.2'), 'secretariat', { status: 'not_started', dueDate: PAST })
    await createAssignment(db, ws, t('1.1.1.2'), { organisationCode: 'IOM' }, { status: 'in_progress', dueDate: FUTURE })
    // T3 (1.1.2.1): one completed.
    await createAssignment(db, ws, t('1.1.2.1'), { countryCode: 'UY' }, { status: 'completed', dueDate: FUTURE })
    // T5 (2.1.1.1): two, monthly periods.
    await createAssignment(db, ws, t('2.1.1.1'), { countryCode: 'PE' }, { status: 'completed', dueDate: PAST, period: '2026-01' })
    await createAssignment(db, ws, t('2.1.1.1'), { countryCode: 'PE' }, { status: 'not_started', dueDate: PAST, period: '2026-02' })
    // Archived: T6 itself, and the action line A6 above T7. Their assignments count nowhere.
    await createAssignment(db, ws, t('2.1.1.2'), { countryCode: 'PE' }, { status: 'not_started', dueDate: PAST })
    await createAssignment(db, ws, t('2.1.2.1'), { countryCode: 'PE' }, { status: 'completed', dueDate: PAST })
    await db.updateTable('plan_node').set({ archived_at: new Date() }).where('id', 'in', [t('2.1.1.2'), t('2.1.2')]).execute()
  })

  it('answers { planId, title, nodes } with each node { id, kind, code, title, progress, children }, in order', async () => {
    const tree = await callerFor(member).plan.tree({ workspaceId: ws.id })
    expect(tree.planId).toBe(plan.planId)
    expect(tree.title).toBe('Test plan')
    expect(tree.nodes.map((n) => [n.code, n.kind, n.title])).toEqual([
      ['1', 'general_objective', 'G1'],
      ['2', 'general_objective', 'G2'],
    ])
    const g1 = tree.nodes[0] as TPlanTreeNode
    expect(Object.keys(g1).sort()).toEqual(['children', 'code', 'id', 'kind', 'progress', 'title'])
    expect(g1.children.map((n) => [n.code, n.kind])).toEqual([
      ['1.1', 'specific_objective'],
      ['1.2', 'specific_objective'],
    ])
    const t1 = find(tree.nodes, '1.1.1.1')
    expect(t1).toEqual({ id: plan.nodeId('1.1.1.1'), kind: 'task', code: '1.1.1.1', title: 'T1', progress: { total: 3, completed: 1, overdue: 1 }, children: [] })
    expect(find(tree.nodes, '1.1.1').children.map((c) => c.title)).toEqual(['T1', 'T2'])
    expect(find(tree.nodes, '1.2.2')).toMatchObject({ title: 'A4', children: [], progress: { total: 0, completed: 0, overdue: 0 } })
  })

  it('rolls progress up the subtree: not_applicable left out, completed and overdue counted', async () => {
    const tree = await callerFor(member).plan.tree({ workspaceId: ws.id })
    const progress = (code: string) => find(tree.nodes, code).progress
    expect(progress('1.1.1.2')).toEqual({ total: 3, completed: 0, overdue: 2 })
    expect(progress('1.1.1')).toEqual({ total: 6, completed: 1, overdue: 3 })
    expect(progress('1.1.2')).toEqual({ total: 1, completed: 1, overdue: 0 })
    expect(progress('1.1')).toEqual({ total: 7, completed: 2, overdue: 3 })
    expect(progress('1.2')).toEqual({ total: 0, completed: 0, overdue: 0 })
    expect(progress('1')).toEqual({ total: 7, completed: 2, overdue: 3 })
    expect(progress('2.1.1.1')).toEqual({ total: 2, completed: 1, overdue: 1 })
    expect(progress('2')).toEqual({ total: 2, completed: 1, overdue: 1 })
  })

  it('leaves out archived nodes and everything under them', async () => {
    const tree = await callerFor(member).plan.tree({ workspaceId: ws.id })
    expect(find(tree.nodes, '2.1.1').children.map((c) => c.code)).toEqual(['2.1.1.1'])
    expect(find(tree.nodes, '2.1').children.map((c) => c.code)).toEqual(['2.1.1'])
    expect(findOrNull(tree.nodes, '2.1.2.1')).toBeNull()
  })

  it('is NOT_FOUND for a non-member, UNAUTHORIZED without a caller, BAD_REQUEST for a malformed id', async () => {
    const other = await createWorkspace(db)
    const outsider = (await createMember(db, other, 'secretariat')).actor
    expect(await codeOf(callerFor(outsider).plan.tree({ workspaceId: ws.id }))).toBe('NOT_FOUND')
    expect(await codeOf(callerFor(member).plan.tree({ workspaceId: other.id }))).toBe('NOT_FOUND')
    expect(await codeOf(callerFor(null).plan.tree({ workspaceId: ws.id }))).toBe('UNAUTHORIZED')
    expect(await codeOf(callerFor(member).plan.tree({ workspaceId: 'sacm' }))).toBe('BAD_REQUEST')
  })

  it('answers an empty tree for a workspace without a plan', async () => {
    const empty = await createWorkspace(db)
    const secretariat = (await createMember(db, empty, 'secretariat')).actor
    expect(await callerFor(secretariat).plan.tree({ workspaceId: empty.id })).toEqual({ planId: null, title: null, nodes: [] })
  })

  it('outlines the plan for its page: objectives and action lines with the roll-up and their number of tasks, no tasks', async () => {
    const outline = await getPlanOutline(member, { workspaceId: ws.id })
    const flat: TPlanOutlineNode[] = []
    const walk = (nodes: TPlanOutlineNode[]) => nodes.forEach((n) => (flat.push(n), walk(n.children)))
    walk(outline.nodes)
    expect(outline).toMatchObject({ planId: plan.planId, title: 'Test plan' })
    expect(flat.map((n) => [n.code, n.kind, n.tasks])).toEqual([
      ['1', 'general_objective', 0],
      ['1.1', 'specific_objective', 0],
      ['1.1.1', 'action_line', 2],
      ['1.1.2', 'action_line', 1],
      ['1.2', 'specific_objective', 0],
      ['1.2.1', 'action_line', 1],
      ['1.2.2', 'action_line', 0],
      ['2', 'general_objective', 0],
      ['2.1', 'specific_objective', 0],
      ['2.1.1', 'action_line', 1],
    ])
    const tree = await getPlanTree(member, { workspaceId: ws.id })
    for (const node of flat) expect(node.progress).toEqual(find(tree.nodes, node.code).progress)
  })

  it("gives an action line's page its tasks with their progress, its ancestors and its own roll-up", async () => {
    const line = await getPlanNode(member, { workspaceId: ws.id, nodeId: plan.nodeId('1.1.1') })
    expect(line.planTitle).toBe('Test plan')
    expect(line.path.map((n) => [n.code, n.kind, n.title])).toEqual([
      ['1', 'general_objective', 'G1'],
      ['1.1', 'specific_objective', 'S1'],
      ['1.1.1', 'action_line', 'A1'],
    ])
    expect(line.progress).toEqual({ total: 6, completed: 1, overdue: 3 })
    expect(line.children).toEqual([
      { id: plan.nodeId('1.1.1.1'), kind: 'task', code: '1.1.1.1', title: 'T1', progress: { total: 3, completed: 1, overdue: 1 }, tasks: 0 },
      { id: plan.nodeId('1.1.1.2'), kind: 'task', code: '1.1.1.2', title: 'T2', progress: { total: 3, completed: 0, overdue: 2 }, tasks: 0 },
    ])
    // An objective's page lists what is under it, each with its subtree's roll-up; archived items are left out.
    const objective = await getPlanNode(member, { workspaceId: ws.id, nodeId: plan.nodeId('1.1') })
    expect(objective.children.map((c) => [c.code, c.tasks, c.progress])).toEqual([
      ['1.1.1', 2, { total: 6, completed: 1, overdue: 3 }],
      ['1.1.2', 1, { total: 1, completed: 1, overdue: 0 }],
    ])
    expect((await getPlanNode(member, { workspaceId: ws.id, nodeId: plan.nodeId('2.1.1') })).children.map((c) => c.code)).toEqual(['2.1.1.1'])
    expect((await getPlanNode(member, { workspaceId: ws.id, nodeId: plan.nodeId('2.1') })).children.map((c) => c.code)).toEqual(['2.1.1'])
    expect(await getPlanNode(member, { workspaceId: ws.id, nodeId: plan.nodeId('1.2.2') })).toMatchObject({ progress: { total: 0, completed: 0, overdue: 0 }, children: [] })
  })

  it("is NOT_FOUND for an item's page of a task, of an archived item or one under it, of another workspace, or for a non-member", async () => {
    const notFound = async (p: Promise<unknown>) => {
      const e = await p.then(
        () => null,
        (x: unknown) => x,
      )
      expect((e as { code?: string } | null)?.code).toBe('NOT_FOUND')
    }
    await notFound(getPlanNode(member, { workspaceId: ws.id, nodeId: plan.nodeId('1.1.1.1') }))
    await notFound(getPlanNode(member, { workspaceId: ws.id, nodeId: plan.nodeId('2.1.2') }))
    await notFound(getPlanNode(member, { workspaceId: ws.id, nodeId: plan.nodeId('2.1.2.1') }))
    const other = await createWorkspace(db)
    const otherPlan = await createPlan(db, other, ['G\tS\tA\tT'])
    const outsider = (await createMember(db, other, 'secretariat')).actor
    await notFound(getPlanNode(member, { workspaceId: ws.id, nodeId: otherPlan.nodeId('1.1.1') }))
    await notFound(getPlanNode(outsider, { workspaceId: ws.id, nodeId: plan.nodeId('1.1.1') }))
    await notFound(getPlanNode(outsider, { workspaceId: other.id, nodeId: plan.nodeId('1.1.1') }))
  })

  it('reads in a fixed number of statements, whatever the size of the plan', async () => {
    // The roll-up is SQL: one statement for the plan, one for every node with its progress.
    const statements: string[] = []
    const { createDb } = await import('#server/db.ts')
    const counted = createDb(process.env.DATABASE_URL as string, 2).withPlugin({
      transformQuery: (args) => {
        statements.push(args.node.kind)
        return args.node
      },
      transformResult: async (args) => args.result,
    })
    try {
      const { findCurrentPlan, listPlanNodesWithProgress } = await import('#server/repositories/plan.ts')
      const current = await findCurrentPlan(counted, ws.id)
      if (!current) throw new Error('no current plan')
      const rows = await listPlanNodesWithProgress(counted, current, { withTasks: true })
      expect(rows).toHaveLength(15)
      expect(statements).toHaveLength(2)
    } finally {
      await counted.destroy()
    }
  })
})

describe('overdue across time zones', () => {
  // Due 2026-03-10: it passes at local midnight of the 11th in the assignee's zone.
  let ws: TestWorkspace
  const ids: Record<string, string> = {}

  beforeAll(async () => {
    ws = await createWorkspace(db, { countries: ['AR', 'CO', 'CL'] })
    // The secretariat's zone, far from the countries' and from the server's, to tell them apart.
    await db.updateTable('workspace').set({ time_zone: 'Asia/Tokyo' }).where('id', '=', ws.id).execute()
    const plan = await createPlan(db, ws, ['G\tS\tA\tT'])
    const task = plan.nodeId('1.1.1.1')
    ids.AR = (await createAssignment(db, ws, task, { countryCode: 'AR' }, { dueDate: '2026-03-10', status: 'in_progress' })).id
    ids.CO = (await createAssignment(db, ws, task, { countryCode: 'CO' }, { dueDate: '2026-03-10', status: 'blocked' })).id
    ids.CL = (await createAssignment(db, ws, task, { countryCode: 'CL' }, { dueDate: '2026-03-10', status: 'submitted' })).id
    ids.secretariat = (await createAssignment(db, ws, task, 'secretariat', { dueDate: '2026-03-10' })).id
    ids.IOM = (await createAssignment(db, ws, task, { organisationCode: 'IOM' }, { dueDate: '2026-03-10' })).id
  })

  async function overdueAt(instant: string) {
    const rows = await db
      .selectFrom('assignment as a')
      .select(['a.id', isOverdueSql(new Date(instant), 'a').as('overdue')])
      .where('a.workspace_id', '=', ws.id)
      .execute()
    const names = Object.fromEntries(Object.entries(ids).map(([k, v]) => [v, k]))
    return rows
      .filter((r) => r.overdue)
      .map((r) => names[r.id])
      .sort()
  }

  it.each([
    // Tokyo (UTC+9) reaches the 11th at 15:00 UTC on the 10th.
    ['2026-03-10T14:59:59Z', []],
    ['2026-03-10T15:00:00Z', ['IOM', 'secretariat']],
    // Buenos Aires (UTC-3) at 03:00 UTC on the 11th.
    ['2026-03-11T02:59:59Z', ['IOM', 'secretariat']],
    ['2026-03-11T03:00:00Z', ['AR', 'IOM', 'secretariat']],
    // Bogotá (UTC-5) at 05:00 UTC; Chile's assignment is submitted, so never overdue.
    ['2026-03-11T04:59:59Z', ['AR', 'IOM', 'secretariat']],
    ['2026-03-11T05:00:00Z', ['AR', 'CO', 'IOM', 'secretariat']],
    ['2027-01-01T00:00:00Z', ['AR', 'CO', 'IOM', 'secretariat']],
  ])('at %s: %j', async (instant, expected) => {
    expect(await overdueAt(instant)).toEqual(expected)
  })

  it('filters in WHERE as well as it selects, and defaults to now', async () => {
    const overdueNow = await db.selectFrom('assignment').select('id').where('workspace_id', '=', ws.id).where(isOverdueSql()).execute()
    expect(overdueNow.map((r) => r.id).sort()).toEqual([ids.AR, ids.CO, ids.secretariat, ids.IOM].sort())
  })

  it('drives the plan roll-up at a given instant', async () => {
    const actor = (await createMember(db, ws, 'focal_point', { countryCode: 'AR' })).actor
    const at = async (instant: string) => (await getPlanTree(actor, { workspaceId: ws.id }, { asOf: new Date(instant) })).nodes[0]?.progress
    expect(await at('2026-03-10T12:00:00Z')).toEqual({ total: 5, completed: 0, overdue: 0 })
    expect(await at('2026-03-11T03:00:00Z')).toEqual({ total: 5, completed: 0, overdue: 3 })
    expect(await at('2026-03-11T05:00:00Z')).toEqual({ total: 5, completed: 0, overdue: 4 })
  })
})
