import { randomUUID } from 'node:crypto'
import { createServer } from 'node:http'

/**
 * A local stand-in for Resend's batch endpoint with Resend's limits:
 * 10 requests per second (fixed one-second windows, 429 with retry-after and
 * ratelimit-* headers beyond that), at most 100 e-mails per batch, the same
 * answer to a repeated Idempotency-Key. GET /stats gives the counts and the
 * time of the first request and of the last accepted one.
 *
 * Environment: PORT.
 */
const LIMIT = 10
const MAX_BATCH = 100
let windowStart = 0
let used = 0
const stats = { requests: 0, accepted: 0, rejected429: 0, invalid: 0, emails: 0, duplicates: 0, firstAt: 0, lastAcceptedAt: 0 }
const seen = new Map<string, string>()

function send(res: import('node:http').ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  const text = JSON.stringify(body)
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)), ...headers }).end(text)
}

const server = createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/stats') return send(res, 200, stats)
  if (req.method === 'POST' && req.url === '/stats/reset') {
    Object.assign(stats, { requests: 0, accepted: 0, rejected429: 0, invalid: 0, emails: 0, duplicates: 0, firstAt: 0, lastAcceptedAt: 0 })
    return send(res, 200, stats)
  }
  const chunks: Buffer[] = []
  req.on('data', (c: Buffer) => chunks.push(c))
  req.on('end', () => {
    const now = Date.now()
    stats.requests++
    stats.firstAt ||= now
    if (req.method !== 'POST' || req.url !== '/emails/batch') return send(res, 404, { statusCode: 404, name: 'not_found', message: 'Only POST /emails/batch here' })
    if (now - windowStart >= 1000) {
      windowStart = now
      used = 0
    }
    const reset = Math.max(1, Math.ceil((windowStart + 1000 - now) / 1000))
    if (used >= LIMIT) {
      stats.rejected429++
      return send(res, 429, { statusCode: 429, name: 'rate_limit_exceeded', message: 'Too many requests. You can only make 10 requests per second.' }, {
        'retry-after': String(reset),
        'ratelimit-limit': String(LIMIT),
        'ratelimit-remaining': '0',
        'ratelimit-reset': String(reset),
      })
    }
    used++
    const rate = { 'ratelimit-limit': String(LIMIT), 'ratelimit-remaining': String(LIMIT - used), 'ratelimit-reset': String(reset) }
    let emails: unknown
    try {
      emails = JSON.parse(Buffer.concat(chunks).toString('utf8'))
    } catch {
      stats.invalid++
      return send(res, 422, { statusCode: 422, name: 'validation_error', message: 'Body is not JSON' }, rate)
    }
    if (!Array.isArray(emails) || emails.length === 0 || emails.length > MAX_BATCH) {
      stats.invalid++
      return send(res, 422, { statusCode: 422, name: 'validation_error', message: `A batch holds 1 to ${MAX_BATCH} e-mails` }, rate)
    }
    const key = req.headers['idempotency-key']
    if (typeof key === 'string' && seen.has(key)) {
      stats.duplicates++
      return send(res, 200, JSON.parse(seen.get(key) as string), rate)
    }
    const body = { data: emails.map(() => ({ id: randomUUID() })), errors: [] }
    if (typeof key === 'string') seen.set(key, JSON.stringify(body))
    stats.accepted++
    stats.emails += emails.length
    stats.lastAcceptedAt = Date.now()
    return send(res, 200, body, rate)
  })
})
server.listen(Number(process.env.PORT), '127.0.0.1', () => console.log(`resend stand-in on ${process.env.PORT}`))
process.on('SIGTERM', () => {
  server.close()
  server.closeAllConnections()
  process.exit(0)
})
