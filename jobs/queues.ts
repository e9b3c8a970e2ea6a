import { Queue } from 'bullmq'
import type { Redis } from 'ioredis'
import { env } from '#server/env.ts'
import { createRedis } from '#server/redis.ts'
import { forgetSingleton, singleton } from '#server/singleton.ts'

/** Outbox events, one job per outbox row (jobId = outbox id). */
export const NOTIFY_QUEUE = 'notifications'
/** Sweeps, the relay, delivery retries, recurring periods. */
export const FOLLOW_UP_QUEUE = 'follow-up'
export const QUEUE_NAMES = [NOTIFY_QUEUE, FOLLOW_UP_QUEUE] as const
export type QueueName = (typeof QUEUE_NAMES)[number]

const opened = new Set<string>()

/**
 * Producer-side queue handles. Built on a Redis connection that fails fast
 * (no offline queue): callers must treat a rejected add as "not yet queued"
 * and leave the work in the outbox.
 */
export function queue(name: string): Queue {
  opened.add(name)
  return singleton(`queue:${name}`, () => {
    const connection = createRedis({ maxRetriesPerRequest: null })
    const q = new Queue(name, { connection, prefix: env().QUEUE_PREFIX })
    // Connection failures are expected while Redis is down; callers see them as rejected adds.
    q.on('error', () => {})
    connections.set(name, connection)
    return q
  })
}

const connections = new Map<string, Redis>()

/**
 * Adds jobs, failing fast when Redis is not connected: BullMQ itself would
 * wait for the connection to come back, and a web request or the relay must
 * not hang on that. A job id makes the add idempotent, so an add that did go
 * through after the timeout is harmless when repeated.
 */
export async function addFast<T>(name: string, add: (q: Queue) => Promise<T>, timeoutMs = 3000): Promise<T> {
  const q = queue(name)
  const connection = connections.get(name)
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Redis did not answer within ${timeoutMs} ms (connection ${connection?.status ?? 'missing'})`)), timeoutMs)
  })
  try {
    if (connection && connection.status !== 'ready') {
      // A new connection may still be connecting; a down Redis never gets there.
      await Promise.race([new Promise((resolve) => connection.once('ready', resolve)), timeout])
    }
    return await Promise.race([add(q), timeout])
  } finally {
    clearTimeout(timer)
  }
}

export function notifyQueue() {
  return queue(NOTIFY_QUEUE)
}

export function followUpQueue() {
  return queue(FOLLOW_UP_QUEUE)
}

export async function closeQueues() {
  for (const name of opened) {
    const q = queue(name)
    forgetSingleton(`queue:${name}`)
    connections.get(name)?.disconnect()
    connections.delete(name)
    await Promise.race([q.close().catch(() => {}), new Promise((resolve) => setTimeout(resolve, 1000).unref())])
  }
  opened.clear()
}
