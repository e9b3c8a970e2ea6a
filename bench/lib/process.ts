import { spawn, type ChildProcess } from 'node:child_process'
import { createWriteStream, readFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { WORKER_NODE_FLAGS } from '#jobs/node-flags.ts'
import { WEB_NODE_FLAGS } from '#server/node-flags.ts'

/** A free TCP port on loopback (listen on 0, read it, close). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

/** Peak resident set size (VmHWM) of a process in bytes, or null once it has gone. */
export function peakRss(pid: number): number | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8')
    const match = /^VmHWM:\s+(\d+)\s+kB/m.exec(status)
    return match ? Number(match[1]) * 1024 : null
  } catch {
    return null
  }
}

export interface NodeChild {
  name: string
  child: ChildProcess
  /** Highest VmHWM seen so far (polled every 250 ms while it runs). */
  peakRssBytes: () => number
  stop: () => Promise<void>
}

/**
 * Runs `node --import tsx <script>` with output to a log file; polls its peak RSS.
 * The worker and the job runners get the worker's node flags (as `npm start` gives them);
 * BENCH_WORKER_NODE_ARGS adds more to the worker (e.g. `--cpu-prof --cpu-prof-dir=bench/out/prof`); the
 * measured web process gets the web's flags, and BENCH_WEB_NODE_ARGS adds more to it.
 */
export function startNode(name: string, script: string, env: Record<string, string>, logFile: string): NodeChild {
  const log = createWriteStream(logFile)
  const flags = (variable: string) => (process.env[variable] ?? '').split(/\s+/).filter(Boolean)
  const extra =
    name === 'worker'
      ? [...WORKER_NODE_FLAGS, ...flags('BENCH_WORKER_NODE_ARGS')]
      : name.endsWith(' runner')
        ? WORKER_NODE_FLAGS
        : name === 'web'
          ? [...WEB_NODE_FLAGS, ...flags('BENCH_WEB_NODE_ARGS')]
          : []
  const child = spawn(process.execPath, [...extra, '--import', 'tsx', script], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  child.stdout?.pipe(log)
  child.stderr?.pipe(log)
  let peak = 0
  const poll = setInterval(() => {
    if (child.pid) peak = Math.max(peak, peakRss(child.pid) ?? 0)
  }, 250)
  poll.unref()
  return {
    name,
    child,
    peakRssBytes: () => {
      if (child.pid && child.exitCode === null) peak = Math.max(peak, peakRss(child.pid) ?? 0)
      return peak
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.pid && child.exitCode === null) peak = Math.max(peak, peakRss(child.pid) ?? 0)
        clearInterval(poll)
        if (child.exitCode !== null || child.signalCode !== null) return resolve()
        const force = setTimeout(() => child.kill('SIGKILL'), 10_000)
        child.once('exit', () => {
          clearTimeout(force)
          resolve()
        })
        child.kill('SIGTERM')
      }),
  }
}

/** Waits until `url` answers 2xx, or throws naming the process and its log. */
export async function waitForHttp(url: string, timeoutMs: number, what: NodeChild, logFile: string): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (what.child.exitCode !== null) throw new Error(`${what.name} exited (code ${what.child.exitCode}); see ${logFile}`)
    try {
      const res = await fetch(url)
      if (res.ok) return
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200))
  }
  throw new Error(`${what.name} did not answer ${url} within ${timeoutMs / 1000} s; see ${logFile}`)
}
