import { sql } from 'kysely'
import { db } from './db.ts'
import { redis, whenReady } from './redis.ts'

export interface Health {
  status: 'ok' | 'degraded' | 'down'
  db: 'ok' | 'down'
  redis: 'ok' | 'down'
}

async function within<T>(ms: number, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  try {
    return await Promise.race([promise, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('timeout')), ms)))])
  } finally {
    clearTimeout(timer)
  }
}

/** The web keeps working without Redis (degraded); without the database it is down. */
export async function checkHealth(): Promise<Health> {
  const [dbOk, redisOk] = await Promise.all([
    within(2000, sql`SELECT 1`.execute(db)).then(() => true, () => false),
    within(1000, whenReady(redis(), 1000).then(() => redis().ping())).then(() => true, () => false),
  ])
  const status = !dbOk ? 'down' : redisOk ? 'ok' : 'degraded'
  return { status, db: dbOk ? 'ok' : 'down', redis: redisOk ? 'ok' : 'down' }
}
