import { existsSync, readFileSync, rmSync } from 'node:fs'
import path from 'node:path'
import pg from 'pg'
import { benchQueuePrefix } from './data.ts'
import { freePort, startNode, waitForHttp } from './lib/process.ts'

export interface JobsResult {
  reminders?: { seconds: number; statements: number; assignments: number; claimed: number; skipped: number }
  digests?: { seconds: number; statements: number; users: number; built: number; nothingNew: number; perSecond: number }
  delivery?: { emails: number; requests: number; rejected: number; seconds: number; endToEndSeconds: number; perSecond: number; ratio: number; left: number }
  runnerPeakRssBytes?: number
  workerPeakRssBytes?: number
  /** Set when the sweeps were stopped for running far over budget. */
  timedOutAfterSeconds?: number
  notes: string[]
}

interface SweepOutput {
  result: { claimed: number; skipped: number; nothingNew?: number }
  seconds: number
  statements: number
}

const SERVICES = ['server/services/follow-up/run-reminder-sweep.ts', 'server/services/follow-up/run-digest-sweep.ts']

/**
 * The jobs at the data set's size. The sweeps run once in a child process
 * (timed, statements counted with the query log); then the production
 * worker (jobs/worker.ts) delivers everything they claimed through a local
 * Resend stand-in limited to 10 requests/s with batches of 100.
 */
export async function runJobsPhase(opts: { databaseUrl: string; appUrl: string; outDir: string; users: number; quick: boolean; log: (line: string) => void }): Promise<JobsResult> {
  const notes: string[] = []
  const missing = SERVICES.filter((f) => !existsSync(f))
  if (missing.length) return { notes: [`not measured: reminder sweep, digests and delivery (${missing.join(', ')} not built yet)`] }

  // As if the clock read 16:00 UTC today: past 08:00 local everywhere in the Americas, so every daily digest is due.
  const asOf = `${new Date().toISOString().slice(0, 10)}T16:00:00.000Z`
  const stubPort = await freePort()
  const stubUrl = `http://127.0.0.1:${stubPort}`
  const stubLog = path.join(opts.outDir, 'resend-stub.log')
  const stub = startNode('Resend stand-in', 'bench/resend-stub.ts', { PORT: String(stubPort) }, stubLog)
  const common = {
    NODE_ENV: 'production',
    DATABASE_URL: opts.databaseUrl,
    APP_URL: opts.appUrl,
    QUEUE_PREFIX: benchQueuePrefix(),
    RESEND_API_KEY: 're_bench_stand_in',
    RESEND_BASE_URL: stubUrl,
    LOG_LEVEL: 'warn',
  }
  const result: JobsResult = { notes }
  try {
    await waitForHttp(`${stubUrl}/stats`, 20_000, stub, stubLog)
    const runnerLimit = (opts.quick ? 40 : 240) * 1000
    const pool = new pg.Pool({ connectionString: opts.databaseUrl, max: 1 })
    const claimedOf = async (digest: boolean) =>
      (await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM email_log WHERE (category = 'digest') = $1`, [digest])).rows[0].n
    /** Runs one sweep in a child process, bounded: a sweep far over its budget is reported, not waited for. */
    const sweep = async (job: 'reminders' | 'digests') => {
      const outFile = path.join(opts.outDir, `${job}.json`)
      const runnerLog = path.join(opts.outDir, `${job}-runner.log`)
      rmSync(outFile, { force: true })
      opts.log(`jobs: ${job === 'reminders' ? 'reminder sweep' : 'digest sweep'}…`)
      const runner = startNode(`${job} runner`, 'bench/jobs-runner.ts', { ...common, BENCH_JOB: job, BENCH_AS_OF: asOf, BENCH_JOBS_OUT: outFile }, runnerLog)
      let timedOut = false
      const code = await new Promise<number | null>((resolve) => {
        const timer = setTimeout(() => {
          timedOut = true
          runner.child.kill('SIGKILL')
        }, runnerLimit)
        runner.child.once('exit', (c) => {
          clearTimeout(timer)
          resolve(c)
        })
      })
      result.runnerPeakRssBytes = Math.max(result.runnerPeakRssBytes ?? 0, runner.peakRssBytes())
      await runner.stop()
      if (timedOut) return { timedOut: true as const }
      if (code !== 0 || !existsSync(outFile)) {
        notes.push(`${job} runner failed (exit ${code}): ${readFileSync(runnerLog, 'utf8').slice(-400).replace(/\s+/g, ' ')}`)
        return null
      }
      return JSON.parse(readFileSync(outFile, 'utf8')) as SweepOutput & { assignments: number; users: number }
    }

    const reminders = await sweep('reminders')
    if (reminders && 'timedOut' in reminders) {
      result.timedOutAfterSeconds = runnerLimit / 1000
      notes.push(`reminder sweep: not finished after ${runnerLimit / 1000} s (stopped there; nothing claimed, it claims at the end); far over budget`)
    } else if (reminders) {
      result.reminders = { seconds: reminders.seconds, statements: reminders.statements, assignments: reminders.assignments, claimed: reminders.result.claimed, skipped: reminders.result.skipped }
      opts.log(`  reminders: ${result.reminders.claimed} claimed in ${result.reminders.seconds.toFixed(2)} s (${result.reminders.statements} statements)`)
    }
    const digests = await sweep('digests')
    if (digests && 'timedOut' in digests) {
      // Digests are claimed one by one: what was claimed before the stop gives the rate.
      const built = await claimedOf(true)
      const seconds = runnerLimit / 1000
      result.digests = { seconds, statements: NaN, users: opts.users, built, nothingNew: 0, perSecond: built / seconds }
      notes.push(`digest sweep: stopped after ${seconds} s with ${built} of ${opts.users} users' digests built (rate from those)`)
      opts.log(`  digests: stopped after ${seconds} s, ${built} built`)
    } else if (digests) {
      const built = digests.result.claimed
      result.digests = {
        seconds: digests.seconds,
        statements: digests.statements,
        users: digests.users,
        built,
        nothingNew: digests.result.nothingNew ?? 0,
        perSecond: digests.seconds > 0 ? built / digests.seconds : 0,
      }
      opts.log(`  digests: ${built} built in ${result.digests.seconds.toFixed(2)} s (${result.digests.statements} statements)`)
    }

    if (!existsSync('jobs/worker.ts')) {
      notes.push('not measured: delivery and worker memory (jobs/worker.ts not built yet)')
      await pool.end()
      return result
    }
    // Delivery by the production worker.
    const workerLog = path.join(opts.outDir, 'worker.log')
    const pendingCount = async () => (await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM email_log WHERE status = 'pending'`)).rows[0].n
    const total = await pendingCount()
    if (!total) {
      notes.push('not measured: delivery (the sweeps claimed no e-mail)')
      await pool.end()
      return result
    }
    opts.log(`jobs: the worker delivers ${total} e-mails through the Resend stand-in…`)
    const t0 = Date.now()
    const worker = startNode('worker', 'jobs/worker.ts', common, workerLog)
    try {
      // The worker's email.deliver scheduler runs at start; enqueue one too in case it is not due yet.
      process.env.QUEUE_PREFIX = benchQueuePrefix()
      const { enqueue } = await import('#jobs/registry.ts')
      await enqueue('email.deliver', {})
      const limitMs = (opts.quick ? 30 : 180) * 1000
      let left = total
      while (left > 0 && Date.now() - t0 < limitMs && worker.child.exitCode === null) {
        await new Promise((r) => setTimeout(r, 250))
        left = await pendingCount()
      }
      const endToEnd = (Date.now() - t0) / 1000
      const stats = (await (await fetch(`${stubUrl}/stats`)).json()) as { requests: number; rejected429: number; emails: number; firstAt: number; lastAcceptedAt: number }
      // The last request occupies one slot of the limit (1/10 s): count it, so perfect pacing reads 1,000/s.
      const seconds = stats.firstAt && stats.lastAcceptedAt ? (stats.lastAcceptedAt - stats.firstAt) / 1000 + 0.1 : 0
      const perSecond = seconds > 0 ? stats.emails / seconds : 0
      result.delivery = { emails: stats.emails, requests: stats.requests, rejected: stats.rejected429, seconds, endToEndSeconds: endToEnd, perSecond, ratio: perSecond / 1000, left }
      if (left > 0) notes.push(`delivery: ${left} e-mails still pending after ${endToEnd.toFixed(0)} s (see bench/out/worker.log)`)
      opts.log(`  delivery: ${stats.emails} e-mails in ${seconds.toFixed(1)} s = ${perSecond.toFixed(0)}/s (${stats.rejected429} 429s)`)
      const { closeQueues } = await import('#jobs/queues.ts')
      await closeQueues()
      const { closeRedis } = await import('#server/redis.ts')
      await closeRedis()
    } finally {
      result.workerPeakRssBytes = worker.peakRssBytes()
      await worker.stop()
      await pool.end()
    }
    return result
  } finally {
    await stub.stop()
  }
}
