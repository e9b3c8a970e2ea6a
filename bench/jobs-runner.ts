import { writeFileSync } from 'node:fs'
import { sql } from 'kysely'
import { closeDb, db, onQuery } from '#server/db.ts'

/**
 * Runs one sweep once (BENCH_JOB=reminders|digests) in this process, as if
 * the clock read BENCH_AS_OF, counting its SQL statements through the query
 * log. Writes { result, seconds, statements, assignments, users } to
 * BENCH_JOBS_OUT.
 */
const asOf = new Date(process.env.BENCH_AS_OF ?? Date.now())
const job = process.env.BENCH_JOB
let statements = 0
onQuery(() => statements++)

const counts = await sql<{ assignments: number; users: number }>`
  SELECT (SELECT count(*) FROM assignment)::int AS assignments, (SELECT count(*) FROM app_user)::int AS users
`.execute(db)
// The sweep's modules are loaded before the clock starts: a running worker has them loaded already.
if (job !== 'reminders' && job !== 'digests') throw new Error(`BENCH_JOB must be reminders or digests, not ${job}`)
const sweep =
  job === 'reminders'
    ? (await import('#server/services/follow-up/run-reminder-sweep.ts')).runReminderSweep
    : (await import('#server/services/follow-up/run-digest-sweep.ts')).runDigestSweep
const before = statements
const t0 = performance.now()
const result: unknown = await sweep({ asOf })
const seconds = (performance.now() - t0) / 1000
writeFileSync(
  process.env.BENCH_JOBS_OUT ?? `bench/out/${job}.json`,
  JSON.stringify({ asOf: asOf.toISOString(), result, seconds, statements: statements - before, ...counts.rows[0] }, null, 2),
)
await closeDb()
process.exit(0)
