import { z } from 'zod'
import { deliverPending } from '#emails/delivery/deliver.ts'
import { defineJob } from '../define.ts'
import { FOLLOW_UP_QUEUE } from '../queues.ts'

/** Picks up what a crashed or rate-limited run left pending. */
export default defineJob({
  name: 'email.deliver',
  queue: FOLLOW_UP_QUEUE,
  schema: z.object({}).strict(),
  handler: () => deliverPending(),
})
