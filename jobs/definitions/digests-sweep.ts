import { z } from 'zod'
import { deliverPending } from '#emails/delivery/deliver.ts'
import { runDigestSweep } from '#server/services/follow-up/run-digest-sweep.ts'
import { ZAsOf } from '#server/services/follow-up/time.ts'
import { defineJob } from '../define.ts'
import { FOLLOW_UP_QUEUE } from '../queues.ts'

export default defineJob({
  name: 'digests.sweep',
  queue: FOLLOW_UP_QUEUE,
  schema: z.object({ asOf: ZAsOf.optional() }).strict(),
  async handler(payload, { job }) {
    const swept = await runDigestSweep({ asOf: payload.asOf ?? new Date(), onPage: job ? (done) => job.updateProgress({ recipients: done }) : undefined })
    const delivered = await deliverPending()
    return { ...swept, ...delivered }
  },
})
