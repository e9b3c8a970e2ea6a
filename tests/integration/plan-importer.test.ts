import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { importPlan, importPlanFile } from '#db/import/plan-importer.ts'
import { DEMO_PLAN_FILE } from '#db/seed/demo.ts'
import { db } from '#server/db.ts'
import { AppError } from '#server/errors.ts'
import { createWorkspace, type TestWorkspace } from '#tests/factories/index.ts'

const SEED = readFileSync(DEMO_PLAN_FILE, 'utf8')
const dir = mkdtempSync(path.join(tmpdir(), 'ruta-plan-import-'))

function file(name: string, content: string | Uint8Array) {
  const target = path.join(dir, name)
  writeFileSync(target, content)
  return target
}

async function countsByKind(workspaceId: string) {
  const rows = await db
    .selectFrom('plan_node')
    .select(['kind', (eb) => eb.fn.countAll<number>().as('n')])
    .where('workspace_id', '=', workspaceId)
    .groupBy('kind')
    .execute()
  return Object.fromEntries(rows.map((r) => [r.kind, Number(r.n)]))
}

async function rowsWritten(workspaceId: string) {
  const count = async (table: 'plan' | 'plan_node' | 'task' | 'activity') =>
    Number((await db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).where('workspace_id', '=', workspaceId).executeTakeFirstOrThrow()).n)
  return { plan: await count('plan'), plan_node: await count('plan_node'), task: await count('task'), activity: await count('activity') }
}

async function nodeByCode(workspaceId: string, code: string) {
  return db.selectFrom('plan_node').selectAll().where('workspace_id', '=', workspaceId).where('code', '=', code).executeTakeFirstOrThrow()
}

const SEED_LEVELS = {
  general_objective: { created: 5, unchanged: 0 },
  specific_objective: { created: 12, unchanged: 0 },
  action_line: { created: 27, unchanged: 0 },
  task: { created: 29, unchanged: 0 },
}

describe('importing the seed', () => {
  it('creates 5/12/27/29 nodes with codes from positions, a plan from the title lines, and warns about the damaged cells', async () => {
    const ws = await createWorkspace(db)
    const report = await importPlanFile(db, DEMO_PLAN_FILE, ws.slug)
    expect(report.levels).toEqual(SEED_LEVELS)
    expect(report.totals).toEqual({ created: 73, unchanged: 0 })
    expect(report.planCreated).toBe(true)
    expect(report.warnings).toEqual([
      { line: 6, message: 'the specific objective "of migrants and their" starts in lower case and looks truncated — correct its title in the app' },
      { line: 22, message: 'the specific objective "he information generation for the decision-making" starts in lower case and looks truncated — correct its title in the app' },
      { line: 37, message: 'the action line "5" is only a number; it looks damaged — correct its title in the app' },
    ])

    expect(await countsByKind(ws.id)).toEqual({ general_objective: 5, specific_objective: 12, action_line: 27, task: 29 })
    expect((await rowsWritten(ws.id)).task).toBe(29)
    const plan = await db.selectFrom('plan').selectAll().where('workspace_id', '=', ws.id).executeTakeFirstOrThrow()
    expect(plan).toMatchObject({ title: 'PLAN OF ACTION OF INTERNATIONAL MIGRATION IN SOUTH AMERICA', version_label: 'FINAL VERSION', is_current: true })

    expect(await nodeByCode(ws.id, '1.1')).toMatchObject({ kind: 'specific_objective', title: 'of migrants and their', position: 1 })
    expect(await nodeByCode(ws.id, '1.1.1.3')).toMatchObject({ kind: 'task', title: expect.stringMatching(/^Collection and systematization/) })
    expect(await nodeByCode(ws.id, '4.2.1')).toMatchObject({ kind: 'action_line', title: '5' })
    expect(await nodeByCode(ws.id, '5.3.1')).toMatchObject({ kind: 'action_line', title: expect.stringMatching(/^Cooperation for developing, up-dating/) })
    // Every node's code is its parent's code and its own position.
    const nodes = await db.selectFrom('plan_node').select(['id', 'parent_id', 'code', 'position']).where('workspace_id', '=', ws.id).execute()
    const byId = new Map(nodes.map((n) => [n.id, n]))
    for (const n of nodes) {
      const parent = n.parent_id ? byId.get(n.parent_id) : undefined
      expect(n.code).toBe(parent ? `${parent.code}.${n.position}` : String(n.position))
    }
    const activity = await db.selectFrom('activity').selectAll().where('workspace_id', '=', ws.id).execute()
    expect(activity).toMatchObject([{ action: 'plan.imported', subject_type: 'plan', subject_id: plan.id }])
  })

  it('creates nothing the second time', async () => {
    const ws = await createWorkspace(db)
    await importPlanFile(db, DEMO_PLAN_FILE, ws.slug)
    const again = await importPlanFile(db, DEMO_PLAN_FILE, ws.slug)
    expect(again.totals).toEqual({ created: 0, unchanged: 73 })
    expect(again.levels.task).toEqual({ created: 0, unchanged: 29 })
    expect(again.planCreated).toBe(false)
    expect(await countsByKind(ws.id)).toEqual({ general_objective: 5, specific_objective: 12, action_line: 27, task: 29 })
    expect((await rowsWritten(ws.id)).plan).toBe(1)
  })

  it('creates nothing twice when two imports run at the same time', async () => {
    const ws = await createWorkspace(db)
    const reports = await Promise.all([importPlan(db, SEED, ws.slug), importPlan(db, SEED, ws.slug)])
    expect(reports.map((r) => r.totals.created).sort()).toEqual([0, 73])
    expect(await countsByKind(ws.id)).toEqual({ general_objective: 5, specific_objective: 12, action_line: 27, task: 29 })
  })

  it('after the plan was edited in the app (titles fixed, items added, one archived), creates nothing twice', async () => {
    const ws = await createWorkspace(db)
    await importPlanFile(db, DEMO_PLAN_FILE, ws.slug)
    const fixed = await nodeByCode(ws.id, '1.1')
    await db.updateTable('plan_node').set({ title: 'Protection of the human rights of migrants and their families' }).where('id', '=', fixed.id).execute()
    const truncated = await nodeByCode(ws.id, '2.1')
    await db.updateTable('plan_node').set({ title: 'The information generation for the decision-making process.' }).where('id', '=', truncated.id).execute()
    const five = await nodeByCode(ws.id, '4.2.1')
    await db.updateTable('plan_node').set({ title: 'Virtual network of regional governments' }).where('id', '=', five.id).execute()
    // Titles edited only in spacing still match.
    const spaced = await nodeByCode(ws.id, '2')
    await db.updateTable('plan_node').set({ title: `  ${spaced.title.replace(/ /g, '  ')} ` }).where('id', '=', spaced.id).execute()
    const go1 = await nodeByCode(ws.id, '1')
    const plan = await db.selectFrom('plan').select('id').where('workspace_id', '=', ws.id).executeTakeFirstOrThrow()
    await db
      .insertInto('plan_node')
      .values({ workspace_id: ws.id, plan_id: plan.id, parent_id: go1.id, kind: 'specific_objective', position: 6, code: '1.6', title: 'Added in the app' })
      .execute()
    const archived = await nodeByCode(ws.id, '3.1.1.1')
    await db.updateTable('plan_node').set({ archived_at: new Date() }).where('id', '=', archived.id).execute()

    const report = await importPlanFile(db, DEMO_PLAN_FILE, ws.slug)
    expect(report.totals).toEqual({ created: 0, unchanged: 73 })
    expect(report.warnings).toEqual(
      expect.arrayContaining([
        { line: 6, message: 'the specific objective "of migrants and their" was taken to be 1.1 "Protection of the human rights of migrants and their fami…" (renamed in the app); left unchanged' },
        { line: 22, message: 'the specific objective "he information generation for the decision-making" was taken to be 2.1 "The information generation for the decision-making process." (renamed in the app); left unchanged' },
        { line: 37, message: 'the action line "5" was taken to be 4.2.1 "Virtual network of regional governments" (renamed in the app); left unchanged' },
      ]),
    )
    expect(await countsByKind(ws.id)).toEqual({ general_objective: 5, specific_objective: 13, action_line: 27, task: 29 })
    expect((await nodeByCode(ws.id, '1.1')).title).toBe('Protection of the human rights of migrants and their families')
    expect((await nodeByCode(ws.id, '3.1.1.1')).archived_at).not.toBeNull()
  })

  it('appends new items of an edited file after the existing siblings, with codes from their positions', async () => {
    const ws = await createWorkspace(db)
    await importPlanFile(db, DEMO_PLAN_FILE, ws.slug)
    const line111 = await nodeByCode(ws.id, '1.1.1')
    const plan = await db.selectFrom('plan').select('id').where('workspace_id', '=', ws.id).executeTakeFirstOrThrow()
    const added = await db
      .insertInto('plan_node')
      .values({ workspace_id: ws.id, plan_id: plan.id, parent_id: line111.id, kind: 'task', position: 4, code: '1.1.1.4', title: 'A task added in the app' })
      .returning('id')
      .executeTakeFirstOrThrow()
    await db.insertInto('task').values({ id: added.id, workspace_id: ws.id }).execute()

    const lines = SEED.split('\n')
    // A new task under 1.1.1 (after line 8) and one under 5.3.1, which had none; a new general objective at the end.
    lines.splice(8, 0, '\t\t\tA new task from the file.')
    const edited = `${lines.join('\n')}\n\t\t\tMonitor the bilateral treaties.\nA sixth objective.\tIts specific objective.\tIts action line.\tIts task.\n`
    const report = await importPlan(db, edited, ws.slug)
    expect(report.levels).toEqual({
      general_objective: { created: 1, unchanged: 5 },
      specific_objective: { created: 1, unchanged: 12 },
      action_line: { created: 1, unchanged: 27 },
      task: { created: 3, unchanged: 29 },
    })
    expect(await nodeByCode(ws.id, '1.1.1.5')).toMatchObject({ title: 'A new task from the file.', position: 5 })
    expect(await nodeByCode(ws.id, '5.3.1.1')).toMatchObject({ title: 'Monitor the bilateral treaties.' })
    expect(await nodeByCode(ws.id, '6.1.1.1')).toMatchObject({ title: 'Its task.' })
    expect((await rowsWritten(ws.id)).task).toBe(33)
  })

  it('imports into the existing current plan and leaves its title alone', async () => {
    const ws = await createWorkspace(db)
    await db.insertInto('plan').values({ workspace_id: ws.id, title: 'Plan 2026', version_label: 'draft' }).execute()
    const report = await importPlan(db, SEED, ws.slug)
    expect(report.planCreated).toBe(false)
    expect(await db.selectFrom('plan').select(['title', 'version_label']).where('workspace_id', '=', ws.id).execute()).toEqual([
      { title: 'Plan 2026', version_label: 'draft' },
    ])
  })
})

describe('refusing bad input, writing nothing', () => {
  const cases: [string, (ws: TestWorkspace) => Promise<unknown>, RegExp][] = [
    ['an empty file', (ws) => importPlanFile(db, file('empty.txt', ''), ws.slug), /^The file is empty/],
    ['a file of blank lines', (ws) => importPlanFile(db, file('blank.txt', '\n\n  \n'), ws.slug), /^The file is empty/],
    ['a file with no header row', (ws) => importPlanFile(db, file('no-header.txt', SEED.split('\n').filter((_, i) => i !== 4).join('\n')), ws.slug), /^No header row: line 5 holds tab-separated data/],
    ['a binary file', (ws) => importPlanFile(db, file('plan.xlsx', new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00, 0x09, 0x0a])), ws.slug), /^This is not a text file \(it contains NUL bytes\)/],
    ['a file that is not UTF-8', (ws) => importPlanFile(db, file('latin1.txt', new Uint8Array([0x50, 0x6c, 0xe1, 0x6e, 0x09, 0x0a])), ws.slug), /^The file is not UTF-8 text/],
    ['text that is not tab-separated', (ws) => importPlanFile(db, file('plan.csv', SEED.replace(/\t/g, ',')), ws.slug), /^The file is not tab-separated/],
    ['a path that does not exist', (ws) => importPlanFile(db, path.join(dir, 'missing.txt'), ws.slug), /^No such file: .*missing\.txt$/],
    ['a directory', (ws) => importPlanFile(db, dir, ws.slug), /is a directory, not a plan file/],
    ['an unknown workspace', () => importPlanFile(db, DEMO_PLAN_FILE, 'no-such-workspace'), /^No workspace with the slug "no-such-workspace"/],
    ['a task without an action line', (ws) => importPlan(db, `${SEED}\nG9\tS9\t\tT9\n`, ws.slug), /^Line 42: the task "T9" has no action line/],
  ]
  it.each(cases)('%s', async (_name, run, message) => {
    const ws = await createWorkspace(db)
    const error = await run(ws).then(
      () => null,
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(AppError)
    expect((error as AppError).code).toBe('BAD_REQUEST')
    expect((error as AppError).message).toMatch(message)
    expect(await rowsWritten(ws.id)).toEqual({ plan: 0, plan_node: 0, task: 0, activity: 0 })
  })
})

describe('npm run import:plan', () => {
  function cli(...args: string[]) {
    const result = spawnSync('npx', ['tsx', 'scripts/import-plan.ts', ...args], {
      encoding: 'utf8',
      env: { ...process.env, DATABASE_URL: process.env.DATABASE_URL, NODE_ENV: 'test' },
      timeout: 60_000,
    })
    return { status: result.status, stdout: result.stdout, stderr: result.stderr }
  }

  it('prints the report, and a second run creates nothing', async () => {
    const ws = await createWorkspace(db)
    const first = cli(DEMO_PLAN_FILE, '--workspace', ws.slug)
    expect(first.stderr).toBe('')
    expect(first.status).toBe(0)
    expect(first.stdout).toContain(`into workspace ${ws.slug} (new plan created)`)
    expect(first.stdout).toMatch(/General objectives\s+5 created, 0 unchanged/)
    expect(first.stdout).toMatch(/Specific objectives\s+12 created, 0 unchanged/)
    expect(first.stdout).toMatch(/Action lines\s+27 created, 0 unchanged/)
    expect(first.stdout).toMatch(/Tasks\s+29 created, 0 unchanged/)
    expect(first.stdout).toContain('3 warning(s):')
    expect(first.stdout).toContain('line 6: the specific objective "of migrants and their" starts in lower case')
    expect(first.stdout).toContain('line 22: the specific objective "he information generation')
    expect(first.stdout).toContain('line 37: the action line "5" is only a number')

    const second = cli(DEMO_PLAN_FILE, '--workspace', ws.slug)
    expect(second.status).toBe(0)
    expect(second.stdout).toMatch(/Total\s+0 created, 73 unchanged/)
    expect(await countsByKind(ws.id)).toEqual({ general_objective: 5, specific_objective: 12, action_line: 27, task: 29 })
  })

  it.each([
    ['a missing file', (slug: string) => [path.join(dir, 'nope.txt'), '--workspace', slug], /No such file: .*nope\.txt/],
    ['an empty file', (slug: string) => [file('cli-empty.txt', ''), '--workspace', slug], /The file is empty/],
    ['a file with no tabs', (slug: string) => [file('cli-prose.txt', 'Just prose.\nNo columns.'), '--workspace', slug], /not tab-separated/],
    ['an unknown workspace', () => [DEMO_PLAN_FILE, '--workspace', 'nobody-here'], /No workspace with the slug "nobody-here"/],
    ['no workspace option', () => [DEMO_PLAN_FILE], /Name the workspace with --workspace <slug>/],
    ['no file', (slug: string) => ['--workspace', slug], /Give the plan file to import/],
  ])('exits 1 with one clear message for %s', async (_name, args, message) => {
    const ws = await createWorkspace(db)
    const result = cli(...args(ws.slug))
    expect(result.status).toBe(1)
    expect(result.stdout).toBe('')
    expect(result.stderr).toMatch(message)
    expect(result.stderr).not.toMatch(/\n\s+at /)
    expect(await rowsWritten(ws.id)).toEqual({ plan: 0, plan_node: 0, task: 0, activity: 0 })
  })
})
