import { z } from 'zod'
import { defineJob } from '../define.ts'
import { FOLLOW_UP_QUEUE } from '../queues.ts'
import { relayOutbox } from '../relay.ts'

export default defineJob({
  name: 'outbox.relay',
  queue: FOLLOW_UP_QUEUE,
  schema: z.object({}).strict(),
  handler: () => relayOutbox(),
})
