import type { TestProject } from 'vitest/node'
import { migrateToLatest } from '#db/migrate.ts'
import { ensureBuild } from './build.ts'
import { adminQuery, kyselyFor, STALE_AFTER_SECONDS, testDatabaseName } from './test-db.ts'

declare module 'vitest' {
  export interface ProvidedContext {
    templateDatabase: string
  }
}

/**
 * Migrates a template database once per run. Each test file then clones it
 * (CREATE DATABASE … TEMPLATE), so files run in parallel and never see each
 * other's rows. Names carry the run's start time, so that concurrent runs
 * (several developers' terminals) never drop each other's databases, and
 * databases left by a killed run are cleared once they are old.
 */
export default async function setup(project: TestProject) {
  // Once per run, before any file: HTTP and browser tests serve the real build.
  ensureBuild()

  const now = Math.floor(Date.now() / 1000)
  const stale = await adminQuery(`SELECT datname FROM pg_database WHERE datname ~ '^ruta_test_[tf][0-9]+_'`)
  for (const row of stale.rows as { datname: string }[]) {
    const started = Number(/^ruta_test_[tf](\d+)_/.exec(row.datname)?.[1])
    if (now - started > STALE_AFTER_SECONDS) await adminQuery(`DROP DATABASE IF EXISTS "${row.datname}" WITH (FORCE)`)
  }

  const template = testDatabaseName('t')
  await adminQuery(`CREATE DATABASE ${template}`)
  const db = kyselyFor(template)
  try {
    await migrateToLatest(db)
  } finally {
    await db.destroy()
  }
  project.provide('templateDatabase', template)

  return async () => {
    await adminQuery(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`)
  }
}

