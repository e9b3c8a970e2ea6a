import { Queue, Worker, type Job } from 'bullmq'
import { pathToFileURL } from 'node:url'
import { closeDb } from '#server/db.ts'
import { env } from '#server/env.ts'
import { closeRedis, createRedis } from '#server/redis.ts'
import { closeQueues, QUEUE_NAMES, type QueueName } from './queues.ts'
import { runJob } from './registry.ts'
import { upsertSchedules } from './schedules.ts'

/**
 * The worker process: one BullMQ Worker per queue, every job through the
 * registry (payload validated by its zod schema). On SIGTERM it stops taking
 * jobs and lets the active ones finish within WORKER_SHUTDOWN_SECONDS; a job
 * cut off keeps no lock, so another worker (or this one restarted) picks it
 * up again as a stalled job. Every job is idempotent (the e-mail log's
 * UNIQUE key), so running one twice sends nothing twice.
 */
function log(message: string) {
  if (env().LOG_LEVEL !== 'silent') console.log(`[worker] ${message}`)
}

function isNoop(result: unknown) {
  return typeof result === 'object' && result !== null && Object.values(result).every((v) => v === 0)
}

function fail(name: string): never {
  throw new Error(`No queue ${name}`)
}

export async function startWorker() {
  const config = env()
  // Lock and stall checks are short in tests so that a killed worker's job comes back quickly.
  const lockDuration = Number(process.env.WORKER_LOCK_MS ?? 30_000)
  const concurrency = Number(process.env.WORKER_CONCURRENCY ?? 4)
  const workers = QUEUE_NAMES.map(
    (name) =>
      new Worker(name, (job: Job) => runJob(job.name, job.data, { job }), {
        connection: createRedis({ maxRetriesPerRequest: null, enableOfflineQueue: true }),
        prefix: config.QUEUE_PREFIX,
        concurrency,
        lockDuration,
        stalledInterval: Math.max(500, Math.floor(lockDuration / 2)),
        maxStalledCount: 5,
        autorun: false,
      }),
  )
  for (const worker of workers) {
    worker.on('failed', (job, error) => console.error(`[worker] ${job?.name ?? '?'} ${job?.id ?? ''} failed: ${error.message}`))
    // Runs that did nothing (the relay every few seconds, mostly) stay out of the log.
    worker.on('completed', (job, result) => !isNoop(result) && log(`${job.name} ${job.id} done ${JSON.stringify(result)}`))
    worker.on('error', (error) => console.error(`[worker] ${error.message}`))
  }
  // The worker's own queue handles wait for Redis (offline queue on), unlike the web's fail-fast producers.
  const schedulerQueues = new Map(
    QUEUE_NAMES.map((name) => {
      const q = new Queue(name, { connection: createRedis({ maxRetriesPerRequest: null, enableOfflineQueue: true }), prefix: config.QUEUE_PREFIX })
      q.on('error', () => {})
      return [name, q] as const
    }),
  )
  const queueOf = (name: QueueName) => schedulerQueues.get(name) ?? fail(name)
  await upsertSchedules(queueOf)
  // Redis holds nothing that cannot be rebuilt: when it comes back empty
  // (restarted without persistence), the schedulers are upserted again.
  // Upserting is idempotent, so every (re)connection does it.
  const watcher = createRedis({ maxRetriesPerRequest: null, enableOfflineQueue: true })
  watcher.on('ready', () => {
    log('Redis connection ready; upserting the job schedulers')
    upsertSchedules(queueOf).catch((error: Error) => console.error(`[worker] could not upsert schedulers: ${error.message}`))
  })
  for (const worker of workers) void worker.run()
  log(`started (${QUEUE_NAMES.join(', ')}; prefix ${config.QUEUE_PREFIX})`)

  let closing = false
  async function shutdown(signal: string) {
    if (closing) return
    closing = true
    const seconds = config.WORKER_SHUTDOWN_SECONDS
    log(`${signal}: no new jobs; waiting up to ${seconds}s for active ones`)
    const deadline = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), seconds * 1000).unref())
    const closed = Promise.all(workers.map((w) => w.close())).then(() => 'closed' as const)
    const outcome = await Promise.race([closed, deadline])
    if (outcome === 'timeout') {
      // The cut-off jobs' locks expire and they are picked up again as stalled.
      console.error(`[worker] active jobs did not finish within ${seconds}s; exiting, they will be retried`)
      process.exit(1)
    }
    watcher.disconnect()
    await Promise.all([...schedulerQueues.values()].map((q) => q.close().catch(() => {})))
    await closeQueues()
    await closeRedis()
    await closeDb()
    log('stopped')
    process.exit(0)
  }
  process.on('SIGTERM', () => void shutdown('SIGTERM'))
  process.on('SIGINT', () => void shutdown('SIGINT'))
  return workers
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await startWorker()
}
