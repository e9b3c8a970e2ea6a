import autocannon from 'autocannon'

export interface LoadRequest {
  path: string
  method?: 'GET' | 'POST'
  headers?: Record<string, string>
  body?: string
}

export interface LoadResult {
  seconds: number
  connections: number
  requests: number
  rps: number
  p50: number
  p95: number
  p99: number
  max: number
  non2xx: number
  errors: number
  timeouts: number
  /** Mean bytes per response as received, headers included (compressed when the request asked for it). */
  bytesPerResponse: number
  /** Share of sampled active PostgreSQL backends per wait event during the run (filled in by run.ts). */
  dbWaits?: Record<string, number>
}

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  return sorted[index]
}

/**
 * Drives `origin` with autocannon for `seconds` at `connections`. `next`
 * gives every request its path, headers and body (so writes can each go to
 * their own row). Latencies are kept per response, so p95 is exact.
 */
export function runLoad(origin: string, next: () => LoadRequest, opts: { seconds: number; connections: number }): Promise<LoadResult> {
  const latencies: number[] = []
  return new Promise((resolve, reject) => {
    const first = next()
    const instance = autocannon(
      {
        url: origin,
        connections: opts.connections,
        duration: opts.seconds,
        // A slow server must show up as latency, not as dropped requests.
        timeout: 30,
        requests: [
          {
            method: first.method ?? 'GET',
            path: first.path,
            setupRequest: (request) => {
              const r = next()
              return {
                ...request,
                method: r.method ?? 'GET',
                path: r.path,
                headers: { ...(r.headers ?? {}), ...(r.body ? { 'content-type': 'application/json' } : {}) },
                body: r.body,
              }
            },
          },
        ],
      },
      (error, result) => {
        if (error) return reject(error)
        latencies.sort((a, b) => a - b)
        const ok = result['2xx'] ?? 0
        resolve({
          seconds: opts.seconds,
          connections: opts.connections,
          requests: result.requests.total,
          rps: ok / opts.seconds,
          p50: percentile(latencies, 50),
          p95: percentile(latencies, 95),
          p99: percentile(latencies, 99),
          max: latencies[latencies.length - 1] ?? NaN,
          non2xx: result.non2xx,
          errors: result.errors,
          timeouts: result.timeouts,
          bytesPerResponse: result.requests.total ? result.throughput.total / result.requests.total : 0,
        })
      },
    )
    instance.on('response', (_client, _status, _bytes, responseTime) => latencies.push(responseTime))
  })
}
