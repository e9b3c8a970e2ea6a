import { UnrecoverableError } from 'bullmq'
import { describe, expect, it } from 'vitest'
import { enqueue, runJob } from '#jobs/registry.ts'
import { schedules } from '#jobs/schedules.ts'

describe('job registry', () => {
  it('a bad payload fails at once, for good (UnrecoverableError: BullMQ does not retry it), naming the field', async () => {
    await expect(runJob('reminders.sweep', { asOf: 'yesterday' })).rejects.toThrow(UnrecoverableError)
    await expect(runJob('reminders.sweep', { asOf: 'yesterday' })).rejects.toThrow(/asOf: must be an ISO 8601 instant/)
    await expect(runJob('notify.event', { outboxId: 42 })).rejects.toThrow(/outboxId/)
    await expect(runJob('reminders.sweep', { extra: true })).rejects.toThrow(/Unrecognized key/)
    await expect(runJob('no.such-job', {})).rejects.toThrow(/Unknown job "no.such-job"/)
  })

  it('enqueue checks the payload before anything reaches Redis', async () => {
    await expect(enqueue('notify.event', { outboxId: 'not-a-uuid' })).rejects.toThrow(/outboxId/)
  })

  it('the schedulers: reminders and digests hourly, the outbox relay every few seconds', () => {
    const byJob = Object.fromEntries(schedules().map((s) => [s.job, s.repeat]))
    expect(byJob['reminders.sweep']).toEqual({ pattern: '0 5 * * * *', tz: 'UTC' })
    expect(byJob['digests.sweep']).toEqual({ pattern: '0 1 * * * *', tz: 'UTC' })
    expect(byJob['outbox.relay']).toEqual({ every: 3000 })
  })
})
