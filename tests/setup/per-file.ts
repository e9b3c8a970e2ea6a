import { afterAll, inject } from 'vitest'
import { adminQuery, testDatabaseName, urlFor } from './test-db.ts'

// Every test file gets its own database cloned from the run's migrated
// template, its own queue prefix, and demo-mode configuration on loopback.
const name = testDatabaseName('f')
await adminQuery(`CREATE DATABASE ${name} TEMPLATE ${inject('templateDatabase')}`)

process.env.NODE_ENV = 'test'
process.env.DATABASE_URL = urlFor(name)
process.env.QUEUE_PREFIX = `ruta-test-${name}`
process.env.LOG_LEVEL ??= 'silent'
process.env.TEST_DATABASE_NAME = name

afterAll(async () => {
  const { closeDb } = await import('#server/db.ts')
  await closeDb()
  await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
})
