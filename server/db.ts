import { Kysely, PostgresDialect } from 'kysely'
import pg from 'pg'
import type { DB } from '#db/types.ts'
import { env } from './env.ts'
import { forgetSingleton, singleton } from './singleton.ts'

// Calendar dates stay `YYYY-MM-DD` strings: a due date is a day in a
// country's time zone, not an instant, and must not be shifted by the
// server's zone.
pg.types.setTypeParser(pg.types.builtins.DATE, (value) => value)
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value))

export type Database = Kysely<DB>

export function createDb(connectionString: string, max = 10): Database {
  const pool = new pg.Pool({ connectionString, max, connectionTimeoutMillis: 5000, idleTimeoutMillis: 30_000 })
  // An idle client losing its connection must not crash the process.
  pool.on('error', (error) => console.error('[db] idle client error:', error.message))
  return new Kysely<DB>({ dialect: new PostgresDialect({ pool }) })
}

/** The process's database handle, created on first use. */
export const db: Database = new Proxy({} as Database, {
  get(_target, property) {
    const instance = singleton('db', () => createDb(env().DATABASE_URL))
    const value = Reflect.get(instance, property, instance)
    return typeof value === 'function' ? value.bind(instance) : value
  },
})

export async function closeDb() {
  const store = globalThis as unknown as { __rutaSingletons?: Map<string, unknown> }
  const instance = store.__rutaSingletons?.get('db') as Database | undefined
  if (instance) {
    forgetSingleton('db')
    await instance.destroy()
  }
}
