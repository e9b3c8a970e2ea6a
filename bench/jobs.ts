import { existsSync, readFileSync, rmSync } from 'node:fs'
import path from 'node:path'
import pg from 'pg'
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
    QUEUE_PREFIX: 'ruta-bench',
    RESEND_API_KEY: 're_bench_stand_in',
    RESEND_BASE_URL: stubUrl,
    LOG_LEVEL: 'warn',
  }
  const result: JobsResult = { notes }
  try {
    await waitForHttp(`${stubUrl}/stats`, 20_000, stub, stubLog)
    const outFile = path.join(opts.outDir, 'jobs.json')
    const runnerLog = path.join(opts.outDir, 'jobs-runner.log')
    rmSync(outFile, { force: true })
    opts.log('jobs: reminder sweep and digest sweep…')
    const runner = startNode('jobs runner', 'bench/jobs-runner.ts', { ...common, BENCH_AS_OF: asOf, BENCH_JOBS_OUT: outFile }, runnerLog)
    // Bounded: a sweep far over its budget is reported, not waited for.
    const runnerLimit = (opts.quick ? 50 : 300) * 1000
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
    result.runnerPeakRssBytes = runner.peakRssBytes()
    await runner.stop()
    const out = (existsSync(outFile) ? JSON.parse(readFileSync(outFile, 'utf8')) : {}) as {
      reminders?: SweepOutput & { assignments: number }
      digests?: SweepOutput & { users: number }
      pendingEmails?: number
    }
    if (out.reminders) {
      result.reminders = { seconds: out.reminders.seconds, statements: out.reminders.statements, assignments: out.reminders.assignments, claimed: out.reminders.result.claimed, skipped: out.reminders.result.skipped }
      opts.log(`  reminders: ${result.reminders.claimed} claimed in ${result.reminders.seconds.toFixed(2)} s (${result.reminders.statements} statements)`)
    }
    if (timedOut) {
      result.timedOutAfterSeconds = runnerLimit / 1000
      notes.push(`${out.reminders ? 'digest build' : 'reminder sweep (and digest build)'}: not finished after ${runnerLimit / 1000} s of jobs (stopped there); far over budget`)
      return result
    }
    if (code !== 0 || !out.reminders || !out.digests) {
      notes.push(`jobs runner failed (exit ${code}): ${readFileSync(runnerLog, 'utf8').slice(-400).replace(/\s+/g, ' ')}`)
      return result
    }
    const built = out.digests.result.claimed
    result.digests = {
      seconds: out.digests.seconds,
      statements: out.digests.statements,
      users: out.digests.users,
      built,
      nothingNew: out.digests.result.nothingNew ?? 0,
      perSecond: out.digests.seconds > 0 ? built / out.digests.seconds : 0,
    }
    opts.log(`  digests: ${built} built in ${result.digests.seconds.toFixed(2)} s (${result.digests.statements} statements)`)

    if (!existsSync('jobs/worker.ts')) {
      notes.push('not measured: delivery and worker memory (jobs/worker.ts not built yet)')
      return result
    }
    // Delivery by the production worker.
    const workerLog = path.join(opts.outDir, 'worker.log')
    const pool = new pg.Pool({ connectionString: opts.databaseUrl, max: 1 })
    const pendingCount = async () => (await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM email_log WHERE status = 'pending'`)).rows[0].n
    const total = await pendingCount()
    opts.log(`jobs: the worker delivers ${total} e-mails through the Resend stand-in…`)
    const t0 = Date.now()
    const worker = startNode('worker', 'jobs/worker.ts', common, workerLog)
    try {
      // The worker's email.deliver scheduler runs at start; enqueue one too in case it is not due yet.
      process.env.QUEUE_PREFIX = 'ruta-bench'
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
