import type { CreateBatchOptions } from 'resend'
import { resendClient } from '../transport.ts'
import { deliveryConfig } from './config.ts'
import { resendPacer } from './send-pacer.ts'

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

/**
 * Paces requests to Resend at its rate limit from the first request on,
 * rather than sending until `ratelimit-remaining` reaches 0 and then
 * sleeping whole `ratelimit-reset` seconds (which wastes most of a window).
 * Resend's limit is per team and per second, counted in fixed one-second
 * windows; its `ratelimit-limit` header gives the rate in force. Request
 * starts are spaced (1000 + JITTER_MS) / rate apart across the whole
 * deployment (send-pacer.ts: one Redis key for every worker), so that any
 * rate + 1 starts span at least a second and JITTER_MS more: a request that
 * reaches the provider late (a loaded event loop, a slow network) and the
 * next ones on time still never make rate + 1 in one window. That spends
 * 50 ms of each second, 95 % of the limit at Resend's 10 per second. A 429
 * pauses every sender for its `retry-after`.
 */
const JITTER_MS = 50
let ratePerSecond: number | undefined

function interval() {
  return (1000 + JITTER_MS) / (ratePerSecond ?? deliveryConfig().EMAIL_RATE_PER_SECOND)
}

function learnRate(headers: Record<string, string> | null | undefined) {
  const limit = Number(headers?.['ratelimit-limit'])
  if (Number.isFinite(limit) && limit > 0) ratePerSecond = limit
}

/** Header names in the order jsonb keeps object keys (shorter first, then bytewise): a message read back from email_log serialises the same. */
function orderedHeaders(headers: Record<string, string> | undefined) {
  if (!headers) return undefined
  return Object.fromEntries(Object.entries(headers).sort(([a], [b]) => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0)))
}

/**
 * Sends one recorded batch through Resend's batch endpoint with permissive
 * validation (one bad address fails alone). The batch id is the
 * Idempotency-Key and the payload is byte-for-byte the recorded one, as
 * Resend requires for a retry (the same fields in the same order, whether
 * the message comes from memory or back from email_log). Paced at the rate
 * limit; waits `retry-after` on 429, backs off on 5xx and network failures.
 */
export async function sendResendBatch(batchId: string, messages: BatchMessage[]): Promise<BatchOutcome> {
  const { EMAIL_BACKOFF_MS, EMAIL_MAX_ATTEMPTS } = deliveryConfig()
  const payload: CreateBatchOptions = messages.map((m) => ({ from: m.from, to: m.to, subject: m.subject, html: m.html, text: m.text, headers: orderedHeaders(m.headers) }))
  let lastError = 'no attempt'
  for (let attempt = 1; attempt <= EMAIL_MAX_ATTEMPTS; attempt++) {
    await resendPacer().take(interval())
    const { data, error, headers } = await resendClient().batch.send(payload, { idempotencyKey: batchId, batchValidation: 'permissive' })
    learnRate(headers)
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
    if (status === 429 && Number.isFinite(retryAfter)) await resendPacer().pause(retryAfter * 1000)
    else await sleep(EMAIL_BACKOFF_MS * 2 ** (attempt - 1))
  }
  return { ok: false, permanent: false, error: lastError }
}
