import { z } from 'zod'
import { deliverPending } from '#emails/delivery/deliver.ts'
import { runReminderSweep } from '#server/services/follow-up/run-reminder-sweep.ts'
import { ZAsOf } from '#server/services/follow-up/time.ts'
import { defineJob } from '../define.ts'
import { FOLLOW_UP_QUEUE } from '../queues.ts'

export default defineJob({
  name: 'reminders.sweep',
  queue: FOLLOW_UP_QUEUE,
  schema: z.object({ asOf: ZAsOf.optional() }).strict(),
  async handler(payload) {
    const swept = await runReminderSweep({ asOf: payload.asOf ?? new Date() })
    const delivered = await deliverPending()
    return { ...swept, ...delivered }
  },
})
