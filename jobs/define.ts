import type { Job } from 'bullmq'
import type { z } from 'zod'
import type { QueueName } from './queues.ts'

export interface JobContext {
  job?: Job
}

/** A job: its name, the queue it runs on, the zod schema of its payload, and the handler. */
export interface JobDefinition<S extends z.ZodType = z.ZodType, R = unknown> {
  name: string
  queue: QueueName
  schema: S
  handler: (payload: z.output<S>, ctx: JobContext) => Promise<R>
}

export function defineJob<S extends z.ZodType, R>(definition: JobDefinition<S, R>): JobDefinition<S, R> {
  return definition
}
