import type { Redis } from 'ioredis'
import { env } from '#server/env.ts'
import { redis, whenReady } from '#server/redis.ts'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * Reserves the next request start in one Redis key shared by every process
 * of the deployment: start = max(the next free start, now + delay), and the
 * next free start moves `interval` ms past it. Redis's clock, not the
 * caller's, so workers on different machines agree. Returns how long the
 * caller waits before starting (ms). With interval 0 it only pushes the next
 * free start (a 429's retry-after).
 */
const RESERVE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local free = tonumber(redis.call('GET', KEYS[1]) or '0')
local start = math.max(free, now + tonumber(ARGV[2]))
local after = start + tonumber(ARGV[1])
redis.call('SET', KEYS[1], after, 'PX', after - now + 60000)
return start - now
`

export interface SendPacer {
  /** Resolves when the next request may start, `intervalMs` after the one before it anywhere in the deployment. */
  take(intervalMs: number): Promise<void>
  /** No request starts for `ms` (a 429's retry-after), in any process. */
  pause(ms: number): Promise<void>
}

/**
 * Request starts to the provider, spaced for the whole deployment: Resend's
 * limit is per team, so two workers pacing themselves at the full rate each
 * would together send twice it. The spacing lives in Redis (`key`), like
 * every other rate limit of Ruta (DESIGN: nothing in process memory); each
 * process reserves its starts there. If Redis does not answer, the process
 * paces itself alone (as if it were the only sender) and says so once, so
 * delivery goes on; the provider's 429s then keep processes apart.
 */
export function createSendPacer(client: () => Redis, key: string): SendPacer {
  let localFree = 0
  let warned = false
  const reserveLocally = (interval: number, delay: number) => {
    const now = Date.now()
    const start = Math.max(localFree, now + delay)
    localFree = start + interval
    return start - now
  }
  const reserve = async (interval: number, delay: number): Promise<number> => {
    try {
      const c = client()
      // Still making its first connection: give it a second. Once lost, fail over at once.
      if (c.status === 'connecting' || c.status === 'wait') await whenReady(c, 1000)
      const wait = Number(await c.eval(RESERVE, 1, key, Math.ceil(interval), Math.ceil(delay)))
      localFree = Date.now() + wait + interval
      return wait
    } catch (error) {
      if (!warned) console.warn(`[delivery] Redis did not answer (${(error as Error).message}): pacing this process alone`)
      warned = true
      return reserveLocally(interval, delay)
    }
  }
  return {
    async take(intervalMs) {
      const wait = await reserve(intervalMs, 0)
      if (wait > 0) await sleep(wait)
    },
    async pause(ms) {
      await reserve(0, ms)
    },
  }
}

let shared: { prefix: string; pacer: SendPacer } | undefined

/** This process's pacer towards Resend, keyed by QUEUE_PREFIX (one deployment, one key). */
export function resendPacer(): SendPacer {
  const prefix = env().QUEUE_PREFIX
  if (shared?.prefix !== prefix) shared = { prefix, pacer: createSendPacer(redis, `${prefix}:resend:next-start`) }
  return shared.pacer
}
