import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible'
import { z } from 'zod'
import type { AppLocale } from '#app/i18n/config.ts'
import { isLocale } from '#app/i18n/config.ts'
import { passwordResetEmail } from '#emails/password-reset.tsx'
import { sendEmail } from '#emails/send.ts'
import { sha256Hex } from '#server/auth/tokens.ts'
import { db } from '#server/db.ts'
import { env } from '#server/env.ts'
import { AppError } from '#server/errors.ts'
import { redis } from '#server/redis.ts'
import { singleton } from '#server/singleton.ts'
import { parseInput } from '../parse-input.ts'
import { ZEmail } from '../schemas.ts'
import { issuePasswordReset, RESET_TTL_MS, resetUrl } from './issue-password-reset.ts'

export const ZRequestPasswordReset = z.object({ email: ZEmail })
export type TRequestPasswordReset = z.input<typeof ZRequestPasswordReset>

/**
 * Throttles, in Redis with a per-process fallback (as sign-in):
 * - per address, 3 links an hour, whether or not the address exists; beyond
 *   that nothing is sent but the answer is the same (no e-mail bombing, and
 *   nothing to learn about the address);
 * - per IP address, 10 requests in 15 minutes; beyond that TOO_MANY_REQUESTS,
 *   which says nothing about any address either.
 */
export const RESET_LIMITS = { address: { points: 3, duration: 3600 }, ip: { points: 10, duration: 900 } } as const

function limiters() {
  const prefix = `${env().QUEUE_PREFIX}:reset`
  return singleton(`reset-limiters:${prefix}`, () => {
    const make = (name: string, points: number, duration: number) =>
      new RateLimiterRedis({
        storeClient: redis(),
        keyPrefix: `${prefix}:${name}`,
        points,
        duration,
        rejectIfRedisNotReady: true,
        insuranceLimiter: new RateLimiterMemory({ keyPrefix: `${prefix}:${name}`, points, duration }),
      })
    return { address: make('address', RESET_LIMITS.address.points, RESET_LIMITS.address.duration), ip: make('ip', RESET_LIMITS.ip.points, RESET_LIMITS.ip.duration) }
  })
}

/**
 * Every answer that reaches the address check takes at least this long, so
 * that the time taken (a link issued and e-mailed, or nothing to do) does
 * not tell whether the address has an account.
 */
export const RESET_ANSWER_FLOOR_MS = 400

/**
 * "Forgot password": e-mails a single-use link valid for one hour when the
 * address belongs to an account. The caller answers the same in every case;
 * the returned outcome is for logs and tests only.
 */
export async function requestPasswordReset(
  raw: TRequestPasswordReset,
  meta: { ip?: string | null; locale: AppLocale },
): Promise<{ outcome: 'sent' | 'failed' | 'unknown-address' | 'throttled' }> {
  const input = parseInput(ZRequestPasswordReset, raw)
  const { address, ip } = limiters()
  try {
    await ip.consume(meta.ip || 'unknown')
  } catch (error) {
    if (!(error instanceof RateLimiterRes)) throw error
    const minutes = Math.max(1, Math.ceil(error.msBeforeNext / 60_000))
    throw new AppError('TOO_MANY_REQUESTS', `Too many requests. Try again in ${minutes} minutes.`, {
      retryAfterSeconds: Math.ceil(error.msBeforeNext / 1000),
      i18n: { key: 'admin:forgot.throttled', values: { count: minutes } },
    })
  }
  const started = Date.now()
  const outcome = await issueAndSend(input.email, address, meta.locale)
  const wait = RESET_ANSWER_FLOOR_MS - (Date.now() - started)
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait))
  return { outcome }
}

async function issueAndSend(email: string, address: RateLimiterRedis, fallbackLocale: AppLocale): Promise<'sent' | 'failed' | 'unknown-address' | 'throttled'> {
  try {
    await address.consume(sha256Hex(email))
  } catch (error) {
    if (!(error instanceof RateLimiterRes)) throw error
    return 'throttled'
  }
  const user = await db.selectFrom('app_user').select(['id', 'email', 'locale']).where('email', '=', email).executeTakeFirst()
  if (!user) return 'unknown-address'
  const issued = await issuePasswordReset(db, user.id)
  const delivery = await sendEmail({
    key: `password_reset:${user.id}:${issued.resetId}`,
    kind: 'password_reset',
    to: user.email,
    userId: user.id,
    locale: isLocale(user.locale) ? user.locale : fallbackLocale,
    template: passwordResetEmail,
    category: 'mandatory',
    props: { email: user.email, resetUrl: resetUrl(issued.token), expiresInHours: RESET_TTL_MS / 3_600_000 },
  })
  return delivery.status === 'failed' ? 'failed' : 'sent'
}
