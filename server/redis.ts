import { Redis, type RedisOptions } from 'ioredis'
import { env } from './env.ts'
import { forgetSingleton, singleton } from './singleton.ts'

/**
 * Connections to Redis. Producers fail fast when Redis is down
 * (enableOfflineQueue: false) instead of hanging: PostgreSQL is the source
 * of truth and the outbox keeps what could not be queued.
 */
export function createRedis(options: RedisOptions = {}) {
  const client = new Redis(env().REDIS_URL, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
    lazyConnect: false,
    retryStrategy: (times) => Math.min(times * 200, 2000),
    ...options,
  })
  // Without a listener ioredis logs every reconnect failure as unhandled.
  client.on('error', () => {})
  return client
}

export function redis() {
  return singleton('redis', () => createRedis())
}

export async function closeRedis() {
  const store = globalThis as unknown as { __rutaSingletons?: Map<string, unknown> }
  const client = store.__rutaSingletons?.get('redis') as Redis | undefined
  if (client) {
    forgetSingleton('redis')
    client.disconnect()
  }
}

/**
 * Waits for the connection to be ready (at most `ms`): with the offline
 * queue off, a command sent while still connecting fails at once.
 */
export async function whenReady(client: Redis, ms = 1000): Promise<void> {
  if (client.status === 'ready') return
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      client.off('ready', onReady)
      reject(new Error(`Redis not ready (${client.status})`))
    }, ms)
    const onReady = () => {
      clearTimeout(timer)
      resolve()
    }
    client.once('ready', onReady)
  })
}
