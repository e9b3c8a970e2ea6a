import { sql, type Transaction } from 'kysely'
import type { DB } from '#db/types.ts'
import { db } from '#server/db.ts'
import { findReminderRenderRows } from '#server/repositories/reminders.ts'
import { composeReminder, ReminderBodies, type EmailPayload } from '#server/services/follow-up/compose.ts'
import { deliver, usesLocalOutbox } from '../transport.ts'
import { deliveryConfig } from './config.ts'
import { sendResendBatch, type BatchMessage } from './resend-batch.ts'

export interface TDeliveryResult {
  sent: number
  failed: number
  /** Reminders not sent because their assignment was no longer open. */
  skipped: number
  /** Batches left pending for a later run (Redis-free: they are rows in email_batch). */
  pending: number
}

const BATCH_SIZE = 100

interface Member {
  id: string
  key: string
  message: BatchMessage
  status: string
}

interface RecordedBatch {
  id: string
  members: Member[]
}

let running: Promise<unknown> = Promise.resolve()

/**
 * Delivers every pending e-mail of the log. Pending messages are grouped
 * into batches of up to 100; the reminders among them (claimed by the
 * sweep, not rendered yet) are rendered, and the batch is recorded with its
 * members and their messages BEFORE anything is sent. Each batch is then
 * sent under its own id as idempotency key. A run that dies mid-way leaves
 * the batch pending: the next run resends exactly the same recorded batch,
 * and Resend (or, locally, the transaction) makes sure nobody receives it
 * twice.
 *
 * One run at a time per process (the worker may start email.deliver while
 * a sweep's own delivery is running): a second call waits for the first,
 * then delivers what is left. Other processes are kept apart by row locks
 * and batch leases.
 */
export function deliverPending(): Promise<TDeliveryResult> {
  const run = running.then(deliverPendingNow, deliverPendingNow)
  running = run.catch(() => undefined)
  return run
}

async function deliverPendingNow(): Promise<TDeliveryResult> {
  const result: TDeliveryResult = { sent: 0, failed: 0, skipped: 0, pending: 0 }
  const bodies = new ReminderBodies()
  if (usesLocalOutbox()) {
    for (;;) {
      const formed = await formBatch(bodies, false)
      if (!formed) break
      result.failed += formed.failed
      result.skipped += formed.skipped
    }
    for (;;) {
      const local = await sendNextBatchLocally()
      if (!local) break
      result.sent += local.sent
    }
  } else {
    await deliverThroughResend(bodies, result)
  }
  const single = await deliverWithAttachments()
  result.sent += single.sent
  result.failed += single.failed
  return result
}

/**
 * Resend: a pipeline. While batches are in flight (each waiting for its
 * slot at the provider's rate, then for the answer), the next ones are
 * formed, rendered and recorded, up to EMAIL_MAX_IN_FLIGHT ahead.
 */
async function deliverThroughResend(bodies: ReminderBodies, result: TDeliveryResult) {
  const ahead = deliveryConfig().EMAIL_MAX_IN_FLIGHT
  const inFlight = new Set<Promise<void>>()
  let stop = false
  let failure: unknown
  while (!stop) {
    while (inFlight.size >= ahead) await Promise.race(inFlight)
    if (stop) break
    const next = await nextBatch(bodies)
    if (!next) break
    result.failed += next.failed
    result.skipped += next.skipped
    if (!next.batch) continue
    const task: Promise<void> = sendBatchThroughResend(next.batch)
      .then(
        (outcome) => {
          result.sent += outcome.sent
          result.failed += outcome.failed
          if (outcome.pending) {
            // The provider keeps failing: leave the rest for a later run.
            result.pending++
            stop = true
          }
        },
        (error: unknown) => {
          failure ??= error
          stop = true
        },
      )
      .finally(() => inFlight.delete(task))
    inFlight.add(task)
  }
  await Promise.all(inFlight)
  if (failure) throw failure
}

/** A batch recorded earlier and still pending (its sender died, or the provider failed), else a new one. */
async function nextBatch(bodies: ReminderBodies) {
  const leftover = await leaseBatch()
  if (leftover) return { failed: 0, skipped: 0, batch: { id: leftover.id, members: await members(leftover.id) } }
  return formBatch(bodies, true)
}

/**
 * Groups the next pending messages into a batch, in one transaction: their
 * rows are locked (another sender skips them), the unrendered reminders are
 * rendered and their messages stored on their rows, and the batch is
 * recorded — so whatever happens next, every retry sends this payload.
 * Null when nothing is left to batch.
 */
async function formBatch(bodies: ReminderBodies, lease: boolean): Promise<{ failed: number; skipped: number; batch: RecordedBatch | null } | null> {
  return db.transaction().execute(async (trx) => {
    const rows = await trx
      .selectFrom('email_log')
      .select(['id', 'key', 'payload'])
      .where('status', '=', 'pending')
      .where('batch_id', 'is', null)
      .where('has_attachments', '=', false)
      // sendEmail's rows (payload and as_of both NULL) are being sent by their caller.
      .where((eb) => eb.or([eb('payload', 'is not', null), eb('as_of', 'is not', null)]))
      .orderBy('created_at')
      .orderBy('subject_id')
      .orderBy('id')
      .limit(BATCH_SIZE)
      .forUpdate()
      .skipLocked()
      .execute()
    if (!rows.length) return null
    const rendered = await renderReminders(
      trx,
      rows.filter((r) => r.payload === null).map((r) => r.id),
      bodies,
    )
    const members: (Member & { fresh: boolean })[] = []
    for (const r of rows) {
      const message = r.payload === null ? rendered.messages.get(r.id) : (r.payload as BatchMessage)
      if (message) members.push({ id: r.id, key: r.key, message, status: 'pending', fresh: r.payload === null })
    }
    if (!members.length) return { failed: rendered.failed, skipped: rendered.skipped, batch: null }
    // A batch this run sends at once is leased to it from the start (attempts counts the sends).
    const seconds = deliveryConfig().EMAIL_BATCH_LEASE_SECONDS
    const batch = await trx
      .insertInto('email_batch')
      .values(lease ? { size: members.length, leased_until: sql`now() + make_interval(secs => ${seconds})`, attempts: 1 } : { size: members.length })
      .returning('id')
      .executeTakeFirstOrThrow()
    const positions = members.map((m, i) => ({ id: m.id, pos: i + 1, payload: m.fresh ? m.message : null, subject: m.fresh ? m.message.subject : null }))
    await sql`
      UPDATE email_log l SET batch_id = ${batch.id}, batch_position = v.pos,
             payload = COALESCE(v.payload, l.payload), subject = COALESCE(v.subject, l.subject)
      FROM jsonb_to_recordset(${JSON.stringify(positions)}::jsonb) AS v(id uuid, pos int, payload jsonb, subject text)
      WHERE l.id = v.id
    `.execute(trx)
    return { failed: rendered.failed, skipped: rendered.skipped, batch: { id: batch.id, members: members.map(({ fresh: _, ...m }) => m) } }
  })
}

const OPEN_STATUSES = new Set(['not_started', 'in_progress', 'blocked'])

/**
 * Renders claimed reminders (one statement for their data, bodies filled in
 * from one template per kind, language and plural form). A reminder whose
 * assignment or recipient was deleted since the sweep cannot be rendered: it
 * fails with that reason. One whose assignment is no longer open (submitted,
 * completed or not applicable since the sweep) is not sent: it is skipped,
 * with the status it found.
 */
async function renderReminders(trx: Transaction<DB>, ids: string[], bodies: ReminderBodies) {
  const messages = new Map<string, EmailPayload>()
  const ended: { id: string; status: 'failed' | 'skipped'; error: string }[] = []
  for (const row of await findReminderRenderRows(trx, ids)) {
    const { assignment_id: assignmentId, user_id: userId } = row
    if (assignmentId === null || userId === null) {
      ended.push({ id: row.id, status: 'failed', error: assignmentId === null ? 'The assignment was deleted before the reminder was sent' : 'The recipient was deleted before the reminder was sent' })
      continue
    }
    if (!OPEN_STATUSES.has(row.status)) {
      ended.push({ id: row.id, status: 'skipped', error: `Not sent: the assignment was ${row.status.replace('_', ' ')} before the reminder went out` })
      continue
    }
    messages.set(row.id, await composeReminder({ ...row, assignment_id: assignmentId, user_id: userId }, bodies))
  }
  if (ended.length) {
    await sql`
      UPDATE email_log l SET status = v.status, error = v.error, attempts = l.attempts + CASE v.status WHEN 'failed' THEN 1 ELSE 0 END
      FROM jsonb_to_recordset(${JSON.stringify(ended)}::jsonb) AS v(id uuid, status text, error text)
      WHERE l.id = v.id
    `.execute(trx)
  }
  const skipped = ended.filter((e) => e.status === 'skipped').length
  return { messages, failed: ended.length - skipped, skipped }
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

async function members(batchId: string, trx: typeof db | Transaction<DB> = db): Promise<Member[]> {
  const rows = await trx.selectFrom('email_log').select(['id', 'key', 'payload', 'status']).where('batch_id', '=', batchId).orderBy('batch_position').execute()
  return rows.map((r) => ({ id: r.id, key: r.key, status: r.status, message: r.payload as BatchMessage }))
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
    const list = (await members(batchId, trx)).filter((m) => m.status === 'pending')
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
    return { sent: list.length }
  })
}

async function sendBatchThroughResend(batch: RecordedBatch) {
  const outcome = await sendResendBatch(
    batch.id,
    batch.members.map((m) => m.message),
  )
  if (!outcome.ok && !outcome.permanent) {
    await db.updateTable('email_batch').set({ last_error: outcome.error, leased_until: null }).where('id', '=', batch.id).execute()
    await db.updateTable('email_log').set({ error: outcome.error, attempts: sql`attempts + 1` }).where('batch_id', '=', batch.id).execute()
    return { sent: 0, failed: 0, pending: true }
  }
  const results = batch.members.flatMap((m, i): { id: string; provider_id: string | null; error: string | null }[] => {
    if (m.status !== 'pending') return []
    const r = outcome.ok ? outcome.results[i] : { error: outcome.error }
    if ('id' in r) return [{ id: m.id, provider_id: r.id, error: null }]
    console.error(`[email] ${m.key} failed permanently: ${r.error}`)
    return [{ id: m.id, provider_id: null, error: r.error.slice(0, 2000) }]
  })
  // One statement records every member's outcome and the batch's (atomic without a transaction).
  await sql`
    WITH v AS (SELECT * FROM jsonb_to_recordset(${JSON.stringify(results)}::jsonb) AS v(id uuid, provider_id text, error text)),
    logged AS (
      UPDATE email_log l
         SET status = CASE WHEN v.error IS NULL THEN 'sent' ELSE 'failed' END, provider_id = v.provider_id,
             sent_at = CASE WHEN v.error IS NULL THEN now() ELSE l.sent_at END, error = v.error, attempts = l.attempts + 1
        FROM v WHERE l.id = v.id AND l.status = 'pending'
    )
    UPDATE email_batch SET status = ${outcome.ok ? 'sent' : 'failed'}, sent_at = now(), last_error = ${outcome.ok ? null : outcome.error}
     WHERE id = ${batch.id}
  `.execute(db)
  const failed = results.filter((r) => r.error !== null).length
  return { sent: results.length - failed, failed, pending: false }
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
