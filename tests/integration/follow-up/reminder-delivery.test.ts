import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { deliverPending } from '#emails/delivery/deliver.ts'
import { db, onQuery } from '#server/db.ts'
import { env, resetEnvForTests } from '#server/env.ts'
import { loadActor } from '#server/repositories/actors.ts'
import { listEmailLogPage } from '#server/services/follow-up/list-email-log.ts'
import { runReminderSweep } from '#server/services/follow-up/run-reminder-sweep.ts'
import { parseAsOf } from '#server/services/follow-up/time.ts'
import { createFollowUpWorld } from '#tests/factories/follow-up.ts'
import { startResendStandIn, type ResendStandIn } from '#tests/support/resend-stand-in.ts'

/**
 * The sweep claims reminders in one statement and leaves them unrendered;
 * delivery renders each batch as it records it, stores the messages, and
 * sends batches while it forms the next ones, paced at the provider's limit.
 */
let standIn: ResendStandIn
beforeAll(async () => {
  standIn = await startResendStandIn()
  useResend(standIn)
  process.env.EMAIL_BACKOFF_MS = '20'
})
afterAll(async () => {
  delete process.env.RESEND_API_KEY
  delete process.env.RESEND_BASE_URL
  resetEnvForTests()
  await standIn.close()
})

function useResend(s: ResendStandIn) {
  process.env.RESEND_API_KEY = s.apiKey
  process.env.RESEND_BASE_URL = s.url
  resetEnvForTests()
}

async function fresh() {
  standIn.reset()
  await db.deleteFrom('assignment').execute()
  await db.deleteFrom('email_log').execute()
  await db.deleteFrom('email_batch').execute()
}

async function counted<T>(fn: () => Promise<T>) {
  let statements = 0
  const off = onQuery(() => statements++)
  try {
    return { result: await fn(), statements }
  } finally {
    off()
  }
}

const batchRequests = (s: ResendStandIn) => s.requests.filter((r) => r.path === '/emails/batch')

describe('reminder sweep and delivery', () => {
  it('the sweep is one statement per slice however many e-mails it claims; the rows wait unrendered for delivery', async () => {
    await fresh()
    const small = await createFollowUpWorld(db)
    await small.assign(1, 'AR', '2027-03-15')
    const one = await counted(() => runReminderSweep({ asOf: parseAsOf('2027-03-12') }))
    expect(one.result).toEqual({ claimed: 1, skipped: 0 })

    const big = await createFollowUpWorld(db)
    await big.addFocalPoints('AR', 30, 'extra')
    for (const cc of ['AR', 'BR', 'GY']) {
      await big.assign(2, cc, '2027-03-15') // due in 3 days
      await big.assign(3, cc, '2027-02-01') // 41 days overdue: weekly reminder and escalation
    }
    const many = await counted(() => runReminderSweep({ asOf: parseAsOf('2027-03-12') }))
    // 31 AR + 1 BR + 1 GY focal points × 2 assignments, and the 3 escalations to the secretariat.
    expect(many.result).toEqual({ claimed: 33 * 2 + 3, skipped: 1 })
    expect(many.statements).toBe(one.statements)
    expect(one.statements).toBe(env().REMINDER_SWEEP_PARTS)

    const rows = await db
      .selectFrom('email_log')
      .select(['kind', 'subject', 'payload', 'as_of', 'locale', 'recipient'])
      .where('workspace_id', '=', big.workspace.id)
      .execute()
    expect(rows.every((r) => r.payload === null && r.subject === '' && r.as_of?.toISOString() === '2027-03-12T12:00:00.000Z')).toBe(true)
    expect(rows.find((r) => r.recipient.startsWith('fp.br.'))?.locale).toBe('pt')
    expect(new Set(rows.map((r) => r.kind))).toEqual(new Set(['due_soon', 'overdue', 'overdue_escalation']))

    const again = await counted(() => runReminderSweep({ asOf: parseAsOf('2027-03-12T20:00:00Z') }))
    expect(again).toEqual({ result: { claimed: 0, skipped: 33 * 2 + 3 + 1 }, statements: env().REMINDER_SWEEP_PARTS })

    expect(await deliverPending()).toMatchObject({ sent: 33 * 2 + 3 + 1, failed: 0, pending: 0 })
    const sent = await db.selectFrom('email_log').select(['subject', 'status']).where('workspace_id', '=', big.workspace.id).where('recipient', 'like', 'fp.br.%').orderBy('subject').execute()
    expect(sent).toEqual([
      { subject: '[Brasil] 1.1.1.2 vence em 3 dias', status: 'sent' },
      { subject: '[Brasil] 1.1.1.3 está atrasada (39 dias)', status: 'sent' },
    ])
  })

  it('slices of the sweep cut the assignments without gap or overlap: 1, 2, 3 or 7 slices claim the same e-mails', async () => {
    await fresh()
    const w = await createFollowUpWorld(db)
    await w.addFocalPoints('AR', 3, 'slice')
    for (const cc of ['AR', 'BR', 'CL', 'GY']) {
      await w.assign(2, cc, '2027-03-15')
      await w.assign(3, cc, '2027-02-01')
    }
    const claimedKeys = async () =>
      (await db.selectFrom('email_log').select('key').where('workspace_id', '=', w.workspace.id).orderBy('key').execute()).map((r) => r.key)
    // A gap loses e-mails; an overlap shows as skipped ones (two slices reaching the same occasion).
    const bySlices = new Map<number, { result: { claimed: number; skipped: number }; keys: string[] }>()
    for (const parts of [1, 2, 3, 7]) {
      await db.deleteFrom('email_log').where('workspace_id', '=', w.workspace.id).execute()
      const swept = await counted(() => runReminderSweep({ asOf: parseAsOf('2027-03-12'), parts }))
      expect(swept.statements).toBe(parts)
      bySlices.set(parts, { result: swept.result, keys: await claimedKeys() })
    }
    const whole = bySlices.get(1)!
    // 4 AR + 1 BR + 1 GY focal points (Chile has none) × 2 assignments, and the 4 escalations to the secretariat.
    expect(whole.result).toEqual({ claimed: 6 * 2 + 4, skipped: 0 })
    expect(new Set(whole.keys).size).toBe(whole.result.claimed)
    for (const parts of [2, 3, 7]) expect(bySlices.get(parts)).toEqual(whole)
    await expect(runReminderSweep({ asOf: parseAsOf('2027-03-12'), parts: 0 })).rejects.toThrow(/needs 0 <= index < of/)
  })

  it('the message is stored when its batch is recorded: a retry resends that payload byte for byte, even if names changed meanwhile', async () => {
    await fresh()
    const w = await createFollowUpWorld(db)
    await w.assign(1, 'AR', '2027-03-15')
    await runReminderSweep({ asOf: parseAsOf('2027-03-12') })
    process.env.EMAIL_MAX_ATTEMPTS = '1'
    standIn.failNext({ status: 500 })
    try {
      expect(await deliverPending()).toMatchObject({ sent: 0, pending: 1 })
    } finally {
      delete process.env.EMAIL_MAX_ATTEMPTS
    }
    const stored = await db.selectFrom('email_log').select(['subject', 'payload', 'batch_id', 'status']).where('workspace_id', '=', w.workspace.id).executeTakeFirstOrThrow()
    expect(stored).toMatchObject({ subject: '[Argentina] 1.1.1.1 vence en 3 días', status: 'pending' })
    expect(stored.batch_id).not.toBeNull()
    expect((stored.payload as { html: string }).html).toContain('Ana AR')

    await db.updateTable('app_user').set({ name: 'Ana Renamed' }).where('id', '=', w.fp.AR.user.id).execute()
    await db.updateTable('plan_node').set({ title: 'Another title' }).where('id', '=', w.task(1)).execute()
    expect(await deliverPending()).toMatchObject({ sent: 1, failed: 0, pending: 0 })
    const [failed, accepted] = batchRequests(standIn)
    expect([failed.status, accepted.status]).toEqual([500, 200])
    expect(accepted.headers['idempotency-key']).toBe(stored.batch_id)
    expect(failed.headers['idempotency-key']).toBe(stored.batch_id)
    expect(accepted.body).toEqual(failed.body)
    expect(standIn.sent).toHaveLength(1)
    expect(String(standIn.sent[0].payload.html)).toContain('Ana AR')
    expect(String(standIn.sent[0].payload.html)).not.toContain('Renamed')
    expect(standIn.sent[0].payload.headers).toMatchObject({ 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' })
  })

  it('a reminder whose assignment was deleted before delivery fails with that reason; the others go', async () => {
    await fresh()
    const w = await createFollowUpWorld(db)
    const gone = await w.assign(1, 'AR', '2027-03-15')
    await w.assign(1, 'BR', '2027-03-15')
    await runReminderSweep({ asOf: parseAsOf('2027-03-12') })
    await db.deleteFrom('assignment').where('id', '=', gone.id).execute()
    expect(await deliverPending()).toMatchObject({ sent: 1, failed: 1 })
    const logs = await db.selectFrom('email_log').select(['recipient', 'status', 'error']).where('workspace_id', '=', w.workspace.id).orderBy('recipient').execute()
    expect(logs.map((l) => [l.recipient.split('.')[1], l.status, l.error])).toEqual([
      ['ar', 'failed', 'The assignment was deleted before the reminder was sent'],
      ['br', 'sent', null],
    ])
  })

  it('a reminder whose assignment was submitted, completed or made not applicable before delivery is not sent: skipped with the reason, shown on the e-mail log', async () => {
    await fresh()
    const w = await createFollowUpWorld(db)
    const submitted = await w.assign(1, 'AR', '2027-03-15')
    const completed = await w.assign(1, 'BR', '2027-03-15')
    const notApplicable = await w.assign(1, 'GY', '2027-03-01') // overdue
    await w.assign(2, 'AR', '2027-03-15')
    expect(await runReminderSweep({ asOf: parseAsOf('2027-03-12') })).toMatchObject({ claimed: 4 })
    for (const [a, status] of [[submitted, 'submitted'], [completed, 'completed'], [notApplicable, 'not_applicable']] as const) {
      await db.updateTable('assignment').set({ status }).where('id', '=', a.id).execute()
    }
    expect(await deliverPending()).toMatchObject({ sent: 1, failed: 0, skipped: 3, pending: 0 })
    expect(standIn.sent.map((m) => m.payload.subject)).toEqual(['[Argentina] 1.1.1.2 vence en 3 días'])
    const logs = await db.selectFrom('email_log').select(['subject_id', 'status', 'error', 'payload', 'batch_id']).where('workspace_id', '=', w.workspace.id).execute()
    const of = (id: string) => logs.find((l) => l.subject_id === id)
    expect(of(submitted.id)).toMatchObject({ status: 'skipped', error: 'Not sent: the assignment was submitted before the reminder went out', payload: null, batch_id: null })
    expect(of(completed.id)).toMatchObject({ status: 'skipped', error: 'Not sent: the assignment was completed before the reminder went out' })
    expect(of(notApplicable.id)).toMatchObject({ status: 'skipped', error: 'Not sent: the assignment was not applicable before the reminder went out' })
    // A later run has nothing left to do, and the secretariat sees why on the e-mail log.
    expect(await deliverPending()).toMatchObject({ sent: 0, failed: 0, skipped: 0 })
    const actor = await loadActor(db, w.secretariat.user.id)
    if (!actor) throw new Error('no actor')
    const page = await listEmailLogPage(actor, { workspaceId: w.workspace.id })
    expect(page.filter((r) => r.status === 'skipped').map((r) => r.error?.split(' was ')[1])).toHaveLength(3)
  })

  it('while a batch is in flight the next ones are already rendered and recorded; each e-mail goes once', async () => {
    await fresh()
    const w = await createFollowUpWorld(db)
    await w.addFocalPoints('AR', 250, 'extra')
    await w.assign(2, 'AR', '2027-04-15')
    expect(await runReminderSweep({ asOf: parseAsOf('2027-04-12') })).toMatchObject({ claimed: 251 })
    const release = standIn.holdNext()
    const run = deliverPending()
    // The first request has no answer yet, and the other two batches are recorded with their messages.
    await vi.waitFor(
      async () => {
        const batches = await db.selectFrom('email_batch').select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow()
        expect(batches.n).toBe(3)
      },
      { timeout: 10_000, interval: 50 },
    )
    expect(batchRequests(standIn).filter((r) => r.status === 200).length).toBeLessThan(3)
    const unrendered = await db.selectFrom('email_log').select('id').where('workspace_id', '=', w.workspace.id).where('payload', 'is', null).execute()
    expect(unrendered).toEqual([])
    release()
    expect(await run).toMatchObject({ sent: 251, failed: 0, pending: 0 })
    expect(batchRequests(standIn).map((r) => (r.body as unknown[]).length).sort()).toEqual([100, 100, 51])
    expect(new Set(standIn.sent.map((s) => s.payload.to)).size).toBe(251)
  })

  it('requests are paced at the rate the provider announces from the first one on: no 429 at its limit', async () => {
    await fresh()
    const limited = await startResendStandIn({ rateLimit: 4 })
    useResend(limited)
    try {
      const w = await createFollowUpWorld(db)
      await w.addFocalPoints('AR', 650, 'extra')
      await w.assign(2, 'AR', '2027-04-15')
      expect(await runReminderSweep({ asOf: parseAsOf('2027-04-12') })).toMatchObject({ claimed: 651 })
      expect(await deliverPending()).toMatchObject({ sent: 651, failed: 0, pending: 0 })
      expect(batchRequests(limited).map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200, 200])
      expect(limited.sent).toHaveLength(651)
    } finally {
      useResend(standIn)
      await limited.close()
    }
  })
})
