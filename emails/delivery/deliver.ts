import { sql } from 'kysely'
import { db } from '#server/db.ts'
import { deliver, usesLocalOutbox } from '../transport.ts'
import { deliveryConfig } from './config.ts'
import { sendResendBatch, type BatchMessage } from './resend-batch.ts'

export interface TDeliveryResult {
  sent: number
  failed: number
  /** Batches left pending for a later run (Redis-free: they are rows in email_batch). */
  pending: number
}

const BATCH_SIZE = 100

/**
 * Delivers every pending e-mail of the log. First pending messages are
 * grouped into batches of up to 100 and the batch is recorded with its
 * members BEFORE anything is sent; then each batch is sent under its own id
 * as idempotency key. A run that dies mid-way leaves the batch pending: the
 * next run resends exactly the same batch, and Resend (or, locally, the
 * transaction) makes sure nobody receives it twice.
 */
export async function deliverPending(): Promise<TDeliveryResult> {
  const result: TDeliveryResult = { sent: 0, failed: 0, pending: 0 }
  while (await formBatch()) {
    // keep grouping until nothing is left unbatched
  }
  for (;;) {
    let outcome: { sent: number; failed: number; pending: boolean }
    if (usesLocalOutbox()) {
      const local = await sendNextBatchLocally()
      if (!local) break
      outcome = local
    } else {
      const batch = await leaseBatch()
      if (!batch) break
      outcome = await sendBatchThroughResend(batch.id)
    }
    result.sent += outcome.sent
    result.failed += outcome.failed
    if (outcome.pending) {
      result.pending++
      break
    }
  }
  const single = await deliverWithAttachments()
  result.sent += single.sent
  result.failed += single.failed
  return result
}

async function formBatch(): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const rows = await trx
      .selectFrom('email_log')
      .select('id')
      .where('status', '=', 'pending')
      .where('batch_id', 'is', null)
      .where('has_attachments', '=', false)
      .where('payload', 'is not', null)
      .orderBy('created_at')
      .orderBy('id')
      .limit(BATCH_SIZE)
      .forUpdate()
      .skipLocked()
      .execute()
    if (!rows.length) return false
    const batch = await trx.insertInto('email_batch').values({ size: rows.length }).returning('id').executeTakeFirstOrThrow()
    await sql`
      UPDATE email_log l SET batch_id = ${batch.id}, batch_position = v.pos
      FROM unnest(${sql.val(rows.map((r) => r.id))}::uuid[]) WITH ORDINALITY AS v(id, pos)
      WHERE l.id = v.id
    `.execute(trx)
    return true
  })
}

/** Takes a pending batch nobody else is sending (or whose sender died: its lease ran out). */
async function leaseBatch(): Promise<{ id: string } | undefined> {
  const lease = deliveryConfig().EMAIL_BATCH_LEASE_SECONDS
  const result = await sql<{ id: string }>`
    UPDATE email_batch SET leased_until = now() + make_interval(secs => ${lease}), attempts = attempts + 1
    WHERE id = (
      SELECT id FROM email_batch
      WHERE status = 'pending' AND (leased_until IS NULL OR leased_until < now())
      ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED
    )
    RETURNING id
  `.execute(db)
  return result.rows[0]
}

async function members(batchId: string) {
  const rows = await db
    .selectFrom('email_log')
    .select(['id', 'key', 'payload', 'status'])
    .where('batch_id', '=', batchId)
    .orderBy('batch_position')
    .execute()
  return rows.map((r) => ({ ...r, message: r.payload as BatchMessage }))
}

/**
 * The local outbox: the next pending batch is locked (others skip it) while
 * its messages are written and marked sent, all in one transaction — a
 * crash rolls it all back, so nothing is half-delivered or delivered twice,
 * and no lease has to run out before another worker may take it.
 */
async function sendNextBatchLocally() {
  return db.transaction().execute(async (trx) => {
    const locked = await trx.selectFrom('email_batch').select('id').where('status', '=', 'pending').orderBy('created_at').limit(1).forUpdate().skipLocked().executeTakeFirst()
    if (!locked) return null
    const batchId = locked.id
    const list = (await members(batchId)).filter((m) => m.status === 'pending')
    if (list.length) {
      const inserted = await trx
        .insertInto('local_mail')
        .values(
          list.map((m) => ({
            email_key: m.key,
            to_address: m.message.to,
            from_address: m.message.from,
            subject: m.message.subject,
            html: m.message.html,
            text: m.message.text,
            headers: JSON.stringify(m.message.headers ?? {}),
          })),
        )
        .returning(['id', 'email_key'])
        .execute()
      const idOf = new Map(inserted.map((r) => [r.email_key, r.id]))
      await sql`
        UPDATE email_log l SET status = 'sent', sent_at = now(), attempts = l.attempts + 1, provider_id = v.provider_id, error = NULL
        FROM unnest(${sql.val(list.map((m) => m.id))}::uuid[], ${sql.val(list.map((m) => idOf.get(m.key) ?? ''))}::text[]) AS v(id, provider_id)
        WHERE l.id = v.id
      `.execute(trx)
    }
    await trx.updateTable('email_batch').set({ status: 'sent', sent_at: sql`now()`, last_error: null }).where('id', '=', batchId).execute()
    return { sent: list.length, failed: 0, pending: false }
  })
}

async function sendBatchThroughResend(batchId: string) {
  const list = await members(batchId)
  const outcome = await sendResendBatch(
    batchId,
    list.map((m) => m.message),
  )
  if (!outcome.ok && !outcome.permanent) {
    await db.updateTable('email_batch').set({ last_error: outcome.error, leased_until: null }).where('id', '=', batchId).execute()
    await db.updateTable('email_log').set({ error: outcome.error, attempts: sql`attempts + 1` }).where('batch_id', '=', batchId).execute()
    return { sent: 0, failed: 0, pending: true }
  }
  return db.transaction().execute(async (trx) => {
    let sent = 0
    let failed = 0
    const pending = list.filter((m) => m.status === 'pending')
    const byId = new Map(list.map((m, i) => [m.id, i]))
    for (const m of pending) {
      const r = outcome.ok ? outcome.results[byId.get(m.id) ?? 0] : { error: outcome.error }
      if ('id' in r) {
        sent++
        await trx.updateTable('email_log').set({ status: 'sent', provider_id: r.id, sent_at: sql`now()`, error: null, attempts: sql`attempts + 1` }).where('id', '=', m.id).execute()
      } else {
        failed++
        console.error(`[email] ${m.key} failed permanently: ${r.error}`)
        await trx.updateTable('email_log').set({ status: 'failed', error: r.error.slice(0, 2000), attempts: sql`attempts + 1` }).where('id', '=', m.id).execute()
      }
    }
    await trx
      .updateTable('email_batch')
      .set({ status: outcome.ok ? 'sent' : 'failed', sent_at: sql`now()`, last_error: outcome.ok ? null : outcome.error })
      .where('id', '=', batchId)
      .execute()
    return { sent, failed, pending: false }
  })
}

/** Messages with attachments (calendar files) go one by one, each under its own e-mail key. */
async function deliverWithAttachments() {
  let sent = 0
  let failed = 0
  const lease = deliveryConfig().EMAIL_BATCH_LEASE_SECONDS
  for (;;) {
    const row = (
      await sql<{ id: string; key: string; payload: BatchMessage & { attachments?: { filename: string; content: string; contentType?: string }[] } }>`
        UPDATE email_log SET leased_until = now() + make_interval(secs => ${lease})
        WHERE id = (
          SELECT id FROM email_log WHERE status = 'pending' AND has_attachments AND payload IS NOT NULL
            AND (leased_until IS NULL OR leased_until < now())
          ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED
        )
        RETURNING id, key, payload
      `.execute(db)
    ).rows[0]
    if (!row) break
    try {
      const delivered = await deliver({ ...row.payload, idempotencyKey: row.key })
      await db.updateTable('email_log').set({ status: 'sent', provider_id: delivered.providerId, sent_at: sql`now()`, error: null, attempts: sql`attempts + 1` }).where('id', '=', row.id).execute()
      sent++
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error)
      const retryable = typeof error === 'object' && error !== null && 'retryable' in error && error.retryable === true
      await db
        .updateTable('email_log')
        // A retryable failure frees the row at once for the next run (the e-mail key keeps a resend single).
        .set({ status: retryable ? 'pending' : 'failed', error: message.slice(0, 2000), attempts: sql`attempts + 1`, leased_until: null })
        .where('id', '=', row.id)
        .execute()
      if (retryable) break
      failed++
    }
  }
  return { sent, failed }
}
