import { UnrecoverableError } from 'bullmq'
import { z } from 'zod'
import { deliverPending } from '#emails/delivery/deliver.ts'
import { db } from '#server/db.ts'
import { findOutbox } from '#server/repositories/follow-up.ts'
import { notifyEvent } from '#server/services/follow-up/notify-event.ts'
import { defineJob } from '../define.ts'
import { NOTIFY_QUEUE } from '../queues.ts'

/** One outbox event (job id = outbox id): its e-mails, claimed and delivered. */
export default defineJob({
  name: 'notify.event',
  queue: NOTIFY_QUEUE,
  schema: z.object({ outboxId: z.uuid() }).strict(),
  async handler(payload) {
    const row = await findOutbox(db, payload.outboxId)
    if (!row) throw new UnrecoverableError(`outbox ${payload.outboxId} does not exist`)
    try {
      // The occasion is the event; its time is when it happened.
      const notified = await notifyEvent(row, new Date())
      const delivered = await deliverPending()
      return { ...notified, ...delivered }
    } catch (error) {
      if (error instanceof z.ZodError) throw new UnrecoverableError(error.message)
      throw error
    }
  },
})
