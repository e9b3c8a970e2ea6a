/**
 * Node flags of the worker process (scripts/start.ts, and the benchmark's
 * worker and job runners, which run the same jobs). A deployment setting:
 * delivery makes a few large short-lived strings per batch of 100 (the
 * rendered messages, the JSON recorded with the batch and the request sent to
 * Resend, ~1 MB each), and with its default limit V8 lets such garbage grow
 * the heap to about four times what is live (~50 MB live, mostly module code:
 * ~230 MB heap and ~400 MB RSS while delivering the full benchmark's 85,000
 * e-mails). Capped at 256 MB, it collects sooner (heap under ~130 MB, RSS
 * ~240 MB) at the same delivery rate; the digest sweep fits under it too.
 */
export const WORKER_NODE_FLAGS = ['--max-old-space-size=256']
