import { UnrecoverableError, type JobsOptions } from 'bullmq'
import type { z } from 'zod'
import type { JobContext } from './define.ts'
import digestsSweep from './definitions/digests-sweep.ts'
import emailDeliver from './definitions/email-deliver.ts'
import notifyEvent from './definitions/notify-event.ts'
import outboxRelay from './definitions/outbox-relay.ts'
import recurringOpenPeriods from './definitions/recurring-open-periods.ts'
import remindersSweep from './definitions/reminders-sweep.ts'
import { addFast } from './queues.ts'

/** Every job, by name. `enqueue` and the worker know nothing else. */
export const jobs = {
  [remindersSweep.name]: remindersSweep,
  [digestsSweep.name]: digestsSweep,
  [outboxRelay.name]: outboxRelay,
  [notifyEvent.name]: notifyEvent,
  [emailDeliver.name]: emailDeliver,
  [recurringOpenPeriods.name]: recurringOpenPeriods,
} as const

type Jobs = {
  'reminders.sweep': typeof remindersSweep
  'digests.sweep': typeof digestsSweep
  'outbox.relay': typeof outboxRelay
  'notify.event': typeof notifyEvent
  'email.deliver': typeof emailDeliver
  'recurring.open-periods': typeof recurringOpenPeriods
}
export type JobName = keyof Jobs
export type JobPayload<N extends JobName> = z.input<Jobs[N]['schema']>

export function isJobName(name: string): name is JobName {
  return Object.hasOwn(jobs, name)
}

/** Adds a job, its payload checked against the job's schema first (a bad one never reaches Redis). */
export async function enqueue<N extends JobName>(name: N, payload: JobPayload<N>, opts?: JobsOptions) {
  const definition = jobs[name]
  definition.schema.parse(payload)
  return addFast(definition.queue, (q) => q.add(name, payload, { attempts: 5, backoff: { type: 'exponential', delay: 2000 }, removeOnComplete: { age: 86_400 }, removeOnFail: { age: 7 * 86_400 }, ...opts }))
}

/**
 * Runs one job's handler: validates the payload with its zod schema. A bad
 * payload, or a job of an unknown name, fails at once and for good
 * (UnrecoverableError: BullMQ does not retry it).
 */
export async function runJob(name: string, data: unknown, ctx: JobContext = {}): Promise<unknown> {
  if (!isJobName(name)) throw new UnrecoverableError(`Unknown job "${name}"`)
  const definition = jobs[name]
  const parsed = definition.schema.safeParse(data ?? {})
  if (!parsed.success) {
    throw new UnrecoverableError(`Job ${name}: invalid payload: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`)
  }
  return (definition.handler as (payload: unknown, ctx: JobContext) => Promise<unknown>)(parsed.data, ctx)
}
