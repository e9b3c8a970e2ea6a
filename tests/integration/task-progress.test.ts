import { sql } from 'kysely'
import { beforeAll, describe, expect, it } from 'vitest'
import type { AssignmentStatus } from '#db/types.ts'
import { migrateToLatest, migrator } from '#db/migrate.ts'
import type { Actor } from '#server/authz.ts'
import { db } from '#server/db.ts'
import { returnAssignment } from '#server/services/assignments/return-assignment.ts'
import { STATUSES, TRANSITIONS } from '#server/services/assignments/transitions.ts'
import { updateAssignment } from '#server/services/assignments/update-assignment.ts'
import { verifyAssignment } from '#server/services/assignments/verify-assignment.ts'
import { getPlanNode } from '#server/services/plan/get-plan-node.ts'
import { getPlanOutline, type TPlanOutlineNode } from '#server/services/plan/get-plan-outline.ts'
import { getPlanTree, type TPlanProgress, type TPlanTreeNode } from '#server/services/plan/get-plan-tree.ts'
import { archivePlanItem } from '#server/services/plan-editing/archive-plan-item.ts'
import { createPlanItem } from '#server/services/plan-editing/create-plan-item.ts'
import { restorePlanItem } from '#server/services/plan-editing/restore-plan-item.ts'
import { assignTask } from '#server/services/tasks/assign-task.ts'
import { createBulkWorkspace } from '#tests/factories/bench-data.ts'
import { createMember, createWorkspace, type TestWorkspace } from '#tests/factories/index.ts'
import { createPlan } from '#tests/factories/plan.ts'

/**
 * task_progress is kept by triggers on assignment (migration
 * 20261204_230000). Whatever writes assignments — the services, raw SQL, bulk
 * INSERT … SELECT, deletes, foreign-key cascades — it must equal the plain
 * aggregate of the assignment table. The agreed shape: every task with
 * assignments has its row; a task without assignments has no row or a row
 * of zeros (its last assignment went).
 */

interface Counts {
  workspaceId: string
  total: number
  completed: number
}

async function expectCountsMatchAssignments() {
  const aggregate = await sql<{ task_id: string; workspace_id: string; total: number; completed: number }>`
    SELECT task_id, (array_agg(workspace_id))[1] AS workspace_id,
      count(*) FILTER (WHERE status <> 'not_applicable')::int AS total, count(*) FILTER (WHERE status = 'completed')::int AS completed
    FROM assignment GROUP BY task_id`.execute(db)
  const kept = await db.selectFrom('task_progress').selectAll().execute()
  const expected: Record<string, Counts> = {}
  for (const r of aggregate.rows) expected[r.task_id] = { workspaceId: r.workspace_id, total: r.total, completed: r.completed }
  const actual: Record<string, Counts> = {}
  for (const r of kept) if (r.task_id in expected || r.total !== 0 || r.completed !== 0) actual[r.task_id] = { workspaceId: r.workspace_id, total: r.total, completed: r.completed }
  expect(actual).toEqual(expected)
}

/**
 * The plan's progress computed the plain way, independently of the app's SQL:
 * every live node (not archived, no archived ancestor) gets the assignments
 * of the live tasks in its subtree; overdue = open and due before the
 * assignee's local date at `asOf`.
 */
async function liveProgress(ws: TestWorkspace, asOf: Date): Promise<Map<string, TPlanProgress>> {
  const plan = await db.selectFrom('plan').select('id').where('workspace_id', '=', ws.id).where('is_current', '=', true).executeTakeFirstOrThrow()
  const nodes = await db.selectFrom('plan_node').select(['id', 'parent_id', 'kind', 'archived_at']).where('plan_id', '=', plan.id).execute()
  const assignments = await sql<{ task_id: string; status: AssignmentStatus; overdue: boolean }>`
    SELECT a.task_id, a.status,
      a.status IN ('not_started', 'in_progress', 'blocked') AND a.due_date < (${asOf.toISOString()}::timestamptz AT TIME ZONE coalesce(c.time_zone, w.time_zone))::date AS overdue
    FROM assignment AS a JOIN workspace AS w ON w.id = a.workspace_id LEFT JOIN country AS c ON c.id = a.country_id
    WHERE a.workspace_id = ${ws.id}`.execute(db)
  const byId = new Map(nodes.map((n) => [n.id, n]))
  const isLive = (id: string | null): boolean => {
    const node = id ? byId.get(id) : undefined
    return !!node && !node.archived_at && (node.parent_id === null || isLive(node.parent_id))
  }
  const progress = new Map<string, TPlanProgress>()
  for (const n of nodes) if (isLive(n.id)) progress.set(n.id, { total: 0, completed: 0, overdue: 0 })
  for (const a of assignments.rows) {
    if (!isLive(a.task_id)) continue
    for (let id: string | null = a.task_id; id; id = byId.get(id)?.parent_id ?? null) {
      const p = progress.get(id) as TPlanProgress
      if (a.status !== 'not_applicable') p.total++
      if (a.status === 'completed') p.completed++
      if (a.overdue) p.overdue++
    }
  }
  return progress
}

function flatten<T extends { id: string; progress: TPlanProgress; children: T[] }>(nodes: T[], into = new Map<string, TPlanProgress>()) {
  for (const n of nodes) {
    into.set(n.id, n.progress)
    flatten(n.children, into)
  }
  return into
}

/** plan.tree, the plan page's outline and a node page answer what liveProgress computes. */
async function expectPlanMatchesLive(ws: TestWorkspace, actor: Actor, asOf: Date) {
  const expected = await liveProgress(ws, asOf)
  const tree = await getPlanTree(actor, { workspaceId: ws.id }, { asOf })
  expect(flatten<TPlanTreeNode>(tree.nodes)).toEqual(expected)
  const outline = flatten<TPlanOutlineNode>((await getPlanOutline(actor, { workspaceId: ws.id }, { asOf })).nodes)
  const nonTasks = new Map([...expected].filter(([id]) => outline.has(id)))
  expect(outline).toEqual(nonTasks)
  for (const id of [...nonTasks.keys()].slice(0, 4)) {
    const page = await getPlanNode(actor, { workspaceId: ws.id, nodeId: id }, { asOf })
    expect(page.progress).toEqual(expected.get(id))
    expect(Object.fromEntries(page.children.map((c) => [c.id, c.progress]))).toEqual(Object.fromEntries(page.children.map((c) => [c.id, expected.get(c.id)])))
  }
}

/** mulberry32: a seeded generator, so that a failing mix can be replayed. */
function random(seed: number) {
  let s = seed >>> 0
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  return {
    below: (n: number) => Math.floor(next() * n),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T,
    some: <T>(items: readonly T[]): T[] => items.filter(() => next() < 0.4),
  }
}

function isoDay(offsetDays: number) {
  return new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10)
}

describe('task_progress', () => {
  let ws: TestWorkspace
  let secretariat: Actor
  let plan: Awaited<ReturnType<typeof createPlan>>

  beforeAll(async () => {
    ws = await createWorkspace(db)
    // The secretariat's zone, far from the countries', so that its assignments' overdue differs.
    await db.updateTable('workspace').set({ time_zone: 'Asia/Tokyo' }).where('id', '=', ws.id).execute()
    secretariat = (await createMember(db, ws, 'secretariat')).actor
    plan = await createPlan(db, ws, ['G1\tS1\tA1\tT1', '\t\t\tT2', '\t\tA2\tT3', '\tS2\tA3\tT4', 'G2\tS3\tA4\tT5', '\t\t\tT6', '\t\tA5\tT7'])
  })

  it('equals the aggregate of assignments after every step of a random mix of writes, and the plan shows the live figures', async () => {
    const seed = Number(process.env.TASK_PROGRESS_SEED ?? 20261204)
    const rnd = random(seed)
    const lines = ['1.1.1', '1.1.2', '1.2.1', '2.1.1', '2.1.2'].map((code) => plan.nodeId(code))
    let tasks = ['1.1.1.1', '1.1.1.2', '1.1.2.1', '1.2.1.1', '2.1.1.1', '2.1.1.2', '2.1.2.1'].map((code) => plan.nodeId(code))
    const countries = ['AR', 'BO', 'BR', 'CL', 'CO', 'EC', 'GY', 'PY', 'PE', 'SR', 'UY', 'VE']
    // A start: three tasks assigned to every country, due yesterday.
    for (const code of ['1.1.1.1', '1.2.1.1', '2.1.1.2']) await assignTask(secretariat, { taskId: plan.nodeId(code), countryCodes: countries, dueDate: isoDay(-1) })
    const dueDate = () => rnd.pick([isoDay(-400), isoDay(-2), isoDay(-1), isoDay(0), isoDay(1), isoDay(2), isoDay(300)])
    const salt = () => String(rnd.below(1_000_000))
    const openAssignments = () => db.selectFrom('assignment').select(['id', 'task_id', 'status', 'version']).where('workspace_id', '=', ws.id).orderBy('id').execute()
    const live = async (ids: string[]) => (await db.selectFrom('plan_node').select('id').where('id', 'in', ids).where('archived_at', 'is', null).orderBy('code').execute()).map((n) => n.id)
    let moves = 0

    // [what, weight, how]
    const operations: [string, number, () => Promise<unknown>][] = [
      [
        'assign countries (task.assign service)',
        2,
        async () => {
          const liveTasks = await live(tasks)
          if (!liveTasks.length) return
          const codes = rnd.some(countries)
          await assignTask(secretariat, { taskId: rnd.pick(liveTasks), countryCodes: codes.length ? codes : ['AR'], dueDate: dueDate() })
        },
      ],
      [
        'change a status (assignment services)',
        4,
        async () => {
          const all = await openAssignments()
          if (!all.length) return
          const a = rnd.pick(all)
          const moves = TRANSITIONS.filter((t) => t.from === a.status && t.who !== 'assignee')
          const move = rnd.pick(moves)
          if (move.via === 'verify') await verifyAssignment(secretariat, { assignmentId: a.id, version: a.version })
          else if (move.via === 'return') await returnAssignment(secretariat, { assignmentId: a.id, version: a.version, comment: 'Please add the annex.' })
          else await updateAssignment(secretariat, { assignmentId: a.id, version: a.version, status: move.to, progressNote: `Note ${salt()}`, comment: 'Reopened to add the annex.' })
        },
      ],
      [
        'change a note only (assignment service)',
        1,
        async () => {
          const all = await openAssignments()
          if (!all.length) return
          const a = rnd.pick(all)
          if (a.status === 'completed') return
          await updateAssignment(secretariat, { assignmentId: a.id, version: a.version, progressNote: `Only the note ${salt()}` })
        },
      ],
      [
        'bulk INSERT … SELECT (some rows already there: ON CONFLICT DO NOTHING)',
        1,
        async () => {
          // Countries, and the secretariat (whose day, in Tokyo, starts before UTC's).
          const some = rnd.some(tasks)
          await sql`
            INSERT INTO assignment (workspace_id, task_id, assignee_kind, country_id, period, due_date, status)
            SELECT ${ws.id}::uuid, t.id, CASE WHEN c.id IS NULL THEN 'secretariat' ELSE 'country' END, c.id, ${rnd.pick(['', '2026-01', '2026-02'])}, ${dueDate()}::date,
              (${sql.val(STATUSES)}::text[])[1 + abs(hashtext(t.id::text || coalesce(c.code, '') || ${salt()})) % 6]
            FROM task AS t CROSS JOIN (
              SELECT id, code FROM country WHERE workspace_id = ${ws.id} AND code = ANY(${rnd.some(countries)}::text[])
              UNION ALL SELECT NULL, NULL
            ) AS c
            WHERE t.id = ANY(${some}::uuid[])
            ON CONFLICT DO NOTHING`.execute(db)
        },
      ],
      [
        'bulk UPDATE of statuses (raw SQL, many rows)',
        1,
        async () => {
          await sql`
            UPDATE assignment SET status = (${sql.val(STATUSES)}::text[])[1 + abs(hashtext(id::text || ${salt()})) % 6]
            WHERE workspace_id = ${ws.id} AND abs(hashtext(id::text || ${salt()})) % 3 = 0`.execute(db)
        },
      ],
      [
        'move an assignment to another task (raw SQL)',
        1,
        async () => {
          const all = await openAssignments()
          if (!all.length || tasks.length < 2) return
          const a = rnd.pick(all)
          const to = rnd.pick(tasks.filter((t) => t !== a.task_id))
          // A period of its own, so that it never meets the (task, assignee, period) unique index.
          moves++
          await sql`UPDATE assignment SET task_id = ${to}, period = ${`${2100 + moves}-01`} WHERE id = ${a.id}`.execute(db)
        },
      ],
      [
        'DELETE some assignments (raw SQL)',
        1,
        async () => {
          await sql`DELETE FROM assignment WHERE workspace_id = ${ws.id} AND abs(hashtext(id::text || ${salt()})) % 4 = 0`.execute(db)
        },
      ],
      [
        'delete a task node (cascades to its assignments and its row)',
        1,
        async () => {
          if (tasks.length < 4) return
          const gone = rnd.pick(tasks)
          await db.deleteFrom('plan_node').where('id', '=', gone).execute()
          tasks = tasks.filter((t) => t !== gone)
        },
      ],
      [
        'create a task (planItem service)',
        1,
        async () => {
          const liveLines = await live(lines)
          if (!liveLines.length) return
          const created = await createPlanItem(secretariat, { workspaceId: ws.id, parentId: rnd.pick(liveLines), title: `Task ${salt()}` })
          tasks.push(created.id)
        },
      ],
      [
        'archive or restore a task or an action line (planItem services)',
        1,
        async () => {
          const node = await db.selectFrom('plan_node').select(['id', 'parent_id', 'archived_at']).where('id', '=', rnd.pick([...lines, ...tasks])).executeTakeFirstOrThrow()
          if (!node.archived_at) return archivePlanItem(secretariat, { id: node.id })
          // An item under an archived parent comes back with its parent.
          const parent = await db.selectFrom('plan_node').select(['id', 'archived_at']).where('id', '=', node.parent_id).executeTakeFirstOrThrow()
          return restorePlanItem(secretariat, { id: parent.archived_at ? parent.id : node.id })
        },
      ],
      [
        'writes in a transaction that rolls back',
        1,
        async () => {
          const rollback = new Error('rollback')
          await expect(
            db.transaction().execute(async (trx) => {
              await sql`UPDATE assignment SET status = 'completed' WHERE workspace_id = ${ws.id}`.execute(trx)
              await sql`DELETE FROM assignment WHERE workspace_id = ${ws.id} AND abs(hashtext(id::text)) % 2 = 0`.execute(trx)
              throw rollback
            }),
          ).rejects.toBe(rollback)
        },
      ],
    ]

    const weighted = operations.flatMap((op) => Array.from({ length: op[1] }, () => op))
    const done: string[] = []
    for (let step = 0; step < 150; step++) {
      const [name, , run] = rnd.pick(weighted)
      done.push(name)
      try {
        await run()
      } catch (error) {
        throw new Error(`seed ${seed}, step ${step} (${name}): ${(error as Error).message}`, { cause: error })
      }
      await expectCountsMatchAssignments()
      if (step % 15 === 14) await expectPlanMatchesLive(ws, secretariat, new Date())
    }
    // Every kind of write happened at least once.
    expect(new Set(done).size).toBe(operations.length)
    const assignments = await db.selectFrom('assignment').select((eb) => eb.fn.countAll<number>().as('n')).where('workspace_id', '=', ws.id).executeTakeFirstOrThrow()
    expect(assignments.n).toBeGreaterThan(0)
    // Around the time-zone boundaries too: the secretariat's day starts 9 hours before UTC's, Buenos Aires' 3 hours after.
    for (const instant of ['T14:59:59Z', 'T15:00:00Z', 'T02:59:59Z', 'T03:00:00Z', 'T05:00:00Z']) {
      await expectPlanMatchesLive(ws, secretariat, new Date(isoDay(0) + instant))
      await expectPlanMatchesLive(ws, secretariat, new Date(isoDay(1) + instant))
    }
  })

  it('counts overdue in the assignee\'s zone on either side of UTC\'s day: the candidate rows are not too few', async () => {
    const other = await createWorkspace(db, { countries: ['AR', 'CO'] })
    await db.updateTable('workspace').set({ time_zone: 'Pacific/Kiritimati' }).where('id', '=', other.id).execute()
    const actor = (await createMember(db, other, 'observer')).actor
    const task = (await createPlan(db, other, ['G\tS\tA\tT'])).nodeId('1.1.1.1')
    await sql`
      INSERT INTO assignment (workspace_id, task_id, assignee_kind, country_id, period, due_date, status)
      SELECT ${other.id}::uuid, ${task}::uuid, CASE WHEN c.id IS NULL THEN 'secretariat' ELSE 'country' END, c.id, p.period, ${isoDay(0)}::date + p.offset_days, 'in_progress'
      FROM (SELECT id FROM country WHERE workspace_id = ${other.id} UNION ALL SELECT NULL) AS c
      CROSS JOIN (VALUES ('2026-01', -2), ('2026-02', -1), ('2026-03', 0), ('2026-04', 1), ('2026-05', 2)) AS p(period, offset_days)`.execute(db)
    // Kiritimati (UTC+14) starts its day at 10:00 UTC the day before; Buenos Aires (UTC-3) at 03:00, Bogotá (UTC-5) at 05:00.
    for (const day of [-1, 0, 1]) {
      for (const instant of ['T09:59:59Z', 'T10:00:00Z', 'T02:59:59Z', 'T03:00:00Z', 'T04:59:59Z', 'T05:00:00Z', 'T23:59:59Z']) {
        await expectPlanMatchesLive(other, actor, new Date(isoDay(day) + instant))
      }
    }
  })

  it('stays right when writers on the same task wait for each other', async () => {
    const other = await createWorkspace(db)
    const taskId = (await createPlan(db, other, ['G\tS\tA\tT'])).nodeId('1.1.1.1')
    await assignTask((await createMember(db, other, 'secretariat')).actor, { taskId, countryCodes: ['AR', 'BO', 'BR', 'CL'], dueDate: isoDay(10) })
    const [first, second, third] = await db.selectFrom('assignment').select(['id', 'version']).where('task_id', '=', taskId).orderBy('id').execute()
    let release: () => void = () => {}
    const gate = new Promise<void>((resolve) => (release = resolve))
    let locked: () => void = () => {}
    const holding = new Promise<void>((resolve) => (locked = resolve))
    // One transaction changes a status of the task and holds its task_progress row…
    const holder = db.transaction().execute(async (trx) => {
      await trx.updateTable('assignment').set({ status: 'completed' }).where('id', '=', first!.id).execute()
      locked()
      await gate
    })
    await holding
    // …while an insert, a status change and a delete of the same task wait for it.
    const waiting = [
      sql`INSERT INTO assignment (workspace_id, task_id, assignee_kind, country_id, due_date, status)
          SELECT ${other.id}::uuid, ${taskId}::uuid, 'country', id, ${isoDay(10)}::date, 'completed' FROM country WHERE workspace_id = ${other.id} AND code IN ('CO', 'EC')`.execute(db),
      db.updateTable('assignment').set({ status: 'not_applicable' }).where('id', '=', second!.id).execute(),
      db.deleteFrom('assignment').where('id', '=', third!.id).execute(),
    ]
    for (;;) {
      const blocked = await sql<{ n: number }>`
        SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`.execute(db)
      if (blocked.rows[0]?.n === 3) break
    }
    release()
    await holder
    await Promise.all(waiting)
    expect(await db.selectFrom('task_progress').select(['total', 'completed']).where('task_id', '=', taskId).executeTakeFirst()).toEqual({ total: 4, completed: 3 })
    await expectCountsMatchAssignments()
  })

  it("counts the benchmark's bulk builder, and goes with the workspace", async () => {
    const bulk = await createBulkWorkspace(db, { countries: 3, tasks: 20 })
    await expectCountsMatchAssignments()
    const rows = await db.selectFrom('task_progress').select((eb) => eb.fn.countAll<number>().as('n')).where('workspace_id', '=', bulk.id).executeTakeFirstOrThrow()
    expect(rows.n).toBe(20)
    await db.deleteFrom('workspace').where('id', '=', bulk.id).execute()
    const left = await db.selectFrom('task_progress').select((eb) => eb.fn.countAll<number>().as('n')).where('workspace_id', '=', bulk.id).executeTakeFirstOrThrow()
    expect(left.n).toBe(0)
    await expectCountsMatchAssignments()
  })

  it('is rebuilt from the assignments by the migration, and dropped by its down', async () => {
    const before = await db.selectFrom('task_progress').selectAll().orderBy('task_id').execute()
    const { error } = await migrator(db).migrateTo('20261204_220000_email_log_indexes')
    expect(error).toBeUndefined()
    const left = await sql<{ n: number }>`
      SELECT (SELECT count(*) FROM pg_class WHERE relname = 'task_progress')::int + (SELECT count(*) FROM pg_proc WHERE proname LIKE 'task_progress%')::int
        + (SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'task_progress%')::int AS n`.execute(db)
    expect(left.rows[0]?.n).toBe(0)
    await migrateToLatest(db)
    // Rows that had gone to zero are not rebuilt; every task with assignments is.
    const after = await db.selectFrom('task_progress').selectAll().orderBy('task_id').execute()
    expect(after).toEqual(before.filter((r) => r.total !== 0 || r.completed !== 0 || after.some((a) => a.task_id === r.task_id)))
    await expectCountsMatchAssignments()
  })

  it('is emptied by a TRUNCATE of assignment', async () => {
    await sql`TRUNCATE assignment CASCADE`.execute(db)
    expect(await db.selectFrom('task_progress').selectAll().execute()).toEqual([])
  })
})
