import { Queue } from 'bullmq'
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
    return new Queue(name, { connection, prefix: env().QUEUE_PREFIX })
  })
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
    await q.close().catch(() => {})
    await q.disconnect().catch(() => {})
  }
  opened.clear()
}
