import { randomBytes } from 'node:crypto'
import { Kysely, PostgresDialect } from 'kysely'
import pg from 'pg'

export const TEST_SERVER_URL = process.env.TEST_DATABASE_SERVER ?? 'postgres://postgres@127.0.0.1:5432'
/** Test databases older than this are left-overs of a killed run. */
export const STALE_AFTER_SECONDS = 3 * 60 * 60

/** `ruta_test_<kind><unix seconds>_<random>`: t = a run's template, f = a test file's copy. */
export function testDatabaseName(kind: 't' | 'f') {
  return `ruta_test_${kind}${Math.floor(Date.now() / 1000)}_${randomBytes(5).toString('hex')}`
}

export function urlFor(database: string) {
  return `${TEST_SERVER_URL}/${database}`
}

export async function adminQuery(sql: string, params: unknown[] = []) {
  const client = new pg.Client({ connectionString: urlFor('postgres') })
  await client.connect()
  try {
    return await client.query(sql, params)
  } finally {
    await client.end()
  }
}

// Migrations and ad-hoc checks work on any schema, hence Kysely<any>.
export function kyselyFor(database: string) {
  return new Kysely<any>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: urlFor(database), max: 2 }) }) })
}
