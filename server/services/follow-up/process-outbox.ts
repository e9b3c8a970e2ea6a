import { db } from '#server/db.ts'
import { claimOutbox, markOutboxDispatched, markOutboxFailed } from '#server/repositories/follow-up.ts'
import { notifyEvent } from './notify-event.ts'
import type { TSweepResult } from './run-reminder-sweep.ts'

/**
 * Handles pending outbox events right here, without Redis (`npm run job --
 * outbox`). Rows are claimed FOR UPDATE SKIP LOCKED, so a relay or another
 * run working at the same time takes different rows; the e-mail keys make
 * an event handled twice claim nothing the second time.
 */
export async function processOutboxInline(input: { asOf: Date; limit?: number }): Promise<TSweepResult & { failed: number }> {
  const total = { claimed: 0, skipped: 0, failed: 0 }
  for (;;) {
    const handled = await db.transaction().execute(async (trx) => {
      const rows = await claimOutbox(trx, input.limit ?? 100)
      for (const row of rows) {
        try {
          const r = await notifyEvent(row, input.asOf)
          total.claimed += r.claimed
          total.skipped += r.skipped
          await markOutboxDispatched(trx, [row.id])
        } catch (error) {
          total.failed++
          await markOutboxFailed(trx, [row.id], error instanceof Error ? error.message : String(error))
        }
      }
      return rows.length
    })
    if (handled < (input.limit ?? 100)) break
  }
  return total
}
