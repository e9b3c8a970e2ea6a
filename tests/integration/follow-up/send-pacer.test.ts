import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { createSendPacer, type SendPacer } from '#emails/delivery/send-pacer.ts'
import { env } from '#server/env.ts'
import { createRedis } from '#server/redis.ts'
import { freePort } from '#tests/support/process.ts'
import { startResendStandIn, type ResendStandIn } from '#tests/support/resend-stand-in.ts'

/**
 * Resend's limit is per team: the request starts of every worker are spaced
 * through one Redis key. Two workers (here two pacers on their own Redis
 * connections) sending at once stay within the provider's limit together;
 * paced each on its own, they exceed it.
 */
let standIn: ResendStandIn
const clients: Redis[] = []
beforeAll(async () => {
  standIn = await startResendStandIn({ rateLimit: 4 })
})
afterAll(async () => {
  for (const c of clients) c.disconnect()
  await standIn.close()
})

const RATE = 4
const INTERVAL = (1000 + 50) / RATE

function pacerOn(key: string): SendPacer {
  const client = createRedis()
  clients.push(client)
  return createSendPacer(() => client, key)
}

/** One sender: `n` requests, each started when its pacer says. */
async function send(pacer: SendPacer, n: number, tag: string) {
  for (let i = 0; i < n; i++) {
    await pacer.take(INTERVAL)
    await fetch(`${standIn.url}/emails/batch`, {
      method: 'POST',
      headers: { authorization: `Bearer ${standIn.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify([{ from: 'Ruta <no-reply@ruta.local>', to: `${tag}${i}@example.org`, subject: 'S', html: '<p>x</p>', text: 'x' }]),
    })
  }
}

const statuses = (from: number) => standIn.requests.slice(from).map((r) => r.status)

describe('send pacer', () => {
  it('two workers sharing the deployment key together stay within the limit: no 429', async () => {
    const key = `${env().QUEUE_PREFIX}:pacer-test:${Date.now()}`
    const from = standIn.requests.length
    await Promise.all([send(pacerOn(key), 6, 'a'), send(pacerOn(key), 6, 'b')])
    expect(statuses(from)).toEqual(Array(12).fill(200))
  })

  it('paced each on its own, the same two workers send twice the rate and are refused', async () => {
    // Past the previous test's windows.
    await new Promise((resolve) => setTimeout(resolve, 1100))
    const from = standIn.requests.length
    await Promise.all([send(pacerOn(`${env().QUEUE_PREFIX}:pacer-test:own-a`), 6, 'c'), send(pacerOn(`${env().QUEUE_PREFIX}:pacer-test:own-b`), 6, 'd')])
    expect(statuses(from)).toContain(429)
  })

  it('a 429 pause holds every worker on the key', async () => {
    const key = `${env().QUEUE_PREFIX}:pacer-test:pause:${Date.now()}`
    const one = pacerOn(key)
    const other = pacerOn(key)
    await one.pause(400)
    const started = Date.now()
    await other.take(INTERVAL)
    expect(Date.now() - started).toBeGreaterThanOrEqual(390)
  })

  it('when Redis does not answer, a process paces itself alone and says so once', async () => {
    const dead = new Redis({ port: await freePort(), host: '127.0.0.1', enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: () => 200 })
    dead.on('error', () => {})
    clients.push(dead)
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    try {
      const pacer = createSendPacer(() => dead, 'unused')
      const from = standIn.requests.length
      await new Promise((resolve) => setTimeout(resolve, 1100))
      await send(pacer, 6, 'e')
      expect(statuses(from)).toEqual(Array(6).fill(200))
      expect(warn).toHaveBeenCalledTimes(1)
      expect(warn.mock.calls[0]?.[0]).toMatch(/Redis did not answer .*pacing this process alone/)
    } finally {
      warn.mockRestore()
    }
  })
})
