import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { ensureBuild } from '#tests/setup/build.ts'
import { benchDatabaseName, benchDatabaseUrl, benchQueuePrefix, buildBenchData, FULL_SCALE, QUICK_SCALE, type BenchData } from './data.ts'
import { measureFrontEnd, type FrontEndResult } from './frontend.ts'
import { runJobsPhase, type JobsResult } from './jobs.ts'
import { runLoad, type LoadRequest, type LoadResult } from './lib/load.ts'
import { freePort, startNode, waitForHttp } from './lib/process.ts'
import { evaluateBudgets, renderMarkdown, type Results, type ScenarioResult } from './report.ts'

/**
 * `npm run bench [-- --quick]`: builds ruta_bench, starts the production
 * build against it, loads it with autocannon, measures the same SQL on a
 * bare node:http + pg server, times the jobs, measures the front end, and
 * writes bench/results.json and bench/results.md. Never fails on a budget:
 * the verdicts are for people to read.
 */
const quick = process.argv.includes('--quick')
/**
 * `--only=load,frontend,jobs`: the phases to run (all by default). A partial
 * run, or one on another BENCH_DATABASE_NAME, writes bench/out/results-<name>.*
 * so the canonical bench/results.* always come from a whole run.
 */
const PHASES = ['load', 'frontend', 'jobs'] as const
const onlyArg = process.argv.find((a) => a.startsWith('--only='))
const only = new Set(onlyArg ? onlyArg.slice('--only='.length).split(',') : PHASES)
for (const phase of only) if (!(PHASES as readonly string[]).includes(phase)) throw new Error(`--only takes ${PHASES.join(', ')}; "${phase}" is none of them`)
/** `--scenarios=get,update`: only these load scenarios (by name). */
const scenariosArg = process.argv.find((a) => a.startsWith('--scenarios='))
const pickedScenarios = scenariosArg ? new Set(scenariosArg.slice('--scenarios='.length).split(',')) : null
const partial = Boolean(onlyArg) || Boolean(scenariosArg) || benchDatabaseName() !== 'ruta_bench'
const SECONDS = quick ? 3 : 10
// Full mode warms each run up under load for a second; quick mode (to stay
// under three minutes) only sends a few requests of each kind beforehand.
const WARMUP = quick ? 0 : 1
const CONNECTIONS = 32
const OUT = path.resolve('bench/out')
mkdirSync(OUT, { recursive: true })
const started = Date.now()
const log = (line: string) => console.log(`[${((Date.now() - started) / 1000).toFixed(0).padStart(3)} s] ${line}`)

// 1. Data
log(`building ${benchDatabaseName()} (${quick ? 'quick' : 'full'} scale)…`)
const data: BenchData = await buildBenchData(quick ? QUICK_SCALE : FULL_SCALE, log)
log(`data built in ${data.seconds.toFixed(1)} s`)

// 2. The production build
const runNotes: string[] = []
const buildBefore = existsSync('build/index.js') ? statSync('build/index.js').mtimeMs : 0
try {
  ensureBuild()
  if ((existsSync('build/index.js') ? statSync('build/index.js').mtimeMs : 0) !== buildBefore) log('rebuilt the Remix app')
} catch (error) {
  // The working tree may be mid-change; an older build still measures the server.
  if (!buildBefore) throw error
  const note = `the Remix build failed (${(error as Error).message}); measured the existing build of ${new Date(buildBefore).toISOString().slice(0, 16)} UTC`
  runNotes.push(note)
  log(note)
}

// Sessions and fixtures are made in this process with the app's own modules.
const webPort = await freePort()
const appUrl = `http://127.0.0.1:${webPort}`
process.env.DATABASE_URL = benchDatabaseUrl()
process.env.APP_URL = appUrl
process.env.QUEUE_PREFIX = benchQueuePrefix()
process.env.LOG_LEVEL = 'warn'
const { createSession, sessionCookieName } = await import('#server/auth/session.ts')
const { closeDb } = await import('#server/db.ts')

const pool = new pg.Pool({ connectionString: benchDatabaseUrl(), max: 2 })
const largest = data.largest
const secretariat = data.members.find((m) => m.workspaceId === largest.id && m.role === 'secretariat')
const focalPoints = new Map<string, string>()
for (const m of data.members) if (m.workspaceId === largest.id && m.role === 'focal_point' && m.countryCode && !focalPoints.has(m.countryCode)) focalPoints.set(m.countryCode, m.userId)
if (!secretariat || !focalPoints.has('AR')) throw new Error('the data set has no secretariat or AR focal point')

async function cookieFor(userId: string): Promise<string> {
  const { token } = await createSession(userId, { userAgent: 'ruta-bench' })
  return `${sessionCookieName()}=${token}`
}
const secretariatCookie = await cookieFor(secretariat.userId)
const cookieByCountry = new Map<string, string>()
for (const [code, userId] of focalPoints) cookieByCountry.set(code, await cookieFor(userId))
const focalCookie = cookieByCountry.get('AR') as string

// The assignment read by assignment.get and the assignment page: one of AR's with history, a comment and evidence.
const sample = await pool.query<{ id: string }>(
  `SELECT a.id FROM assignment a JOIN country c ON c.id = a.country_id
   WHERE a.workspace_id = $1 AND c.code = 'AR' AND EXISTS (SELECT 1 FROM comment WHERE assignment_id = a.id)
     AND EXISTS (SELECT 1 FROM evidence WHERE assignment_id = a.id)
   ORDER BY a.id LIMIT 1`,
  [largest.id],
)
const sampleId =
  sample.rows[0]?.id ??
  (await pool.query<{ id: string }>(`SELECT a.id FROM assignment a JOIN country c ON c.id = a.country_id WHERE a.workspace_id = $1 AND c.code = 'AR' ORDER BY a.id LIMIT 1`, [largest.id]))
    .rows[0].id

// Writes: every focal point updates open assignments of their own country, each request its own row.
const writable = await pool.query<{ id: string; version: number; code: string }>(
  `SELECT a.id, a.version, trim(c.code) AS code FROM assignment a JOIN country c ON c.id = a.country_id
   WHERE a.workspace_id = $1 AND a.status NOT IN ('completed') ORDER BY md5(a.id::text)`,
  [largest.id],
)

const trpcGet = (proc: string, input: unknown) => `/api/trpc/${proc}?input=${encodeURIComponent(JSON.stringify(input))}`

/**
 * Waits until PostgreSQL has no active statement of ruta_bench (twice in a
 * row): requests queued in a server's pool when a load run ends must not
 * spill into the next measurement.
 */
async function drain(limitMs = 120_000): Promise<void> {
  const deadline = Date.now() + limitMs
  let quiet = 0
  while (Date.now() < deadline && quiet < 2) {
    const { rows } = await pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND state <> 'idle' AND pid <> pg_backend_pid()`,
    )
    quiet = rows[0].n === 0 ? quiet + 1 : 0
    await new Promise((r) => setTimeout(r, 200))
  }
}

interface Scenario {
  name: string
  label: string
  kind: 'read' | 'page' | 'write'
  who: string
  next: () => LoadRequest
}

/** Pages are asked for as a browser asks: compressed (the server's gzip is part of serving a page). */
const BROWSER = { 'accept-encoding': 'gzip, deflate, br', accept: 'text/html' }

function fixed(request: LoadRequest): () => LoadRequest {
  return () => request
}

function updates(origin: string, startAt = 0): () => LoadRequest {
  // Round k of the list writes version + k: each row is written again only
  // after every other row, so requests never conflict.
  let i = startAt
  return () => {
    const n = writable.rows.length
    const row = writable.rows[i % n]
    const round = Math.floor(i / n)
    i++
    return {
      method: 'POST',
      path: '/api/trpc/assignment.update',
      headers: { cookie: cookieByCountry.get(row.code) ?? focalCookie, origin },
      body: JSON.stringify({ assignmentId: row.id, version: row.version + round, progressNote: `Avance informado por el punto focal (${i}).` }),
    }
  }
}

/** `writeStartAt`: where in the list of writable rows the updates begin (capture uses the last rows, the load the first). */
function scenarios(origin: string, writeStartAt = 0): Scenario[] {
  const ws = largest.id
  const slug = largest.slug
  const all: Scenario[] = [
    {
      name: 'list-secretariat',
      label: 'assignment.list (secretariat, open statuses, 50)',
      kind: 'read',
      who: 'secretariat',
      next: fixed({ path: trpcGet('assignment.list', { workspaceId: ws, status: ['not_started', 'in_progress', 'blocked'], limit: 50 }), headers: { cookie: secretariatCookie } }),
    },
    {
      name: 'list-focal',
      label: 'assignment.list (focal point, own country, 50)',
      kind: 'read',
      who: 'focal point AR',
      next: fixed({ path: trpcGet('assignment.list', { workspaceId: ws, countryCode: 'AR', limit: 50 }), headers: { cookie: focalCookie } }),
    },
    { name: 'get', label: 'assignment.get', kind: 'read', who: 'focal point AR', next: fixed({ path: trpcGet('assignment.get', { assignmentId: sampleId }), headers: { cookie: focalCookie } }) },
    { name: 'tree', label: 'plan.tree', kind: 'read', who: 'secretariat', next: fixed({ path: trpcGet('plan.tree', { workspaceId: ws }), headers: { cookie: secretariatCookie } }) },
    { name: 'page-my-country', label: `page /w/${slug} (my country)`, kind: 'page', who: 'focal point AR', next: fixed({ path: `/w/${slug}`, headers: { cookie: focalCookie, ...BROWSER } }) },
    { name: 'page-board', label: `page /w/${slug}/board`, kind: 'page', who: 'secretariat', next: fixed({ path: `/w/${slug}/board`, headers: { cookie: secretariatCookie, ...BROWSER } }) },
    { name: 'page-plan', label: `page /w/${slug}/plan`, kind: 'page', who: 'focal point AR', next: fixed({ path: `/w/${slug}/plan`, headers: { cookie: focalCookie, ...BROWSER } }) },
    { name: 'update', label: 'assignment.update (distinct rows)', kind: 'write', who: '12 focal points', next: updates(origin, writeStartAt) },
  ]
  if (pickedScenarios) for (const name of pickedScenarios) if (!all.some((s) => s.name === name)) throw new Error(`--scenarios: no scenario "${name}" (${all.map((s) => s.name).join(', ')})`)
  return pickedScenarios ? all.filter((s) => pickedScenarios.has(s.name)) : all
}

async function send(origin: string, request: LoadRequest): Promise<{ status: number; body: string }> {
  const res = await fetch(origin + request.path, {
    method: request.method ?? 'GET',
    headers: { ...(request.headers ?? {}), ...(request.body ? { 'content-type': 'application/json' } : {}) },
    body: request.body,
    redirect: 'manual',
  })
  return { status: res.status, body: await res.text() }
}

function webEnv(port: number, extra: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: 'production',
    PORT: String(port),
    APP_URL: `http://127.0.0.1:${port}`,
    DATABASE_URL: benchDatabaseUrl(),
    QUEUE_PREFIX: benchQueuePrefix(),
    LOG_LEVEL: 'warn',
    ...extra,
  }
}

// 3. Capture: one web process with the query log on; each request sent alone, twice (the second is kept).
const capturePort = await freePort()
const captureOrigin = `http://127.0.0.1:${capturePort}`
const captureFile = path.join(OUT, 'captured-sql.jsonl')
writeFileSync(captureFile, '')
const captureLog = path.join(OUT, 'web-capture.log')
const captureWeb = startNode('web (capture)', 'server/main.ts', webEnv(capturePort, { BENCH_CAPTURE_SQL: captureFile }), captureLog)
await waitForHttp(`${captureOrigin}/healthz`, 60_000, captureWeb, captureLog)
log('capturing the SQL of each request…')
interface Captured {
  status: number
  error?: string
  statements: { sql: string; parameters: unknown[] }[]
}
const captured = new Map<string, Captured>()
for (const s of only.has('load') ? scenarios(captureOrigin, writable.rows.length - 2) : []) {
  const request = s.next()
  await send(captureOrigin, s.kind === 'write' ? s.next() : request)
  const offset = readFileSync(captureFile).length
  const res = await send(captureOrigin, request)
  const lines = readFileSync(captureFile).subarray(offset).toString('utf8').split('\n').filter(Boolean)
  const statements = lines.map((l) => JSON.parse(l) as { sql: string; parameters: unknown[] })
  const ok = res.status >= 200 && res.status < 300
  captured.set(s.name, { status: res.status, error: ok ? undefined : res.body.slice(0, 300), statements })
  log(`  ${s.name}: HTTP ${res.status}, ${statements.length} statements`)
}
await captureWeb.stop()
// The capture wrote the last two writable rows once each.
for (const row of writable.rows.slice(-2)) row.version++

// 4. Load: the app (production build) and, right after each read, the limit —
// the same statements on a bare node:http + pg server — so that both see the
// same background load of the machine.
const web = startNode('web', 'server/main.ts', webEnv(webPort), path.join(OUT, 'web.log'))
await waitForHttp(`${appUrl}/healthz`, 60_000, web, path.join(OUT, 'web.log'))
const bareScenarios: Record<string, { sql: string; parameters: unknown[] }[]> = {}
for (const [name, c] of captured) if (c.status >= 200 && c.status < 300) bareScenarios[name] = c.statements
const bareFile = path.join(OUT, 'bare-scenarios.json')
writeFileSync(bareFile, JSON.stringify(bareScenarios))
const barePort = await freePort()
const bareOrigin = `http://127.0.0.1:${barePort}`
const bareLog = path.join(OUT, 'bare.log')
const bare = startNode('bare server', 'bench/bare-server.ts', { DATABASE_URL: benchDatabaseUrl(), PORT: String(barePort), BENCH_BARE_SCENARIOS: bareFile }, bareLog)
await waitForHttp(`${bareOrigin}/healthz`, 30_000, bare, bareLog)

const loadAverages: number[] = []
/**
 * What ruta_bench's backends wait on during a load run, sampled every 100 ms
 * (active backends only; no wait event = on CPU): the share of samples per
 * wait event, the five largest.
 */
function sampleWaits(): () => Promise<Record<string, number>> {
  const counts = new Map<string, number>()
  let total = 0
  let running = true
  const loop = (async () => {
    while (running) {
      const { rows } = await pool.query<{ w: string; n: number }>(
        `SELECT coalesce(wait_event_type || ':' || wait_event, 'CPU') AS w, count(*)::int AS n FROM pg_stat_activity
         WHERE datname = current_database() AND state = 'active' AND pid <> pg_backend_pid() GROUP BY 1`,
      )
      for (const r of rows) {
        counts.set(r.w, (counts.get(r.w) ?? 0) + r.n)
        total += r.n
      }
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  })()
  return async () => {
    running = false
    await loop
    const top = [...counts].sort((a, b) => b[1] - a[1]).slice(0, 5)
    return Object.fromEntries(top.map(([w, n]) => [w, Math.round((1000 * n) / Math.max(1, total)) / 1000]))
  }
}

async function measure(origin: string, next: () => LoadRequest, warm: boolean): Promise<LoadResult> {
  if (warm && WARMUP > 0) {
    await runLoad(origin, next, { seconds: WARMUP, connections: CONNECTIONS })
    await drain()
  }
  loadAverages.push(os.loadavg()[0])
  const stopSampling = sampleWaits()
  const result = await runLoad(origin, next, { seconds: SECONDS, connections: CONNECTIONS })
  result.dbWaits = await stopSampling()
  await drain()
  return result
}

if (!WARMUP) {
  // V8 compiles the hot paths in the first requests: a few of each read, on both servers, first.
  for (const s of only.has('load') ? scenarios(appUrl) : []) {
    const c = captured.get(s.name) as Captured
    if (s.kind === 'write' || c.status < 200 || c.status >= 300) continue
    for (let i = 0; i < 10; i++) {
      await send(appUrl, s.next())
      await send(bareOrigin, { path: `/${s.name}` })
    }
  }
}

const results: ScenarioResult[] = []
for (const s of only.has('load') ? scenarios(appUrl) : []) {
  const c = captured.get(s.name) as Captured
  const base: ScenarioResult = { name: s.name, label: s.label, kind: s.kind, who: s.who, statements: c.statements.length, app: null, limit: null, ratio: null, note: null }
  if (c.status === 404) {
    results.push({ ...base, note: `not measured: ${s.label} answers 404 (not built yet)` })
    log(`  ${s.name}: skipped (404, not built yet)`)
    continue
  }
  if (c.status < 200 || c.status >= 300) {
    results.push({ ...base, note: `not measured: HTTP ${c.status} ${c.error ?? ''}`.trim() })
    log(`  ${s.name}: skipped (HTTP ${c.status})`)
    continue
  }
  const app = await measure(appUrl, s.next, s.kind !== 'write')
  const r: ScenarioResult = { ...base, app }
  results.push(r)
  log(`  app  ${s.name}: ${app.rps.toFixed(0)} req/s, p50 ${app.p50.toFixed(1)} ms, p95 ${app.p95.toFixed(1)} ms, p99 ${app.p99.toFixed(1)} ms${app.non2xx ? `, ${app.non2xx} non-2xx` : ''}`)
  if (s.kind === 'write') continue
  const limit = await measure(bareOrigin, fixed({ path: `/${s.name}` }), true)
  r.limit = limit
  r.ratio = limit.rps > 0 ? app.rps / limit.rps : null
  log(`  bare ${s.name}: ${limit.rps.toFixed(0)} req/s, p99 ${limit.p99.toFixed(1)} ms → ratio ${r.ratio?.toFixed(2)}`)
}
await bare.stop()

// 6. Front end: JavaScript per page and LCP, against the running web server.
let frontEnd: FrontEndResult = { pages: [], error: 'not run (--only)' }
if (only.has('frontend')) try {
  frontEnd = await measureFrontEnd(appUrl, [
    { name: 'board', path: `/w/${largest.slug}/board`, fallbackPath: `/w/${largest.slug}`, cookie: secretariatCookie },
    { name: 'assignment', path: `/w/${largest.slug}/assignments/${sampleId}`, cookie: focalCookie },
  ])
} catch (error) {
  frontEnd = { pages: [], error: (error as Error).message }
}
for (const p of frontEnd.pages) log(`  front end ${p.name}: ${p.note ?? `${(p.jsGzipBytes / 1024).toFixed(1)} kB gzip JS, LCP ${p.lcpMs?.toFixed(0)} ms`}`)

// 7. Jobs at this size, with the worker running against a Resend stand-in.
let jobs: JobsResult = { notes: ['not run (--only)'] }
if (only.has('jobs')) try {
  jobs = await runJobsPhase({ databaseUrl: benchDatabaseUrl(), appUrl, outDir: OUT, users: data.members.length, quick, log })
} catch (error) {
  jobs = { notes: [`jobs phase failed: ${(error as Error).message}`] }
}

const webPeak = web.peakRssBytes()
await web.stop()
await pool.end()
await closeDb()

// 8. Results
const machine = {
  cpus: os.cpus().length,
  cpuModel: os.cpus()[0]?.model ?? 'unknown',
  memoryGb: Math.round(os.totalmem() / 1024 ** 3),
  node: process.version,
}
const pgVersion = await (async () => {
  const client = new pg.Client({ connectionString: benchDatabaseUrl() })
  await client.connect()
  try {
    return (await client.query<{ server_version: string }>('SHOW server_version')).rows[0].server_version
  } finally {
    await client.end()
  }
})()
const notMeasured = [...runNotes, 'meetings and treaties (500 meetings, 20 treaties with their actions): not built yet, so not in the data set and not measured']
const output: Results = {
  generatedAt: new Date().toISOString(),
  mode: quick ? 'quick' : 'full',
  secondsPerLoad: SECONDS,
  connections: CONNECTIONS,
  machine: { ...machine, postgres: pgVersion, loadAverageDuringLoad: { min: Math.min(...loadAverages), max: Math.max(...loadAverages) } },
  data: { seconds: data.seconds, counts: data.counts, steps: data.steps, largest: { slug: largest.slug, countries: largest.countryCodes.length, tasks: largest.taskCount, assignments: largest.assignmentCount } },
  scenarios: results,
  jobs,
  memory: { webPeakRssBytes: webPeak, workerPeakRssBytes: jobs.workerPeakRssBytes ?? null },
  frontEnd,
  notMeasured,
  budgets: [],
  totalSeconds: 0,
}
output.budgets = evaluateBudgets(output)
output.totalSeconds = (Date.now() - started) / 1000
const markdown = renderMarkdown(output)
const outBase = partial ? path.join(OUT, `results-${benchDatabaseName()}`) : 'bench/results'
writeFileSync(`${outBase}.json`, `${JSON.stringify(output, null, 2)}\n`)
writeFileSync(`${outBase}.md`, markdown)
console.log(`\n${markdown}`)
log(`wrote ${outBase}.json and ${outBase}.md`)
process.exit(0)
