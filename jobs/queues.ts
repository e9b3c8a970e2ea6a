import { Queue } from 'bullmq'
import { env } from '#server/env.ts'
import { createRedis } from '#server/redis.ts'
import { forgetSingleton, singleton } from '#server/singleton.ts'

export const NOTIFY_QUEUE = 'notifications'

/**
 * Producer-side queue handles. Built on a Redis connection that fails fast
 * (no offline queue): callers must treat a rejected add as "not yet queued"
 * and leave the work in the outbox.
 */
export function queue(name: string): Queue {
  return singleton(`queue:${name}`, () => {
    const connection = createRedis({ maxRetriesPerRequest: null })
    return new Queue(name, { connection, prefix: env().QUEUE_PREFIX })
  })
}

const opened = new Set<string>()

export function notifyQueue() {
  opened.add(NOTIFY_QUEUE)
  return queue(NOTIFY_QUEUE)
}

export async function closeQueues() {
  for (const name of opened) {
    const q = queue(name)
    forgetSingleton(`queue:${name}`)
    await q.close().catch(() => {})
  }
  opened.clear()
}
