import { closeDb } from '#server/db.ts'
import { checkPostgres, loadConfig, prepareDatabase } from './lib/preflight.ts'

/**
 * `npm run db:migrate`: creates the database if it is missing and applies
 * every pending migration, then says which ran — for deployments that
 * migrate before starting the new version (`npm start` migrates too).
 */
const config = loadConfig()
await checkPostgres(config)
const results = await prepareDatabase(config)
await closeDb()
const applied = results.filter((r) => r.status === 'Success').map((r) => r.migrationName)
console.log(applied.length ? `Applied ${applied.length} migration(s):\n${applied.map((name) => `  ${name}`).join('\n')}` : 'The database is up to date: no migration to apply.')
