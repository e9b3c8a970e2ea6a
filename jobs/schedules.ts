import type { Queue } from 'bullmq'
import type { JobName } from './registry.ts'
import { jobs } from './registry.ts'
import type { QueueName } from './queues.ts'

export interface Schedule {
  /** Scheduler id, stable across restarts (upsert replaces the previous repeat). */
  id: string
  job: JobName
  repeat: { pattern: string; tz?: string } | { every: number }
}

/** How often the relay runs (ms); tests shorten it. */
function relayEvery() {
  const value = Number(process.env.OUTBOX_RELAY_MS ?? 3000)
  return Number.isFinite(value) && value >= 100 ? value : 3000
}

/** Every job scheduler, upserted once at worker start. */
export function schedules(): Schedule[] {
  return [
    { id: 'reminders-sweep-hourly', job: 'reminders.sweep', repeat: { pattern: '0 5 * * * *', tz: 'UTC' } },
    // Hourly: picks the users whose local 08:00 has come.
    { id: 'digests-sweep-hourly', job: 'digests.sweep', repeat: { pattern: '0 1 * * * *', tz: 'UTC' } },
    { id: 'outbox-relay', job: 'outbox.relay', repeat: { every: relayEvery() } },
    { id: 'email-deliver', job: 'email.deliver', repeat: { every: 60_000 } },
    { id: 'recurring-open-periods', job: 'recurring.open-periods', repeat: { pattern: '0 15 0 * * *', tz: 'UTC' } },
  ]
}

/** Upserts every scheduler through the worker's own queue handles (which wait for Redis rather than fail). */
export async function upsertSchedules(queueOf: (name: QueueName) => Queue) {
  for (const s of schedules()) {
    await queueOf(jobs[s.job].queue).upsertJobScheduler(s.id, s.repeat, { name: s.job, data: {}, opts: { removeOnComplete: { count: 50 }, removeOnFail: { count: 200 } } })
  }
}
