import type { CreateBatchOptions } from 'resend'
import { resendClient } from '../transport.ts'
import { deliveryConfig } from './config.ts'

export interface BatchMessage {
  from: string
  to: string
  subject: string
  html: string
  text: string
  headers?: Record<string, string>
}

export type BatchOutcome =
  | { ok: true; results: ({ id: string } | { error: string })[] }
  /** Refused for good (a 4xx other than 429): every member fails with this reason. */
  | { ok: false; permanent: true; error: string }
  /** Still failing after every retry (429/5xx/network): the batch stays pending for a later run. */
  | { ok: false; permanent: false; error: string }

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

let nextAllowedAt = 0

/**
 * Sends one recorded batch through Resend's batch endpoint with permissive
 * validation (one bad address fails alone). The batch id is the
 * Idempotency-Key and the payload is byte-for-byte the recorded one, as
 * Resend requires for a retry. Honours the rate-limit headers: waits
 * `retry-after` on 429, backs off on 5xx and network failures.
 */
export async function sendResendBatch(batchId: string, messages: BatchMessage[]): Promise<BatchOutcome> {
  const { EMAIL_BACKOFF_MS, EMAIL_MAX_ATTEMPTS } = deliveryConfig()
  const payload: CreateBatchOptions = messages.map((m) => ({ from: m.from, to: m.to, subject: m.subject, html: m.html, text: m.text, headers: m.headers }))
  let lastError = 'no attempt'
  for (let attempt = 1; attempt <= EMAIL_MAX_ATTEMPTS; attempt++) {
    const wait = nextAllowedAt - Date.now()
    if (wait > 0) await sleep(wait)
    const { data, error, headers } = await resendClient().batch.send(payload, { idempotencyKey: batchId, batchValidation: 'permissive' })
    // Rate-limit headers: when the window is used up, wait for its reset before the next call.
    const remaining = Number(headers?.['ratelimit-remaining'])
    const reset = Number(headers?.['ratelimit-reset'])
    if (headers && Number.isFinite(remaining) && remaining <= 0 && Number.isFinite(reset)) nextAllowedAt = Date.now() + reset * 1000
    if (!error && data) {
      const failed = new Map((('errors' in data ? data.errors : undefined) ?? []).map((e) => [e.index, e.message]))
      const ids = [...data.data]
      return { ok: true, results: messages.map((_, i) => (failed.has(i) ? { error: failed.get(i) ?? 'refused' } : { id: ids.shift()?.id ?? '' })) }
    }
    const status = typeof error?.statusCode === 'number' ? error.statusCode : null
    lastError = `Resend${status ? ` HTTP ${status}` : ''}: ${error?.message ?? 'no answer'}`
    if (status !== null && status !== 429 && status < 500) return { ok: false, permanent: true, error: lastError }
    if (attempt === EMAIL_MAX_ATTEMPTS) break
    const retryAfter = Number(headers?.['retry-after'])
    if (status === 429 && Number.isFinite(retryAfter)) await sleep(retryAfter * 1000)
    else await sleep(EMAIL_BACKOFF_MS * 2 ** (attempt - 1))
  }
  return { ok: false, permanent: false, error: lastError }
}
