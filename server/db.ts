import { appendFileSync } from 'node:fs'
import { Kysely, PostgresDialect, type LogEvent } from 'kysely'
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

export interface QueryRecord {
  sql: string
  parameters: readonly unknown[]
  durationMs: number
}

// Query log for the benchmark and the query-count tests (N+1 checks). Empty
// in normal operation, so it costs one Set size check per statement.
const queryListeners = new Set<(query: QueryRecord) => void>()

/** Calls `listener` after every statement of every pool in this process; returns the unsubscribe function. */
export function onQuery(listener: (query: QueryRecord) => void): () => void {
  queryListeners.add(listener)
  return () => queryListeners.delete(listener)
}

// BENCH_CAPTURE_SQL=<file>: the benchmark's capture mode appends each statement as a JSON line.
if (process.env.BENCH_CAPTURE_SQL) {
  const file = process.env.BENCH_CAPTURE_SQL
  onQuery((query) => appendFileSync(file, `${JSON.stringify(query)}\n`))
}

function logQuery(event: LogEvent) {
  if (!queryListeners.size) return
  const record: QueryRecord = { sql: event.query.sql, parameters: event.query.parameters, durationMs: event.queryDurationMillis }
  for (const listener of queryListeners) listener(record)
}

export function createDb(connectionString: string, max = 10): Database {
  // jit=off: PostgreSQL's JIT triggers on high cost estimates (the recursive
  // plan tree's are wildly high) and costs ~0.5 s of compilation per
  // statement; the benchmark measured plan.tree at 944 ms with it, 17 ms without.
  const pool = new pg.Pool({ connectionString, max, connectionTimeoutMillis: 5000, idleTimeoutMillis: 30_000, options: '-c jit=off' })
  // An idle client losing its connection must not crash the process.
  pool.on('error', (error) => console.error('[db] idle client error:', error.message))
  return new Kysely<DB>({ dialect: new PostgresDialect({ pool }), log: logQuery })
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
