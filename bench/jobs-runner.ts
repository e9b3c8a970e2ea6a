import { writeFileSync } from 'node:fs'
import { sql } from 'kysely'
import { closeDb, db, onQuery } from '#server/db.ts'

/**
 * Runs the reminder sweep and the digest sweep once, in this process, as
 * if the clock read BENCH_AS_OF, counting the SQL statements of each
 * through the query log. Writes { reminders, digests } to BENCH_JOBS_OUT.
 */
const asOf = new Date(process.env.BENCH_AS_OF ?? Date.now())
let statements = 0
onQuery(() => statements++)

async function timed<T>(fn: () => Promise<T>): Promise<{ result: T; seconds: number; statements: number }> {
  const before = statements
  const t0 = performance.now()
  const result = await fn()
  return { result, seconds: (performance.now() - t0) / 1000, statements: statements - before }
}

const out: Record<string, unknown> = { asOf: asOf.toISOString() }
const counts = await sql<{ assignments: number; users: number }>`
  SELECT (SELECT count(*) FROM assignment)::int AS assignments, (SELECT count(*) FROM app_user)::int AS users
`.execute(db)
const { runReminderSweep } = await import('#server/services/follow-up/run-reminder-sweep.ts')
const reminders = await timed(() => runReminderSweep({ asOf }))
out.reminders = { ...reminders, assignments: counts.rows[0].assignments }
// Written after each step, so a run stopped for taking too long still reports what finished.
const save = () => writeFileSync(process.env.BENCH_JOBS_OUT ?? 'bench/out/jobs.json', JSON.stringify(out, null, 2))
save()
const { runDigestSweep } = await import('#server/services/follow-up/run-digest-sweep.ts')
const digests = await timed(() => runDigestSweep({ asOf }))
out.digests = { ...digests, users: counts.rows[0].users }
const pending = await sql<{ n: number }>`SELECT count(*)::int AS n FROM email_log WHERE status = 'pending'`.execute(db)
out.pendingEmails = pending.rows[0].n
save()
await closeDb()
process.exit(0)
