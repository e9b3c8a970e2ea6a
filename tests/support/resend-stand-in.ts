import { randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

/**
 * A small local stand-in for the Resend API, reached through
 * RESEND_BASE_URL. It records every request and honours idempotency keys as
 * Resend does: the same key with the same payload answers the first
 * response again without sending anything; the same key with another
 * payload is refused (409). Scripted failures (`failNext`) let tests play
 * 429 with retry-after, 5xx and so on.
 */
export interface RecordedRequest {
  method: string
  path: string
  headers: Record<string, string>
  body: unknown
  /** The answer given. */
  status: number
}

export interface SentEmail {
  id: string
  idempotencyKey: string | null
  payload: Record<string, unknown>
}

export interface ScriptedFailure {
  status: number
  /** Seconds, sent as the retry-after header. */
  retryAfter?: number
  message?: string
}

export interface ResendStandIn {
  url: string
  apiKey: string
  requests: RecordedRequest[]
  /** Messages actually accepted (each once, whatever the retries). */
  sent: SentEmail[]
  /** Answers the next requests with these failures, in order. */
  failNext(...failures: ScriptedFailure[]): void
  /** Holds the next request's answer until the returned function is called. */
  holdNext(): () => void
  reset(): void
  close(): Promise<void>
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`
  }
  return JSON.stringify(value)
}

/**
 * `rateLimit`: requests per second, as Resend counts them (fixed one-second
 * windows from the first request of each; beyond it, 429 with retry-after),
 * with the ratelimit-* headers on every answer.
 */
export async function startResendStandIn(options: { apiKey?: string; rateLimit?: number } = {}): Promise<ResendStandIn> {
  const apiKey = options.apiKey ?? 're_test_stand_in'
  const holds: Promise<void>[] = []
  let windowStart = 0
  let used = 0
  const requests: RecordedRequest[] = []
  const sent: SentEmail[] = []
  const failures: ScriptedFailure[] = []
  /** idempotency key → the payload it was first used with and the answer given. */
  const byKey = new Map<string, { fingerprint: string; status: number; body: unknown }>()

  const server: Server = createServer(async (req, res) => {
    // A request counts against the limit when it arrives, not when its body has been read.
    const arrived = Date.now()
    const raw = await readBody(req)
    const hold = holds.shift()
    if (hold) await hold
    let body: unknown = null
    try {
      body = raw ? JSON.parse(raw) : null
    } catch {
      body = raw
    }
    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : (v ?? '')]))
    const path = (req.url ?? '/').split('?')[0]
    let rate: Record<string, string> = {}
    const answer = (status: number, payload: unknown, extra: Record<string, string> = {}) => {
      requests.push({ method: req.method ?? 'GET', path, headers, body, status })
      res.writeHead(status, { 'content-type': 'application/json', ...rate, ...extra })
      res.end(JSON.stringify(payload))
    }
    if (options.rateLimit) {
      if (arrived - windowStart >= 1000) {
        windowStart = arrived
        used = 0
      }
      const reset = String(Math.max(1, Math.ceil((windowStart + 1000 - arrived) / 1000)))
      if (used >= options.rateLimit) {
        rate = { 'ratelimit-limit': String(options.rateLimit), 'ratelimit-remaining': '0', 'ratelimit-reset': reset }
        return answer(429, { statusCode: 429, name: 'rate_limit_exceeded', message: 'Too many requests' }, { 'retry-after': reset })
      }
      used++
      rate = { 'ratelimit-limit': String(options.rateLimit), 'ratelimit-remaining': String(options.rateLimit - used), 'ratelimit-reset': reset }
    }

    if (headers.authorization !== `Bearer ${apiKey}`) return answer(401, { statusCode: 401, name: 'missing_api_key', message: 'API key is invalid' })
    const failure = failures.shift()
    if (failure) {
      return answer(
        failure.status,
        { statusCode: failure.status, name: failure.status === 429 ? 'rate_limit_exceeded' : 'application_error', message: failure.message ?? `scripted ${failure.status}` },
        failure.retryAfter !== undefined ? { 'retry-after': String(failure.retryAfter) } : {},
      )
    }
    if (req.method !== 'POST' || (path !== '/emails' && path !== '/emails/batch')) {
      return answer(404, { statusCode: 404, name: 'not_found', message: `No route ${req.method} ${path}` })
    }

    const key = headers['idempotency-key'] || null
    const fingerprint = canonical(body)
    if (key) {
      const earlier = byKey.get(key)
      if (earlier) {
        if (earlier.fingerprint !== fingerprint) {
          return answer(409, { statusCode: 409, name: 'invalid_idempotent_request', message: 'Same idempotency key used with a different request payload' })
        }
        return answer(earlier.status, earlier.body)
      }
    }

    const messages = path === '/emails/batch' ? (Array.isArray(body) ? body : []) : [body]
    for (const m of messages) {
      const payload = (m ?? {}) as Record<string, unknown>
      if (!payload.from || !payload.to || !payload.subject) {
        return answer(422, { statusCode: 422, name: 'validation_error', message: 'from, to and subject are required' })
      }
    }
    const ids = messages.map((m) => {
      const id = randomUUID()
      sent.push({ id, idempotencyKey: key, payload: (m ?? {}) as Record<string, unknown> })
      return id
    })
    const result = path === '/emails/batch' ? { data: ids.map((id) => ({ id })) } : { id: ids[0] }
    if (key) byKey.set(key, { fingerprint, status: 200, body: result })
    return answer(200, result)
  })

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    apiKey,
    requests,
    sent,
    failNext: (...f) => failures.push(...f),
    holdNext() {
      let release = () => {}
      holds.push(new Promise<void>((resolve) => (release = resolve)))
      return () => release()
    },
    reset() {
      requests.length = 0
      sent.length = 0
      failures.length = 0
      holds.length = 0
      byKey.clear()
    },
    close: () => new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  }
}
