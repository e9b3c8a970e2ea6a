import type { Redis } from 'ioredis'
import { isIPv4, isIPv6 } from 'node:net'
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible'
import { env } from '../env.ts'
import { AppError } from '../errors.ts'
import { redis } from '../redis.ts'
import { sha256Hex } from './tokens.ts'

/**
 * Sign-in throttling, in Redis (shared by every web process), with a
 * per-process memory limiter taking over while Redis is down.
 *
 * - 5 failures per (account, IP address) in 15 minutes;
 * - 50 failures per account, from all addresses, in an hour;
 * - 100 failures per IP address in an hour (high enough that one ministry's
 *   NAT does not lock out its colleagues); an IPv6 address counts by its /64.
 *
 * Every attempt consumes a point up front (atomically, so parallel guesses
 * cannot slip past a check-then-count race); a successful sign-in gives the
 * points back and clears its (account, IP) counter. The account-wide limit
 * does not apply from an address where that account signed in successfully
 * in the last 30 days, so that no one elsewhere can lock the secretariat out
 * of their usual office by failing on purpose; the (account, IP) limit still
 * applies there.
 *
 * Accounts are keyed by SHA-256 of the lower-cased address, whether or not it
 * exists, so the throttle behaves the same for unknown addresses and keeps
 * no address in Redis.
 */
export const SIGN_IN_LIMITS = {
  accountAndIp: { points: 5, duration: 15 * 60 },
  account: { points: 50, duration: 60 * 60 },
  ip: { points: 100, duration: 60 * 60 },
  knownAddressDays: 30,
} as const

export interface SignInThrottle {
  /** Counts one attempt; throws AppError TOO_MANY_REQUESTS (with retryAfterSeconds) when over a limit. */
  attempt(email: string, ip: string): Promise<SignInAttempt>
}

export interface SignInAttempt {
  /** The attempt succeeded: give its points back, clear the (account, IP) counter, remember the address. */
  succeeded(): Promise<void>
}

export interface ThrottleOptions {
  /** The Redis client (default: the process's). A client on a closed port exercises the fallback. */
  redis?: Redis
  /** Key prefix (default: `<QUEUE_PREFIX>:signin`). */
  keyPrefix?: string
}

export function createSignInThrottle(options: ThrottleOptions = {}): SignInThrottle {
  const client = options.redis ?? redis()
  const prefix = options.keyPrefix ?? `${env().QUEUE_PREFIX}:signin`
  const limiter = (name: string, points: number, duration: number) =>
    new RateLimiterRedis({
      storeClient: client,
      keyPrefix: `${prefix}:${name}`,
      points,
      duration,
      // Ask Redis only when connected; otherwise go straight to the memory limiter.
      rejectIfRedisNotReady: true,
      insuranceLimiter: new RateLimiterMemory({ keyPrefix: `${prefix}:${name}`, points, duration }),
    })
  const byAccountAndIp = limiter('account-ip', SIGN_IN_LIMITS.accountAndIp.points, SIGN_IN_LIMITS.accountAndIp.duration)
  const byAccount = limiter('account', SIGN_IN_LIMITS.account.points, SIGN_IN_LIMITS.account.duration)
  const byIp = limiter('ip', SIGN_IN_LIMITS.ip.points, SIGN_IN_LIMITS.ip.duration)
  const known = limiter('known', 1_000_000, SIGN_IN_LIMITS.knownAddressDays * 24 * 3600)

  const keys = (email: string, ip: string) => {
    const account = sha256Hex(email.trim().toLowerCase())
    const address = addressKey(ip)
    return { account, ip: address, accountAndIp: `${account}:${address}` }
  }

  return {
    async attempt(email, ip) {
      const k = keys(email, ip)
      const knownAddress = ((await known.get(k.accountAndIp).catch(() => null))?.consumedPoints ?? 0) > 0
      const results = await Promise.allSettled([
        byAccountAndIp.consume(k.accountAndIp),
        byIp.consume(k.ip),
        knownAddress ? Promise.resolve(null) : byAccount.consume(k.account),
      ])
      let waitMs = 0
      for (const result of results) {
        if (result.status === 'fulfilled') continue
        if (!(result.reason instanceof RateLimiterRes)) throw result.reason
        waitMs = Math.max(waitMs, result.reason.msBeforeNext)
      }
      if (waitMs > 0) throw tooMany(Math.max(1, Math.ceil(waitMs / 1000)))
      return {
        async succeeded() {
          await Promise.all([
            byAccountAndIp.delete(k.accountAndIp),
            byIp.reward(k.ip),
            knownAddress ? null : byAccount.reward(k.account),
            known.consume(k.accountAndIp),
          ])
        },
      }
    },
  }
}

/**
 * The address a limit applies to: IPv4 as is (also when written as
 * ::ffff:a.b.c.d), IPv6 by its /64 — one subscriber usually holds a whole
 * /64 and could otherwise take a fresh address for every guess.
 */
export function addressKey(ip: string | null | undefined): string {
  if (!ip) return 'unknown'
  const v4 = ip.replace(/^::ffff:/i, '')
  if (isIPv4(v4)) return v4
  const clean = ip.split('%')[0].toLowerCase()
  if (!isIPv6(clean)) return clean.slice(0, 64)
  const [headText, tailText] = clean.split('::')
  const hextets = (text: string | undefined) =>
    (text ? text.split(':') : []).flatMap((part) => {
      if (!part.includes('.')) return [part]
      const [a, b, c, d] = part.split('.').map(Number)
      return [((a << 8) | b).toString(16), ((c << 8) | d).toString(16)]
    })
  const head = hextets(headText)
  const tail = hextets(tailText)
  const full = [...head, ...Array(Math.max(0, 8 - head.length - tail.length)).fill('0'), ...tail]
  return `${full.slice(0, 4).map((h) => h.padStart(4, '0')).join(':')}::/64`
}

export function tooMany(retryAfterSeconds: number): AppError {
  const minutes = Math.max(1, Math.ceil(retryAfterSeconds / 60))
  return new AppError('TOO_MANY_REQUESTS', `Too many sign-in attempts. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`, {
    retryAfterSeconds,
    i18n: { key: 'tooManySignInAttempts', values: { count: minutes } },
  })
}

const throttles = new WeakMap<Redis, Map<string, SignInThrottle>>()

/**
 * The process's throttle: on the process's Redis client (a new one after
 * closeRedis()), with keys under this process's QUEUE_PREFIX.
 */
export function signInThrottle(): SignInThrottle {
  const client = redis()
  const prefix = `${env().QUEUE_PREFIX}:signin`
  let byPrefix = throttles.get(client)
  if (!byPrefix) throttles.set(client, (byPrefix = new Map()))
  let throttle = byPrefix.get(prefix)
  if (!throttle) byPrefix.set(prefix, (throttle = createSignInThrottle({ redis: client, keyPrefix: prefix })))
  return throttle
}
