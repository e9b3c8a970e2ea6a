import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { deliverPending } from '#emails/delivery/deliver.ts'
import { sendResendBatch, type BatchMessage } from '#emails/delivery/resend-batch.ts'
import { db } from '#server/db.ts'
import { resetEnvForTests } from '#server/env.ts'
import { runReminderSweep } from '#server/services/follow-up/run-reminder-sweep.ts'
import { parseAsOf } from '#server/services/follow-up/time.ts'
import { createFollowUpWorld } from '#tests/factories/follow-up.ts'
import { startResendStandIn, type ResendStandIn } from '#tests/support/resend-stand-in.ts'

let standIn: ResendStandIn
beforeAll(async () => {
  standIn = await startResendStandIn()
  process.env.RESEND_API_KEY = standIn.apiKey
  process.env.RESEND_BASE_URL = standIn.url
  process.env.EMAIL_BACKOFF_MS = '20'
  resetEnvForTests()
})
afterAll(async () => {
  delete process.env.RESEND_API_KEY
  delete process.env.RESEND_BASE_URL
  resetEnvForTests()
  await standIn.close()
})

/** Each case starts from an empty follow-up state: earlier worlds' assignments would be overdue by then. */
async function fresh() {
  standIn.reset()
  await db.deleteFrom('assignment').execute()
  await db.deleteFrom('email_log').execute()
  await db.deleteFrom('email_batch').execute()
}

const batchRequests = () => standIn.requests.filter((r) => r.path === '/emails/batch')

describe('delivery through Resend (local stand-in)', () => {
  it('429 with retry-after, then 500, then success: every message arrives once, the retries resend the same batch under the same key', async () => {
    await fresh()
    const w = await createFollowUpWorld(db)
    await w.assign(1, 'AR', '2027-03-15')
    await w.assign(1, 'BR', '2027-03-15')
    await w.assign(1, 'GY', '2027-03-15')
    await runReminderSweep({ asOf: parseAsOf('2027-03-12') })
    standIn.failNext({ status: 429, retryAfter: 1 }, { status: 500 })
    const started = Date.now()
    const result = await deliverPending()
    expect(result).toMatchObject({ sent: 3, failed: 0, pending: 0 })
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000) // waited retry-after
    expect(standIn.sent.map((s) => s.payload.to).sort()).toEqual([`fp.ar.${w.workspace.slug}@example.org`, `fp.br.${w.workspace.slug}@example.org`, `fp.gy.${w.workspace.slug}@example.org`])
    const requests = batchRequests()
    expect(requests.map((r) => r.status)).toEqual([429, 500, 200])
    expect(new Set(requests.map((r) => r.headers['idempotency-key'])).size).toBe(1)
    expect(requests[2].headers['x-batch-validation']).toBe('permissive')
    const batch = await db.selectFrom('email_batch').select(['id', 'status']).executeTakeFirstOrThrow()
    expect(requests[0].headers['idempotency-key']).toBe(batch.id)
    expect(batch.status).toBe('sent')
    const logs = await db.selectFrom('email_log').select(['status', 'provider_id']).where('workspace_id', '=', w.workspace.id).execute()
    expect(logs.every((l) => l.status === 'sent' && l.provider_id)).toBe(true)
    expect(new Set(logs.map((l) => l.provider_id))).toEqual(new Set(standIn.sent.map((s) => s.id)))
  })

  it('resending a recorded batch (a worker that died after Resend accepted it) delivers nothing twice', async () => {
    standIn.reset()
    const message: BatchMessage = { from: 'Ruta <no-reply@ruta.local>', to: 'x@example.org', subject: 'S', html: '<p>x</p>', text: 'x', headers: {} }
    const first = await sendResendBatch('11111111-1111-4111-8111-111111111111', [message])
    const again = await sendResendBatch('11111111-1111-4111-8111-111111111111', [message])
    expect(first).toEqual(again)
    expect(standIn.sent).toHaveLength(1)
  })

  it('more than 100 messages go in batches of at most 100', async () => {
    await fresh()
    const w = await createFollowUpWorld(db)
    await w.addFocalPoints('AR', 104, 'fp')
    await w.assign(2, 'AR', '2027-04-15')
    const swept = await runReminderSweep({ asOf: parseAsOf('2027-04-12') })
    expect(swept.claimed).toBe(105)
    const result = await deliverPending()
    expect(result.sent).toBe(105)
    expect(batchRequests().map((r) => (r.body as unknown[]).length)).toEqual([100, 5])
    expect(standIn.sent).toHaveLength(105)
  })

  it('a permanent refusal is logged with its reason, never dropped silently', async () => {
    await fresh()
    const w = await createFollowUpWorld(db)
    await w.assign(3, 'GY', '2027-05-15')
    await runReminderSweep({ asOf: parseAsOf('2027-05-12') })
    standIn.failNext({ status: 422, message: 'Invalid `to` field' })
    const result = await deliverPending()
    expect(result).toMatchObject({ sent: 0, failed: 1 })
    const log = await db.selectFrom('email_log').select(['status', 'error']).where('workspace_id', '=', w.workspace.id).executeTakeFirstOrThrow()
    expect(log.status).toBe('failed')
    expect(log.error).toContain('Invalid `to` field')
  })

  it('an e-mail with an attachment goes on its own, keyed by its own e-mail key; a 500 is retried by the next run', async () => {
    await fresh()
    const payload = {
      from: 'Ruta <no-reply@ruta.local>',
      to: 'fp.ar@example.org',
      subject: 'Invitación',
      html: '<p>ics</p>',
      text: 'ics',
      headers: {},
      attachments: [{ filename: 'meeting.ics', content: Buffer.from('BEGIN:VCALENDAR').toString('base64'), contentType: 'text/calendar' }],
    }
    await db
      .insertInto('email_log')
      .values({ key: 'meeting_invitation:u1:m1:2027-03-01', recipient: payload.to, kind: 'meeting_invitation', subject: payload.subject, payload: JSON.stringify(payload), has_attachments: true })
      .execute()
    standIn.failNext({ status: 500 })
    expect(await deliverPending()).toMatchObject({ sent: 0, failed: 0 })
    expect(await deliverPending()).toMatchObject({ sent: 1, failed: 0 })
    const single = standIn.requests.filter((r) => r.path === '/emails')
    expect(single.map((r) => [r.status, r.headers['idempotency-key']])).toEqual([
      [500, 'meeting_invitation:u1:m1:2027-03-01'],
      [200, 'meeting_invitation:u1:m1:2027-03-01'],
    ])
    expect(standIn.sent).toHaveLength(1)
    expect(batchRequests()).toEqual([])
  })
})
