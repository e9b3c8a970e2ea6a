import { z } from 'zod'
import { openRecurringPeriods } from '#server/services/follow-up/open-recurring-periods.ts'
import { ZAsOf } from '#server/services/follow-up/time.ts'
import { defineJob } from '../define.ts'
import { FOLLOW_UP_QUEUE } from '../queues.ts'

export default defineJob({
  name: 'recurring.open-periods',
  queue: FOLLOW_UP_QUEUE,
  schema: z.object({ asOf: ZAsOf.optional() }).strict(),
  handler: (payload) => openRecurringPeriods({ asOf: payload.asOf ?? new Date() }),
})
