import { Kysely, PostgresDialect } from 'kysely'
import pg from 'pg'

export const TEST_SERVER_URL = process.env.TEST_DATABASE_SERVER ?? 'postgres://postgres@127.0.0.1:5432'
export const TEMPLATE_DB = 'ruta_test_template'

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

export function kyselyFor(database: string) {
  return new Kysely<any>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: urlFor(database), max: 2 }) }) })
}
