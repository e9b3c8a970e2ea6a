import { migrateToLatest } from '#db/migrate.ts'
import { ensureBuild } from './build.ts'
import { TEMPLATE_DB, adminQuery, kyselyFor } from './test-db.ts'

/**
 * Migrates a template database once per run. Each test file then clones it
 * (CREATE DATABASE … TEMPLATE), so files run in parallel and never see each
 * other's rows.
 */
export default async function setup() {
  // Once per run, before any file: HTTP and browser tests serve the real build.
  ensureBuild()
  await adminQuery(`DROP DATABASE IF EXISTS ${TEMPLATE_DB} WITH (FORCE)`)
  await adminQuery(`CREATE DATABASE ${TEMPLATE_DB}`)
  const db = kyselyFor(TEMPLATE_DB)
  try {
    await migrateToLatest(db)
  } finally {
    await db.destroy()
  }
  // Databases of files from an earlier, interrupted run.
  const stale = await adminQuery(`SELECT datname FROM pg_database WHERE datname LIKE 'ruta_test_f_%'`)
  for (const row of stale.rows) await adminQuery(`DROP DATABASE IF EXISTS "${row.datname}" WITH (FORCE)`)
}
