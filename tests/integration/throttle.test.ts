import { randomBytes } from 'node:crypto'
import { Redis } from 'ioredis'
import { afterAll, describe, expect, it } from 'vitest'
import { createSignInThrottle, SIGN_IN_LIMITS } from '#server/auth/throttle.ts'
import { db } from '#server/db.ts'
import { AppError } from '#server/errors.ts'
import { closeRedis, redis } from '#server/redis.ts'
import { signIn } from '#server/services/auth/sign-in.ts'
import { createWorkspace } from '#tests/factories/index.ts'
import { createMemberWithPassword, TEST_PASSWORD } from '#tests/factories/auth.ts'
import { freePort } from '#tests/support/process.ts'

// Real Redis; each throttle gets its own key prefix so cases do not share counters.
const fresh = () => createSignInThrottle({ keyPrefix: `${process.env.QUEUE_PREFIX}:t-${randomBytes(4).toString('hex')}` })
const email = () => `someone-${randomBytes(3).toString('hex')}@example.org`

async function refused(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(AppError)
  expect((error as AppError).code).toBe('TOO_MANY_REQUESTS')
  return error as AppError
}

afterAll(async () => {
  await closeRedis()
})

describe('sign-in throttle', () => {
  it('waits for Redis to be ready before the cases', async () => {
    const client = redis()
    if (client.status !== 'ready') await new Promise((resolve) => client.once('ready', resolve))
    expect(await client.ping()).toBe('PONG')
  })

  it('refuses the 6th attempt for one account from one address within 15 minutes, saying when to retry', async () => {
    const throttle = fresh()
    const account = email()
    for (let i = 0; i < SIGN_IN_LIMITS.accountAndIp.points; i++) await throttle.attempt(account, '203.0.113.1')
    const error = await refused(throttle.attempt(account, '203.0.113.1'))
    expect(error.details.retryAfterSeconds).toBeGreaterThan(14 * 60)
    expect(error.details.retryAfterSeconds).toBeLessThanOrEqual(15 * 60)
    expect(error.message).toMatch(/Try again in 15 minutes/)
    // The same account from another address, and another account from the same address, still may try.
    await throttle.attempt(account, '203.0.113.2')
    await throttle.attempt(email(), '203.0.113.1')
    // The address is also remembered case-insensitively.
    await refused(throttle.attempt(account.toUpperCase(), '203.0.113.1'))
  })

  it('counts IPv6 addresses of one /64 as one address', async () => {
    const throttle = fresh()
    const account = email()
    for (let i = 1; i <= 5; i++) await throttle.attempt(account, `2001:db8:5:6::${i}`)
    await refused(throttle.attempt(account, '2001:db8:5:6:ffff::9'))
    await throttle.attempt(account, '2001:db8:5:7::1')
  })

  it('a success clears the (account, address) counter', async () => {
    const throttle = fresh()
    const account = email()
    for (let i = 0; i < 4; i++) await throttle.attempt(account, '203.0.113.9')
    await (await throttle.attempt(account, '203.0.113.9')).succeeded()
    for (let i = 0; i < 5; i++) await throttle.attempt(account, '203.0.113.9')
    await refused(throttle.attempt(account, '203.0.113.9'))
  })

  it('refuses an account after 50 failures from all addresses within an hour, except from an address it signed in from', async () => {
    const throttle = fresh()
    const account = email()
    await (await throttle.attempt(account, '198.51.100.250')).succeeded()
    for (let i = 0; i < SIGN_IN_LIMITS.account.points; i++) await throttle.attempt(account, `198.51.100.${i}`)
    const error = await refused(throttle.attempt(account, '198.51.100.200'))
    expect(error.details.retryAfterSeconds).toBeGreaterThan(59 * 60)
    // Its owner, at their usual address, is not locked out by someone failing elsewhere.
    await throttle.attempt(account, '198.51.100.250')
    // Other accounts are not affected.
    await throttle.attempt(email(), '198.51.100.201')
  })

  it('refuses an address after 100 failures within an hour, across accounts', async () => {
    const throttle = fresh()
    for (let i = 0; i < SIGN_IN_LIMITS.ip.points; i++) await throttle.attempt(email(), '192.0.2.7')
    await refused(throttle.attempt(email(), '192.0.2.7'))
    await throttle.attempt(email(), '192.0.2.8')
  })

  it('falls back to a per-process limiter when Redis is down', async () => {
    const down = new Redis({ host: '127.0.0.1', port: await freePort(), enableOfflineQueue: false, maxRetriesPerRequest: 0, lazyConnect: true, retryStrategy: () => null })
    down.on('error', () => {})
    await down.connect().catch(() => {})
    expect(down.status).not.toBe('ready')
    const throttle = createSignInThrottle({ redis: down, keyPrefix: `${process.env.QUEUE_PREFIX}:down` })
    const account = email()
    for (let i = 0; i < 5; i++) await throttle.attempt(account, '203.0.113.50')
    await refused(throttle.attempt(account, '203.0.113.50'))
    await throttle.attempt(account, '203.0.113.51')
    down.disconnect()
  })
})

describe('signIn service', () => {
  it('gives the same error for an unknown address and a wrong password, then throttles both alike', async () => {
    const workspace = await createWorkspace(db)
    const { user } = await createMemberWithPassword(db, workspace, 'observer')
    const throttle = fresh()
    const meta = { ip: '203.0.113.77', userAgent: 'vitest' }
    const wrong = await signIn({ email: user.email, password: 'nope nope nope' }, meta, { throttle }).catch((e: AppError) => e)
    const unknown = await signIn({ email: 'no-such-person@example.org', password: 'nope nope nope' }, meta, { throttle }).catch((e: AppError) => e)
    expect(wrong).toBeInstanceOf(AppError)
    expect(unknown).toBeInstanceOf(AppError)
    expect((wrong as AppError).code).toBe('UNAUTHORIZED')
    expect((unknown as AppError).code).toBe('UNAUTHORIZED')
    expect((wrong as AppError).message).toBe((unknown as AppError).message)
    expect((wrong as AppError).details).toEqual((unknown as AppError).details)

    const ok = await signIn({ email: `  ${user.email.toUpperCase()} `, password: TEST_PASSWORD }, meta, { throttle })
    expect(ok.actor.userId).toBe(user.id)
    expect(ok.cookie).toContain(ok.token)
    // A fresh session each time.
    const again = await signIn({ email: user.email, password: TEST_PASSWORD }, meta, { throttle })
    expect(again.session.id).not.toBe(ok.session.id)

    for (let i = 0; i < 5; i++) await signIn({ email: 'ghost@example.org', password: 'nope nope nope' }, meta, { throttle }).catch(() => null)
    await refused(signIn({ email: 'ghost@example.org', password: 'nope nope nope' }, meta, { throttle }))
  })
})
