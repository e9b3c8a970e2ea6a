import { sql } from 'kysely'
import pg from 'pg'
import { migrateToLatest } from '#db/migrate.ts'
import { createDb } from '#server/db.ts'
import { createBulkActivity, createBulkMembers, createBulkWorkspace, type BulkMember, type BulkWorkspace } from '#tests/factories/bench-data.ts'

/**
 * Builds the benchmark's database from scratch: drop, create, migrate, then
 * bulk-insert the data set with the shared factories.
 */
export interface DataScale {
  workspaces: number
  largest: { countries: number; tasks: number; users: number }
  others: { countries: number; tasks: number }
  users: number
  activity: number
}

export const FULL_SCALE: DataScale = {
  workspaces: 20,
  largest: { countries: 12, tasks: 2000, users: 300 },
  others: { countries: 6, tasks: 100 },
  users: 3000,
  activity: 1_000_000,
}

export const QUICK_SCALE: DataScale = {
  workspaces: 2,
  largest: { countries: 12, tasks: 167, users: 150 },
  others: { countries: 3, tasks: 50 },
  users: 300,
  activity: 50_000,
}

export interface BenchData {
  databaseUrl: string
  largest: BulkWorkspace
  workspaces: BulkWorkspace[]
  members: BulkMember[]
  counts: Record<string, number>
  seconds: number
  steps: { step: string; seconds: number }[]
}

/**
 * The bench database's name: `ruta_bench`, or BENCH_DATABASE_NAME so that two
 * runs (say, two people measuring different changes) do not drop each
 * other's data.
 */
export function benchDatabaseName(): string {
  const name = process.env.BENCH_DATABASE_NAME ?? 'ruta_bench'
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`BENCH_DATABASE_NAME must be a lower-case SQL identifier, not "${name}"`)
  return name
}

/** The BullMQ prefix of a bench run: its own, per bench database. */
export function benchQueuePrefix(): string {
  return benchDatabaseName().replaceAll('_', '-')
}

export function benchDatabaseUrl(): string {
  const base = new URL(process.env.BENCH_DATABASE_SERVER ?? 'postgres://postgres@127.0.0.1:5432')
  base.pathname = `/${benchDatabaseName()}`
  return base.toString()
}

async function admin(databaseUrl: string, statement: string) {
  const url = new URL(databaseUrl)
  url.pathname = '/postgres'
  const client = new pg.Client({ connectionString: url.toString() })
  await client.connect()
  try {
    await client.query(statement)
  } finally {
    await client.end()
  }
}

export async function buildBenchData(scale: DataScale, log: (line: string) => void = console.log): Promise<BenchData> {
  const databaseUrl = benchDatabaseUrl()
  const started = performance.now()
  const steps: { step: string; seconds: number }[] = []
  let last = started
  const step = (name: string) => {
    const now = performance.now()
    steps.push({ step: name, seconds: (now - last) / 1000 })
    log(`  data: ${name} (${((now - last) / 1000).toFixed(1)} s)`)
    last = now
  }

  await admin(databaseUrl, `DROP DATABASE IF EXISTS ${benchDatabaseName()} WITH (FORCE)`)
  await admin(databaseUrl, `CREATE DATABASE ${benchDatabaseName()}`)
  const db = createDb(databaseUrl, 4)
  try {
    await migrateToLatest(db)
    step('database created and migrated')

    const workspaces: BulkWorkspace[] = []
    const largest = await createBulkWorkspace(db, {
      slug: 'bench-big',
      name: 'Conferencia Suramericana (benchmark)',
      countries: scale.largest.countries,
      tasks: scale.largest.tasks,
    })
    workspaces.push(largest)
    for (let i = 1; i < scale.workspaces; i++) {
      workspaces.push(
        await createBulkWorkspace(db, { slug: `bench-${String(i).padStart(2, '0')}`, name: `Proceso regional ${i}`, countries: scale.others.countries, tasks: scale.others.tasks }),
      )
    }
    step(`${workspaces.length} workspaces, plans, assignments`)

    const members: BulkMember[] = []
    members.push(...(await createBulkMembers(db, largest, scale.largest.users, { secretariat: 10, focalPointsPerCountry: 8 })))
    const rest = workspaces.slice(1)
    const perWorkspace = rest.length ? Math.floor((scale.users - scale.largest.users) / rest.length) : 0
    for (const [i, ws] of rest.entries()) {
      const n = i === rest.length - 1 ? scale.users - scale.largest.users - perWorkspace * (rest.length - 1) : perWorkspace
      members.push(...(await createBulkMembers(db, ws, n, { secretariat: 4, focalPointsPerCountry: 3 })))
    }
    step(`${members.length} users and memberships`)

    // Activity: 40% in the largest workspace, the rest spread evenly.
    const bigShare = rest.length ? Math.round(scale.activity * 0.4) : scale.activity
    // Two connections at a time (two cores): the largest workspace's share in
    // halves, then the others.
    const each = rest.length ? Math.floor((scale.activity - bigShare) / rest.length) : 0
    const jobs: [string, number][] = [
      [largest.id, Math.floor(bigShare / 2)],
      [largest.id, bigShare - Math.floor(bigShare / 2)],
      ...rest.map((ws, i): [string, number] => [ws.id, i === rest.length - 1 ? scale.activity - bigShare - each * (rest.length - 1) : each]),
    ]
    const lane = async () => {
      for (let job = jobs.shift(); job; job = jobs.shift()) await createBulkActivity(db, job[0], job[1])
    }
    await Promise.all([lane(), lane()])
    step(`${scale.activity.toLocaleString('en')} activity rows`)

    await sql`VACUUM ANALYZE`.execute(db)
    step('vacuum analyze')

    const counts: Record<string, number> = {}
    for (const table of ['workspace', 'country', 'app_user', 'membership', 'plan_node', 'task', 'assignment', 'assignment_history', 'comment', 'evidence', 'activity'] as const) {
      const row = await db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
      counts[table] = Number(row.n)
    }
    const seconds = (performance.now() - started) / 1000
    return { databaseUrl, largest, workspaces, members, counts, seconds, steps }
  } finally {
    await db.destroy()
  }
}
