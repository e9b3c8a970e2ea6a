import { TRPCError } from '@trpc/server'
import { beforeAll, describe, expect, it } from 'vitest'
import type { Actor } from '#server/authz.ts'
import { db } from '#server/db.ts'
import { appRouter } from '#server/routers/_app.ts'
import { listAssignments } from '#server/services/assignments/list-assignments.ts'
import { listHomeAssignments } from '#server/services/assignments/list-home-assignments.ts'
import { createCallerFactory } from '#server/trpc.ts'
import { createMember, createWorkspace, type TestWorkspace } from '#tests/factories/index.ts'
import { createAssignment, createPlan } from '#tests/factories/plan.ts'

const createCaller = createCallerFactory(appRouter)
const callerFor = (actor: Actor) => createCaller({ actor, requestId: 'test-request', locale: 'en', invalidToken: false })

let ws: TestWorkspace
let observer: Actor
let fpAR: Actor
let stranger: Actor
const ids: Record<string, string> = {}

/**
 * Tasks 1.1.1.1 and 1.1.1.2 (objective 1) and 2.1.1.1 (objective 2).
 * Past due dates are overdue whenever the test runs; 2099 ones never are.
 */
beforeAll(async () => {
  ws = await createWorkspace(db)
  const plan = await createPlan(db, ws, ['Objective A\tSpecific A\tLine A\tTask A1', '\t\t\tTask A2', 'Objective B\tSpecific B\tLine B\tTask B1'])
  await db.updateTable('task').set({ lead_kind: 'organisation', lead_organisation_id: ws.organisationId('IOM') }).where('id', '=', plan.nodeId('2.1.1.1')).execute()
  const t = (code: string) => plan.nodeId(code)
  const rows: [string, string, string, string, 'not_started' | 'in_progress' | 'blocked' | 'submitted' | 'completed' | 'not_applicable'][] = [
    ['ar-a1-overdue', '1.1.1.1', 'AR', '2020-03-01', 'in_progress'],
    ['br-a1-overdue', '1.1.1.1', 'BR', '2020-01-15', 'not_started'],
    ['pe-a1-submitted-past', '1.1.1.1', 'PE', '2020-01-01', 'submitted'],
    ['ar-a2-future', '1.1.1.2', 'AR', '2099-05-01', 'not_started'],
    ['br-a2-future', '1.1.1.2', 'BR', '2099-02-01', 'blocked'],
    ['pe-a2-completed', '1.1.1.2', 'PE', '2099-03-01', 'completed'],
    ['ar-b1-future', '2.1.1.1', 'AR', '2099-01-10', 'not_applicable'],
    ['cl-b1-overdue', '2.1.1.1', 'CL', '2021-06-30', 'blocked'],
  ]
  for (const [key, code, country, dueDate, status] of rows) {
    ids[key] = (await createAssignment(db, ws, t(code), { countryCode: country }, { dueDate, status })).id
  }
  observer = (await createMember(db, ws, 'observer')).actor
  fpAR = (await createMember(db, ws, 'focal_point', { countryCode: 'AR' })).actor
  stranger = (await createMember(db, await createWorkspace(db), 'secretariat')).actor
})

const keyOf = (id: string) => Object.entries(ids).find(([, v]) => v === id)?.[0]

async function list(input: Omit<Parameters<ReturnType<typeof callerFor>['assignment']['list']>[0], 'workspaceId'>, actor = observer) {
  const page = await callerFor(actor).assignment.list({ workspaceId: ws.id, ...input })
  return page.items.map((i) => keyOf(i.id))
}

describe('assignment.list', () => {
  it('orders overdue first, then by due date, with the item shape of API.md', async () => {
    const page = await callerFor(observer).assignment.list({ workspaceId: ws.id })
    expect(page.items.map((i) => keyOf(i.id))).toEqual([
      'br-a1-overdue',
      'ar-a1-overdue',
      'cl-b1-overdue',
      'pe-a1-submitted-past',
      'ar-b1-future',
      'br-a2-future',
      'pe-a2-completed',
      'ar-a2-future',
    ])
    expect(page.nextCursor).toBeNull()
    const item = page.items[0]
    expect(Object.keys(item).sort()).toEqual(['countryCode', 'dueDate', 'id', 'overdue', 'status', 'taskCode', 'taskId', 'taskTitle', 'updatedAt', 'version'].sort())
    expect(item).toMatchObject({ countryCode: 'BR', taskCode: '1.1.1.1', taskTitle: 'Task A1', status: 'not_started', dueDate: '2020-01-15', overdue: true, version: 1 })
    expect(new Date(item.updatedAt).toISOString()).toBe(item.updatedAt)
  })

  it('filters by country, status, objective, overdue, due-date range and lead', async () => {
    expect(await list({ countryCode: 'AR' })).toEqual(['ar-a1-overdue', 'ar-b1-future', 'ar-a2-future'])
    expect(await list({ countryCode: ['PE', 'CL'] })).toEqual(['cl-b1-overdue', 'pe-a1-submitted-past', 'pe-a2-completed'])
    expect(await list({ status: 'blocked' })).toEqual(['cl-b1-overdue', 'br-a2-future'])
    expect(await list({ status: ['submitted', 'completed'] })).toEqual(['pe-a1-submitted-past', 'pe-a2-completed'])
    expect(await list({ objectiveCode: '2' })).toEqual(['cl-b1-overdue', 'ar-b1-future'])
    expect(await list({ objectiveCode: '1.1.1.2' })).toEqual(['br-a2-future', 'pe-a2-completed', 'ar-a2-future'])
    expect(await list({ objectiveCode: '1.1' })).toHaveLength(6)
    expect(await list({ overdue: true })).toEqual(['br-a1-overdue', 'ar-a1-overdue', 'cl-b1-overdue'])
    expect(await list({ overdue: false, countryCode: 'PE' })).toEqual(['pe-a1-submitted-past', 'pe-a2-completed'])
    expect(await list({ dueFrom: '2020-01-10', dueTo: '2021-12-31' })).toEqual(['br-a1-overdue', 'ar-a1-overdue', 'cl-b1-overdue'])
    expect(await list({ lead: 'organisation:IOM' })).toEqual(['cl-b1-overdue', 'ar-b1-future'])
    expect(await list({ lead: 'all_countries', countryCode: 'AR', status: ['in_progress', 'not_started'] })).toEqual(['ar-a1-overdue', 'ar-a2-future'])
  })

  it("gives a focal point asking for their own country (looked up by the id on their Actor) what any member gets for that code", async () => {
    for (const input of [{ countryCode: 'AR' }, { countryCode: ['AR'] }, { countryCode: 'AR', overdue: false }, { countryCode: 'AR', status: 'not_applicable' as const }]) {
      expect(await list(input, fpAR)).toEqual(await list(input, observer))
    }
    expect(await list({ countryCode: 'AR' }, fpAR)).toEqual(['ar-a1-overdue', 'ar-b1-future', 'ar-a2-future'])
    // Another country's code, or several, go by code for them too.
    expect(await list({ countryCode: 'BR' }, fpAR)).toEqual(['br-a1-overdue', 'br-a2-future'])
    expect(await list({ countryCode: ['AR', 'PE'] }, fpAR)).toEqual(await list({ countryCode: ['AR', 'PE'] }, observer))
  })

  it('pages with a stable opaque cursor that visits every row once', async () => {
    const all = (await callerFor(observer).assignment.list({ workspaceId: ws.id })).items.map((i) => i.id)
    const seen: string[] = []
    let cursor: string | undefined
    let pages = 0
    do {
      const page = await callerFor(observer).assignment.list({ workspaceId: ws.id, limit: 3, cursor })
      expect(page.items.length).toBeLessThanOrEqual(3)
      seen.push(...page.items.map((i) => i.id))
      cursor = page.nextCursor ?? undefined
      if (cursor) expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/)
      pages += 1
    } while (cursor)
    expect(pages).toBe(3)
    expect(seen).toEqual(all)

    // A change between pages neither repeats nor skips the rows not yet seen.
    const first = await callerFor(observer).assignment.list({ workspaceId: ws.id, limit: 4 })
    await db.updateTable('assignment').set({ due_date: '2019-01-01' }).where('id', '=', ids['ar-a1-overdue']).execute()
    const rest = await callerFor(observer).assignment.list({ workspaceId: ws.id, limit: 10, cursor: first.nextCursor ?? undefined })
    expect(rest.items.map((i) => keyOf(i.id))).toEqual(['ar-b1-future', 'br-a2-future', 'pe-a2-completed', 'ar-a2-future'])
    await db.updateTable('assignment').set({ due_date: '2020-03-01' }).where('id', '=', ids['ar-a1-overdue']).execute()
  })

  it('refuses bad input naming the field, and hides other workspaces', async () => {
    const codeOf = async (p: Promise<unknown>) => {
      try {
        await p
        return 'OK'
      } catch (error) {
        return error instanceof TRPCError ? error.code : 'OTHER'
      }
    }
    expect(await codeOf(callerFor(observer).assignment.list({ workspaceId: ws.id, limit: 0 }))).toBe('BAD_REQUEST')
    expect(await codeOf(callerFor(observer).assignment.list({ workspaceId: ws.id, limit: 101 }))).toBe('BAD_REQUEST')
    expect(await codeOf(callerFor(observer).assignment.list({ workspaceId: ws.id, limit: 100 }))).toBe('OK')
    expect(await codeOf(callerFor(observer).assignment.list({ workspaceId: ws.id, cursor: 'bm90IGEgY3Vyc29y' }))).toBe('BAD_REQUEST')
    expect(await codeOf(callerFor(observer).assignment.list({ workspaceId: ws.id, dueFrom: '2022-01-01', dueTo: '2021-01-01' }))).toBe('BAD_REQUEST')
    expect(await codeOf(callerFor(observer).assignment.list({ workspaceId: ws.id, countryCode: 'argentina' }))).toBe('BAD_REQUEST')
    expect(await codeOf(callerFor(stranger).assignment.list({ workspaceId: ws.id }))).toBe('NOT_FOUND')
    expect(await list({}, fpAR)).toHaveLength(8)
  })

  it('counts a due date as passed at local midnight in the assignee country', async () => {
    const local = await createWorkspace(db, { countries: ['AR', 'PE', 'BR'] })
    const plan = await createPlan(db, local, ['G\tS\tA\tT'])
    const task = plan.nodeId('1.1.1.1')
    const ar = (await createAssignment(db, local, task, { countryCode: 'AR' }, { dueDate: '2026-12-04' })).id // UTC−3
    const pe = (await createAssignment(db, local, task, { countryCode: 'PE' }, { dueDate: '2026-12-04' })).id // UTC−5
    const sec = (await createAssignment(db, local, task, 'secretariat', { dueDate: '2026-12-04' })).id // workspace: America/Lima
    const done = (await createAssignment(db, local, task, { countryCode: 'BR' }, { dueDate: '2026-12-01', status: 'submitted' })).id
    const viewer = (await createMember(db, local, 'observer')).actor
    const overdueAt = async (iso: string) => {
      const page = await listAssignments(viewer, { workspaceId: local.id }, { asOf: new Date(iso) })
      return Object.fromEntries(page.items.map((i) => [i.id === ar ? 'AR' : i.id === pe ? 'PE' : i.id === sec ? 'secretariat' : i.id === done ? 'BR submitted' : '?', i.overdue]))
    }
    // 02:59 UTC on the 5th: 23:59 of the 4th in Buenos Aires — nothing has passed yet.
    expect(await overdueAt('2026-12-05T02:59:00Z')).toEqual({ AR: false, PE: false, secretariat: false, 'BR submitted': false })
    // 03:00 UTC: midnight in Buenos Aires, still 22:00 of the 4th in Lima.
    expect(await overdueAt('2026-12-05T03:00:00Z')).toEqual({ AR: true, PE: false, secretariat: false, 'BR submitted': false })
    // 05:00 UTC: midnight in Lima too (and for the secretariat, in the workspace's zone).
    expect(await overdueAt('2026-12-05T05:00:00Z')).toEqual({ AR: true, PE: true, secretariat: true, 'BR submitted': false })
    const onlyOverdue = await listAssignments(viewer, { workspaceId: local.id, overdue: true }, { asOf: new Date('2026-12-05T03:30:00Z') })
    expect(onlyOverdue.items.map((i) => i.id)).toEqual([ar])
  })

  it('groups the home of a focal point (own country) and of a partner (own organisation) by what needs them', async () => {
    const home = await createWorkspace(db, { countries: ['AR', 'BR'] })
    const plan = await createPlan(db, home, ['G\tS\tA\tT1', '\t\t\tT2', '\t\t\tT3', '\t\t\tT4', '\t\t\tT5', '\t\t\tT6', '\t\t\tT7'])
    const asOf = new Date('2026-12-04T15:00:00Z') // 12:00 in Buenos Aires, 4 December
    const make = async (code: string, assignee: { countryCode: string } | { organisationCode: string }, dueDate: string, status: 'not_started' | 'in_progress' | 'blocked' | 'submitted' | 'completed' | 'not_applicable') =>
      (await createAssignment(db, home, plan.nodeId(code), assignee, { dueDate, status })).id
    const overdue = await make('1.1.1.1', { countryCode: 'AR' }, '2026-12-03', 'in_progress')
    const today = await make('1.1.1.2', { countryCode: 'AR' }, '2026-12-04', 'not_started')
    const in14 = await make('1.1.1.3', { countryCode: 'AR' }, '2026-12-18', 'blocked')
    const in15 = await make('1.1.1.4', { countryCode: 'AR' }, '2026-12-19', 'not_started')
    const waiting = await make('1.1.1.5', { countryCode: 'AR' }, '2026-11-01', 'submitted')
    const done = await make('1.1.1.6', { countryCode: 'AR' }, '2026-10-01', 'completed')
    const na = await make('1.1.1.7', { countryCode: 'AR' }, '2026-10-02', 'not_applicable')
    await make('1.1.1.1', { countryCode: 'BR' }, '2026-12-01', 'in_progress')
    const iom = await make('1.1.1.2', { organisationCode: 'IOM' }, '2026-12-10', 'in_progress')

    const fp = (await createMember(db, home, 'focal_point', { countryCode: 'AR' })).actor
    const groups = Object.fromEntries((await listHomeAssignments(fp, { workspaceId: home.id }, { asOf })).groups.map((g) => [g.group, g.items.map((i) => i.id)]))
    expect(groups).toEqual({ overdue: [overdue], dueSoon: [today, in14], rest: [in15], waiting: [waiting], done: [done, na] })
    const soon = (await listHomeAssignments(fp, { workspaceId: home.id }, { asOf })).groups.find((g) => g.group === 'dueSoon')
    expect(soon?.items.map((i) => i.daysLeft)).toEqual([0, 14])

    const partner = (await createMember(db, home, 'partner', { organisationCode: 'IOM' })).actor
    const partnerGroups = (await listHomeAssignments(partner, { workspaceId: home.id }, { asOf })).groups
    expect(partnerGroups.flatMap((g) => g.items.map((i) => i.id))).toEqual([iom])
    expect(partnerGroups.find((g) => g.group === 'dueSoon')?.items.map((i) => i.id)).toEqual([iom])
  })

  it('shows the first ten of each group on the home, and the rest of a group a page at a time after a cursor', async () => {
    const home = await createWorkspace(db, { countries: ['AR'] })
    const plan = await createPlan(db, home, ['G\tS\tA\tT1', ...Array.from({ length: 69 }, (_, i) => `\t\t\tT${i + 2}`)])
    const asOf = new Date('2026-12-04T15:00:00Z')
    const rest: string[] = []
    for (let i = 1; i <= 70; i++) {
      const due = `2027-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`
      rest.push((await createAssignment(db, home, plan.nodeId(`1.1.1.${i}`), { countryCode: 'AR' }, { dueDate: due, status: 'in_progress' })).id)
    }
    const fp = (await createMember(db, home, 'focal_point', { countryCode: 'AR' })).actor
    const first = await listHomeAssignments(fp, { workspaceId: home.id }, { asOf })
    expect(first.countryNames?.en).toBe('Argentina')
    const group = first.groups.find((g) => g.group === 'rest')
    expect(group?.items).toHaveLength(10)
    expect(group?.nextCursor).toEqual(expect.any(String))
    expect(first.groups.filter((g) => g.group !== 'rest').map((g) => [g.items.length, g.nextCursor])).toEqual(Array(4).fill([0, null]))
    const seen = group?.items.map((i) => i.id) ?? []
    let cursor = group?.nextCursor ?? undefined
    const pages: number[] = []
    while (cursor) {
      const next = await listHomeAssignments(fp, { workspaceId: home.id, group: 'rest', cursor }, { asOf })
      expect(next.groups.map((g) => g.group)).toEqual(['rest'])
      pages.push(next.groups[0]?.items.length ?? 0)
      seen.push(...(next.groups[0]?.items.map((i) => i.id) ?? []))
      cursor = next.groups[0]?.nextCursor ?? undefined
    }
    expect(pages).toEqual([50, 10])
    // Every assignment exactly once across the pages.
    expect(new Set(seen).size).toBe(70)
    expect(seen.sort()).toEqual([...rest].sort())
    const bad = await listHomeAssignments(fp, { workspaceId: home.id, group: 'rest', cursor: 'not-a-cursor' }).then(
      () => null,
      (e: unknown) => e,
    )
    expect((bad as { code?: string; details?: { field?: string } }).code).toBe('BAD_REQUEST')
    expect((bad as { details?: { field?: string } }).details?.field).toBe('cursor')
  })
})
