import { afterAll, describe, expect, it } from 'vitest'
import { adminQuery, kyselyFor, testDatabaseName, urlFor } from '#tests/setup/test-db.ts'
import { freePort, runScript, startScript, stop } from '#tests/support/process.ts'

// `npm start` as a person meets it: clear refusals, then a real start.
const base = { NODE_ENV: undefined, LOG_LEVEL: undefined, APP_URL: undefined, DEMO: undefined }

function noStackTrace(output: string) {
  expect(output).not.toMatch(/^\s+at .+\(.+:\d+:\d+\)$/m)
}

describe('npm start refuses what it cannot run', () => {
  it.each([
    [{ PORT: 'abc' }, /PORT: must be a whole number/],
    [{ DATABASE_URL: 'postgres//nope' }, /DATABASE_URL: must be a postgres:\/\/ URL/],
  ])('a bad variable %o stops start-up naming it', async (env, message) => {
    const run = await runScript('scripts/start.ts', [], { ...base, ...env })
    expect(run.code).toBe(1)
    expect(run.stderr).toMatch(message)
    noStackTrace(run.stderr)
  })

  it('names PostgreSQL, the address it tried and how to start it when it does not answer', async () => {
    const port = await freePort()
    const run = await runScript('scripts/start.ts', [], { ...base, DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/ruta` })
    expect(run.code).toBe(1)
    expect(run.stderr).toContain(`PostgreSQL is not answering at 127.0.0.1:${port}`)
    expect(run.stderr).toMatch(/pg_ctlcluster|docker compose/)
    noStackTrace(run.stderr)
  })

  it('names Redis, the address it tried and how to start it when it does not answer', async () => {
    const port = await freePort()
    const run = await runScript('scripts/start.ts', [], { ...base, DATABASE_URL: process.env.DATABASE_URL, REDIS_URL: `redis://127.0.0.1:${port}` })
    expect(run.code).toBe(1)
    expect(run.stderr).toContain(`Redis is not answering at 127.0.0.1:${port}`)
    expect(run.stderr).toMatch(/redis-server|docker compose/)
    noStackTrace(run.stderr)
  })
})

describe('npm start on an empty server', () => {
  const database = testDatabaseName('f')
  afterAll(async () => {
    await adminQuery(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`)
  })

  async function startOnce() {
    const port = await freePort()
    const env = { ...base, PORT: String(port), DATABASE_URL: urlFor(database), QUEUE_PREFIX: `ruta-test-${database}` }
    const app = startScript('scripts/start.ts', env, /listening on/)
    await app.started
    const health = await fetch(`http://localhost:${port}/healthz`)
    const body = await health.json()
    const login = await fetch(`http://localhost:${port}/login`)
    const code = await stop(app.child)
    return { health: health.status, body, login: login.status, output: app.output(), code }
  }

  async function counts() {
    const { rows } = await adminQuery(
      `SELECT datname FROM pg_database WHERE datname = $1`,
      [database],
    )
    expect(rows).toHaveLength(1)
    const db = kyselyFor(database)
    try {
      const result: Record<string, number> = {}
      for (const table of ['workspace', 'country', 'organisation', 'plan_node', 'app_user', 'membership', 'assignment']) {
        const row = await db.selectFrom(table).select(db.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()
        result[table] = Number(row.n)
      }
      const byKind = await db.selectFrom('plan_node').select(['kind', db.fn.countAll<string>().as('n')]).groupBy('kind').execute()
      return { ...result, kinds: Object.fromEntries(byKind.map((r) => [r.kind, Number(r.n)])) }
    } finally {
      await db.destroy()
    }
  }

  it('creates the database, migrates, seeds the demo, serves, stops on SIGTERM; a second start changes nothing', async () => {
    const first = await startOnce()
    expect(first.health).toBe(200)
    expect(first.body).toEqual({ status: 'ok', db: 'ok', redis: 'ok' })
    expect(first.login).toBe(200)
    expect(first.output).toContain(`Created database ${database}`)
    expect(first.output).toMatch(/Demo sign-in: secretariat@example\.org/)
    expect(first.code).toBe(0)
    const after = await counts()
    expect(after).toMatchObject({ workspace: 1, country: 12, organisation: 3, app_user: 15, membership: 14, assignment: 36 })
    expect(after.kinds).toEqual({ general_objective: 5, specific_objective: 12, action_line: 27, task: 29 })

    const second = await startOnce()
    expect(second.health).toBe(200)
    expect(second.output).not.toContain('Demo data added')
    expect(await counts()).toEqual(after)
  }, 180_000)
})

describe('npm run db:migrate', () => {
  const database = testDatabaseName('f')
  afterAll(async () => {
    await adminQuery(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`)
  })

  it('creates the database and applies every migration, naming them; a second run applies none; a server that does not answer is named', async () => {
    const env = { ...base, DATABASE_URL: urlFor(database) }
    const first = await runScript('scripts/migrate.ts', [], env)
    expect(first.code).toBe(0)
    expect(first.stdout).toContain(`Created database ${database}`)
    const { migrations } = await import('#db/migrations/index.ts')
    const names = Object.keys(migrations).sort() // Kysely applies them in name order
    expect(first.stdout).toContain(`Applied ${names.length} migration(s):\n${names.map((n) => `  ${n}`).join('\n')}`)
    const db = kyselyFor(database)
    try {
      const applied = await db.selectFrom('kysely_migration').select('name').orderBy('name').execute()
      expect(applied.map((r) => r.name)).toEqual(names)
    } finally {
      await db.destroy()
    }

    const second = await runScript('scripts/migrate.ts', [], env)
    expect(second).toMatchObject({ code: 0, stdout: 'The database is up to date: no migration to apply.\n' })

    const port = await freePort()
    const down = await runScript('scripts/migrate.ts', [], { ...base, DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/ruta` })
    expect(down.code).toBe(1)
    expect(down.stderr).toContain(`PostgreSQL is not answering at 127.0.0.1:${port}`)
    noStackTrace(down.stderr)
  }, 120_000)
})
