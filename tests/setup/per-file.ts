import { randomBytes } from 'node:crypto'
import { afterAll } from 'vitest'
import { TEMPLATE_DB, adminQuery, urlFor } from './test-db.ts'

// Every test file gets its own database cloned from the migrated template,
// its own queue prefix, and demo-mode configuration on loopback.
const name = `ruta_test_f_${randomBytes(6).toString('hex')}`
await adminQuery(`CREATE DATABASE ${name} TEMPLATE ${TEMPLATE_DB}`)

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
