import { afterEach, describe, expect, it } from 'vitest'
import { startHttpApp, type HttpApp } from '#tests/support/http-app.ts'
import { freePort } from '#tests/support/process.ts'

// /healthz answers from the state of the real services: Redis down is
// "degraded" (the web keeps working), the database down is "down".
const goodDatabase = process.env.DATABASE_URL
let app: HttpApp | undefined

async function serve() {
  const { resetEnvForTests } = await import('#server/env.ts')
  const { closeDb } = await import('#server/db.ts')
  const { closeRedis } = await import('#server/redis.ts')
  resetEnvForTests()
  await closeDb()
  await closeRedis()
  app = await startHttpApp()
  return app.base
}

afterEach(async () => {
  await app?.close()
  app = undefined
  process.env.DATABASE_URL = goodDatabase
  delete process.env.REDIS_URL
})

describe('GET /healthz', () => {
  it('is ok when PostgreSQL and Redis answer', async () => {
    const url = await serve()
    const response = await fetch(`${url}/healthz`)
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ status: 'ok', db: 'ok', redis: 'ok' })
  })

  it('is degraded (200) when only Redis is down', async () => {
    process.env.REDIS_URL = `redis://127.0.0.1:${await freePort()}`
    const url = await serve()
    const response = await fetch(`${url}/healthz`)
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ status: 'degraded', db: 'ok', redis: 'down' })
  })

  it('is down (503) when the database is down', async () => {
    process.env.DATABASE_URL = `postgres://postgres@127.0.0.1:${await freePort()}/ruta`
    const url = await serve()
    const response = await fetch(`${url}/healthz`)
    expect(response.status).toBe(503)
    expect(await response.json()).toEqual({ status: 'down', db: 'down', redis: 'ok' })
  })
})
