import { QueueEvents } from 'bullmq'
import type { ChildProcess } from 'node:child_process'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FOLLOW_UP_QUEUE, NOTIFY_QUEUE, closeQueues } from '#jobs/queues.ts'
import { relayOutbox } from '#jobs/relay.ts'
import { enqueue } from '#jobs/registry.ts'
import { db } from '#server/db.ts'
import { env, resetEnvForTests } from '#server/env.ts'
import { closeRedis, createRedis } from '#server/redis.ts'
import { updateAssignment } from '#server/services/assignments/update-assignment.ts'
import { processOutboxInline } from '#server/services/follow-up/process-outbox.ts'
import { createFollowUpWorld } from '#tests/factories/follow-up.ts'
import { privateRedis, type PrivateRedis } from '#tests/support/private-redis.ts'
import { startScript, stop } from '#tests/support/process.ts'

/**
 * The worker as its own process, against a private redis-server that this
 * file may stop and start. Waits are on BullMQ events, never sleeps.
 */
let redis: PrivateRedis
const children: ChildProcess[] = []
const events: QueueEvents[] = []

beforeAll(async () => {
  redis = await privateRedis()
  process.env.REDIS_URL = redis.url
  resetEnvForTests()
})

afterAll(async () => {
  await Promise.all(children.filter((c) => c.exitCode === null && c.signalCode === null).map((c) => stop(c, 'SIGKILL')))
  await Promise.all(events.map((e) => e.close()))
  await closeQueues()
  await closeRedis()
  await redis.stop()
})

function startWorker(extra: Record<string, string> = {}) {
  const run = startScript(
    'jobs/worker.ts',
    {
      DATABASE_URL: process.env.DATABASE_URL,
      REDIS_URL: redis.url,
      QUEUE_PREFIX: env().QUEUE_PREFIX,
      LOG_LEVEL: 'info',
      WORKER_LOCK_MS: '1500',
      OUTBOX_RELAY_MS: '300',
      WORKER_SHUTDOWN_SECONDS: '10',
      ...extra,
    },
    /\[worker\] started/,
  )
  children.push(run.child)
  if (process.env.DEBUG_WORKER) {
    run.child.stdout?.on('data', (d: Buffer) => process.stdout.write(`[child] ${d}`))
    run.child.stderr?.on('data', (d: Buffer) => process.stdout.write(`[child] ${d}`))
  }
  return run
}

function queueEvents(name: string) {
  const qe = new QueueEvents(name, { connection: createRedis({ maxRetriesPerRequest: null, enableOfflineQueue: true }), prefix: env().QUEUE_PREFIX, lastEventId: '0' })
  qe.on('error', () => {})
  events.push(qe)
  return qe
}

/** Resolves when every one of these job ids has completed (events from the start of the stream count). */
function allCompleted(qe: QueueEvents, ids: string[]) {
  const waiting = new Set(ids)
  return new Promise<void>((resolve) => {
    qe.on('completed', ({ jobId }) => {
      waiting.delete(jobId)
      if (!waiting.size) resolve()
    })
  })
}

async function mailOf(slug: string) {
  return db
    .selectFrom('local_mail')
    .select(['to_address', 'subject'])
    .where('to_address', 'like', `%.${slug}@example.org`)
    .orderBy('to_address')
    .orderBy('subject')
    .execute()
}

// Each case starts processes; on a busy 2-core machine that takes seconds.
describe('the worker process', { timeout: 120_000 }, () => {
  it('two workers at once send exactly one copy', async () => {
    const w = await createFollowUpWorld(db)
    await w.assign(1, 'AR', '2027-03-15')
    await w.assign(1, 'BR', '2027-03-15')
    await w.assign(1, 'GY', '2027-03-15')
    const a = startWorker()
    const b = startWorker()
    await Promise.all([a.started, b.started])
    const qe = queueEvents(FOLLOW_UP_QUEUE)
    await qe.waitUntilReady()
    const jobs = await Promise.all([1, 2, 3, 4].map((n) => enqueue('reminders.sweep', { asOf: '2027-03-12' }, { jobId: `sweep-twice-${n}` })))
    await Promise.all(jobs.map((job) => job.waitUntilFinished(qe, 30_000)))
    expect((await mailOf(w.workspace.slug)).map((m) => m.subject)).toEqual([
      '[Argentina] 1.1.1.1 vence en 3 días',
      '[Brasil] 1.1.1.1 vence em 3 dias',
      '[Guyana] 1.1.1.1 is due in 3 days',
    ])
    // SIGTERM: both stop taking jobs and exit cleanly.
    expect(await Promise.all([stop(a.child), stop(b.child)])).toEqual([0, 0])
  })

  it('a worker killed (SIGKILL) in the middle of a digest batch, then restarted, leaves exactly one digest per recipient', async () => {
    const w = await createFollowUpWorld(db)
    await w.addFocalPoints('AR', 260, 'many')
    // Due in 14 days: newly due-soon for every Argentine focal point.
    await w.assign(2, 'AR', '2027-04-15')
    const first = startWorker()
    await first.started
    const qe = queueEvents(FOLLOW_UP_QUEUE)
    await qe.waitUntilReady()
    const job = await enqueue('digests.sweep', { asOf: '2027-04-01T12:00:00Z' }, { jobId: 'digest-killed' })
    await new Promise<void>((resolve) => qe.on('progress', ({ jobId }) => jobId === job.id && resolve()))
    await stop(first.child, 'SIGKILL')
    const partial = await db.selectFrom('email_log').select(sql<number>`count(*)::int`.as('n')).where('kind', '=', 'digest').executeTakeFirstOrThrow()
    expect(partial.n).toBeGreaterThan(0)

    const second = startWorker()
    await second.started
    await job.waitUntilFinished(qe, 60_000)
    const digests = await db
      .selectFrom('local_mail')
      .select(['to_address', sql<number>`count(*)::int`.as('n')])
      .where('to_address', 'like', `%.${w.workspace.slug}@example.org`)
      .where('subject', 'like', 'Resumen de Ruta%')
      .groupBy('to_address')
      .execute()
    expect(digests.filter((d) => d.to_address.includes('.ar.'))).toHaveLength(261)
    expect(digests.every((d) => d.n === 1)).toBe(true)
    const unsent = await db.selectFrom('email_log').select('key').where('kind', '=', 'digest').where('status', '<>', 'sent').execute()
    expect(unsent).toEqual([])
    expect(await stop(second.child)).toBe(0)
  })

  it('SIGTERM with a job still running past WORKER_SHUTDOWN_SECONDS: the worker exits and the job is picked up again, nothing sent twice', async () => {
    const w = await createFollowUpWorld(db)
    await w.addFocalPoints('BR', 260, 'term')
    await w.assign(2, 'BR', '2027-05-17')
    const first = startWorker({ WORKER_SHUTDOWN_SECONDS: '0.05' })
    await first.started
    const qe = queueEvents(FOLLOW_UP_QUEUE)
    await qe.waitUntilReady()
    const job = await enqueue('digests.sweep', { asOf: '2027-05-03T12:00:00Z' }, { jobId: 'digest-terminated' })
    await new Promise<void>((resolve) => qe.on('progress', ({ jobId }) => jobId === job.id && resolve()))
    expect(await stop(first.child, 'SIGTERM')).toBe(1)
    expect(first.output()).toMatch(/did not finish within 0.05s/)

    const second = startWorker()
    await second.started
    await job.waitUntilFinished(qe, 60_000)
    const digests = await db
      .selectFrom('local_mail')
      .select(['to_address', sql<number>`count(*)::int`.as('n')])
      .where('to_address', 'like', `%.br.${w.workspace.slug}@example.org`)
      .where('subject', 'like', 'Resumo do Ruta%')
      .groupBy('to_address')
      .execute()
    expect(digests).toHaveLength(261)
    expect(digests.every((d) => d.n === 1)).toBe(true)
    expect(await stop(second.child)).toBe(0)
  })

  it('with Redis stopped, saves succeed; after it restarts every notification arrives exactly once', async () => {
    const w = await createFollowUpWorld(db)
    const ids = await Promise.all((['AR', 'BR', 'GY'] as const).map(async (cc) => ({ cc, id: (await w.assign(3, cc, '2027-06-01', 'in_progress')).id })))
    const worker = startWorker()
    await worker.started

    await redis.stop()
    for (const { cc, id } of ids) {
      const saved = await updateAssignment(w.fp[cc].actor, { assignmentId: id, version: 1, status: 'submitted', progressNote: `Informe ${cc}` })
      expect(saved.status).toBe('submitted')
    }
    // The relay fails fast and leaves the rows for later.
    const started = Date.now()
    expect(await relayOutbox()).toMatchObject({ dispatched: 0 })
    expect(Date.now() - started).toBeLessThan(5000)
    const waiting = await db.selectFrom('outbox').select('id').where('topic', '=', 'assignment.submitted').where('dispatched_at', 'is', null).execute()
    expect(waiting).toHaveLength(3)

    await redis.start()
    const qe = queueEvents(NOTIFY_QUEUE)
    await allCompleted(
      qe,
      waiting.map((r) => r.id),
    )
    const mail = await mailOf(w.workspace.slug)
    expect(mail.map((m) => `${m.to_address.split('.')[0]} | ${m.subject}`)).toEqual([
      'sec | [Argentina] 1.1.1.3 presentada para verificación',
      'sec | [Brasil] 1.1.1.3 presentada para verificación',
      'sec | [Guyana] 1.1.1.3 presentada para verificación',
    ])
    // Handling the same events again sends nothing more.
    await db.updateTable('outbox').set({ dispatched_at: null }).where('id', 'in', waiting.map((r) => r.id)).execute()
    await processOutboxInline({ asOf: new Date() })
    expect(await mailOf(w.workspace.slug)).toHaveLength(3)
    expect(await stop(worker.child)).toBe(0)
  })
})
