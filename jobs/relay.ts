import { db } from '#server/db.ts'
import { claimOutbox, markOutboxDispatched, markOutboxFailed } from '#server/repositories/follow-up.ts'
import { addFast, NOTIFY_QUEUE } from './queues.ts'

/**
 * The outbox relay: claims undispatched rows (FOR UPDATE SKIP LOCKED, so
 * relays side by side take different rows), adds one job per row with the
 * outbox id as job id (a re-add after a crash is a no-op in BullMQ) and
 * marks them dispatched in the same transaction. With Redis down the add
 * fails fast, the rows stay undispatched and the next run sends them.
 */
export async function relayOutbox(limit = 200): Promise<{ dispatched: number; failed: number }> {
  return db.transaction().execute(async (trx) => {
    const rows = await claimOutbox(trx, limit)
    if (!rows.length) return { dispatched: 0, failed: 0 }
    try {
      await addFast(NOTIFY_QUEUE, (q) =>
        q.addBulk(
          rows.map((row) => ({
          name: 'notify.event',
          data: { outboxId: row.id },
            opts: { jobId: row.id, attempts: 8, backoff: { type: 'exponential', delay: 2000 }, removeOnComplete: { age: 7 * 86_400 }, removeOnFail: { age: 30 * 86_400 } },
          })),
        ),
      )
    } catch (error) {
      await markOutboxFailed(trx, rows.map((r) => r.id), error instanceof Error ? error.message : String(error))
      return { dispatched: 0, failed: rows.length }
    }
    await markOutboxDispatched(trx, rows.map((r) => r.id))
    return { dispatched: rows.length, failed: 0 }
  })
}
