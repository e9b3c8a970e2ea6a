import type { FrontEndResult } from './frontend.ts'
import type { JobsResult } from './jobs.ts'
import type { LoadResult } from './lib/load.ts'

export interface ScenarioResult {
  name: string
  label: string
  kind: 'read' | 'page' | 'write'
  who: string
  /** SQL statements the app runs for one such request (session look-up included). */
  statements: number
  app: LoadResult | null
  limit: LoadResult | null
  ratio: number | null
  note: string | null
}

export interface Budget {
  budget: string
  measured: string
  target: string
  verdict: 'met' | 'missed' | 'not measured'
}

export interface Results {
  generatedAt: string
  mode: 'quick' | 'full'
  secondsPerLoad: number
  connections: number
  machine: { cpus: number; cpuModel: string; memoryGb: number; node: string; postgres: string; loadAverageDuringLoad?: { min: number; max: number } }
  data: {
    seconds: number
    counts: Record<string, number>
    steps: { step: string; seconds: number }[]
    largest: { slug: string; countries: number; tasks: number; assignments: number }
  }
  scenarios: ScenarioResult[]
  jobs: JobsResult
  memory: { webPeakRssBytes: number; workerPeakRssBytes: number | null }
  frontEnd: FrontEndResult
  notMeasured: string[]
  budgets: Budget[]
  totalSeconds: number
}

const MB = 1024 * 1024
const ms = (v: number | undefined | null) => (v === undefined || v === null || Number.isNaN(v) ? '–' : `${Math.round(v)} ms`)
const fmt = (v: number, digits = 0) => v.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits })

function verdict(ok: boolean): Budget['verdict'] {
  return ok ? 'met' : 'missed'
}

/** p99 within `limit` ms with every response a 2xx. NaN p99s turn into null in results.json, hence the request count. */
function within(app: LoadResult, limit: number): boolean {
  return app.requests > 0 && typeof app.p99 === 'number' && app.p99 <= limit && app.non2xx === 0
}

export function evaluateBudgets(r: Results): Budget[] {
  const out: Budget[] = []
  for (const s of r.scenarios) {
    if (!s.app) {
      out.push({ budget: `${s.label}`, measured: s.note ?? 'not measured', target: s.kind === 'page' ? 'p99 ≤ 100 ms' : 'p99 ≤ 50 ms', verdict: 'not measured' })
      continue
    }
    if (s.kind === 'read') {
      out.push({
        budget: `${s.label}: throughput`,
        measured: s.ratio === null ? 'no limit measured' : `${fmt(s.ratio, 2)} × limit (${fmt(s.app.rps)} / ${fmt(s.limit?.rps ?? 0)} req/s)`,
        target: '≥ 0.6 × bare limit',
        verdict: s.ratio === null ? 'not measured' : verdict(s.ratio >= 0.6),
      })
      out.push({ budget: `${s.label}: p99`, measured: `${ms(s.app.p99)}${s.limit ? ` (bare limit: ${ms(s.limit.p99)})` : ''}`, target: '≤ 50 ms', verdict: verdict(within(s.app, 50)) })
    } else if (s.kind === 'page') {
      const measured = s.app.requests ? `${ms(s.app.p99)}${s.limit ? ` (bare limit: ${ms(s.limit.p99)})` : ''}` : `no response within the ${r.secondsPerLoad} s run`
      out.push({ budget: `${s.label}: p99`, measured, target: '≤ 100 ms', verdict: verdict(within(s.app, 100)) })
    } else {
      out.push({
        budget: `${s.label}: p99`,
        measured: `${ms(s.app.p99)}${s.app.non2xx ? ` (${s.app.non2xx} non-2xx)` : ''}`,
        target: '≤ 50 ms',
        verdict: verdict(within(s.app, 50)),
      })
    }
  }
  const j = r.jobs
  out.push(
    j.reminders
      ? { budget: `Reminder sweep (${fmt(j.reminders.assignments)} assignments)`, measured: `${fmt(j.reminders.seconds, 2)} s, ${fmt(j.reminders.statements)} statements`, target: '≤ 2 s', verdict: verdict(j.reminders.seconds <= 2) }
      : j.timedOutAfterSeconds
        ? { budget: 'Reminder sweep', measured: `not finished after ${j.timedOutAfterSeconds} s`, target: '≤ 2 s', verdict: 'missed' }
        : { budget: 'Reminder sweep', measured: j.notes.find((n) => /remind/i.test(n)) ?? 'not measured', target: '≤ 2 s', verdict: 'not measured' },
  )
  out.push(
    j.digests
      ? { budget: `Digests built (${fmt(j.digests.users)} users)`, measured: `${fmt(j.digests.perSecond)} /s (${fmt(j.digests.built)} in ${fmt(j.digests.seconds, 2)} s, ${fmt(j.digests.statements)} statements)`, target: '≥ 500 /s', verdict: verdict(j.digests.perSecond >= 500) }
      : j.timedOutAfterSeconds
        ? { budget: 'Digests built', measured: `not finished after ${j.timedOutAfterSeconds} s of jobs`, target: '≥ 500 /s', verdict: 'missed' }
        : { budget: 'Digests built', measured: j.notes.find((n) => /digest/i.test(n)) ?? 'not measured', target: '≥ 500 /s', verdict: 'not measured' },
  )
  out.push(
    j.delivery
      ? {
          budget: 'Delivery through the Resend stand-in (10 req/s × 100)',
          measured: `${fmt(j.delivery.perSecond)} e-mails/s = ${fmt(j.delivery.ratio * 100)} % of 1,000/s (${fmt(j.delivery.emails)} e-mails, ${fmt(j.delivery.requests)} requests, ${fmt(j.delivery.rejected)} 429s)`,
          target: '≥ 90 %',
          verdict: verdict(j.delivery.ratio >= 0.9),
        }
      : { budget: 'Delivery', measured: j.notes.find((n) => /deliver/i.test(n)) ?? 'not measured', target: '≥ 90 % of 1,000/s', verdict: 'not measured' },
  )
  out.push({ budget: 'Memory: web peak RSS', measured: `${fmt(r.memory.webPeakRssBytes / MB)} MB`, target: '< 300 MB', verdict: r.memory.webPeakRssBytes ? verdict(r.memory.webPeakRssBytes < 300 * MB) : 'not measured' })
  out.push(
    r.memory.workerPeakRssBytes
      ? { budget: 'Memory: worker peak RSS (sending all digests)', measured: `${fmt(r.memory.workerPeakRssBytes / MB)} MB`, target: '< 250 MB', verdict: verdict(r.memory.workerPeakRssBytes < 250 * MB) }
      : { budget: 'Memory: worker peak RSS', measured: 'not measured (no worker run)', target: '< 250 MB', verdict: 'not measured' },
  )
  for (const p of r.frontEnd.pages) {
    if (p.note) {
      out.push({ budget: `JavaScript: ${p.name} page`, measured: p.note, target: '≤ 150 kB gzip', verdict: 'not measured' })
      continue
    }
    out.push({ budget: `JavaScript: ${p.name} page`, measured: `${fmt(p.jsGzipBytes / 1024, 1)} kB gzip (${p.scripts} scripts)`, target: '≤ 150 kB gzip', verdict: verdict(p.jsGzipBytes <= 150 * 1024) })
    out.push({ budget: `LCP: ${p.name} page`, measured: ms(p.lcpMs), target: '≤ 1,000 ms', verdict: p.lcpMs === null ? 'not measured' : verdict(p.lcpMs <= 1000) })
  }
  if (r.frontEnd.error) out.push({ budget: 'Front end', measured: r.frontEnd.error, target: 'JS ≤ 150 kB, LCP ≤ 1 s', verdict: 'not measured' })
  return out
}

const size = (bytes: number | undefined) => (!bytes ? '–' : bytes < 10_240 ? `${fmt(bytes / 1024, 1)} kB` : `${fmt(bytes / 1024)} kB`)

/** The two largest shares of sampled active backends: "CPU 80 %, Lock:transactionid 15 %". */
function waits(w: Record<string, number> | undefined): string {
  if (!w || !Object.keys(w).length) return 'idle'
  return Object.entries(w)
    .slice(0, 2)
    .map(([k, v]) => `${k} ${Math.round(v * 100)} %`)
    .join(', ')
}

export function renderMarkdown(r: Results): string {
  const lines: string[] = []
  lines.push(`## Benchmark results (${r.mode}, ${r.generatedAt.slice(0, 16).replace('T', ' ')} UTC)`)
  lines.push('')
  lines.push(
    `Machine: ${r.machine.cpus} × ${r.machine.cpuModel}, ${r.machine.memoryGb} GB, Node ${r.machine.node}, PostgreSQL ${r.machine.postgres}. ` +
      `Load: autocannon on loopback, ${r.connections} connections, ${r.secondsPerLoad} s per request type.`,
  )
  const la = r.machine.loadAverageDuringLoad
  if (la && Number.isFinite(la.max)) {
    lines.push(
      `Background: 1-minute load average ${fmt(la.min, 1)}–${fmt(la.max, 1)} at the start of the load runs` +
        (la.max > 2 * r.machine.cpus ? ` (the benchmark itself accounts for about ${r.machine.cpus}–${r.machine.cpus + 1}) — **other processes shared the machine, so absolute figures are pessimistic; the ratios to the limit, measured right after each app run, are the steadier figures.**` : '.'),
    )
  }
  const c = r.data.counts
  lines.push(
    `Data (built in ${fmt(r.data.seconds, 1)} s): ${fmt(c.workspace ?? 0)} workspaces, ${fmt(c.app_user ?? 0)} users, ${fmt(c.task ?? 0)} tasks, ` +
      `${fmt(c.assignment ?? 0)} assignments (largest workspace: ${r.data.largest.countries} countries, ${fmt(r.data.largest.tasks)} tasks, ${fmt(r.data.largest.assignments)} assignments), ${fmt(c.activity ?? 0)} activity rows.`,
  )
  lines.push('')
  lines.push('| request | who | SQL/req | size | req/s | p50 | p95 | p99 | limit req/s | limit p99 | ratio | DB time went to |')
  lines.push('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |')
  for (const s of r.scenarios) {
    if (!s.app) {
      lines.push(`| ${s.label} | ${s.who} | ${s.statements || '–'} | | ${s.note ?? 'not measured'} | | | | | | | |`)
      continue
    }
    lines.push(
      `| ${s.label} | ${s.who} | ${s.statements} | ${size(s.app.bytesPerResponse)} | ${fmt(s.app.rps)}${s.app.non2xx ? ` (${fmt(s.app.non2xx)} non-2xx)` : ''} | ${ms(s.app.p50)} | ${ms(s.app.p95)} | ${ms(s.app.p99)} | ` +
        `${s.limit ? fmt(s.limit.rps) : '–'} | ${s.limit ? ms(s.limit.p99) : '–'} | ${s.ratio === null ? '–' : fmt(s.ratio, 2)} | ${waits(s.app.dbWaits)} |`,
    )
  }
  lines.push('')
  lines.push(
    `Latency at ${r.connections} connections is bounded by throughput (Little's law): a server doing N requests per second answers in ${r.connections} ÷ N s on average, ` +
      `so a p99 of 50 ms needs at least ${fmt(r.connections / 0.05)} req/s of that request. The bare limit's own p99 shows how far this machine is from that for each request; ` +
      'the ratio shows how much the app adds.',
  )
  lines.push('')
  lines.push('| budget | measured | target | verdict |')
  lines.push('| --- | --- | --- | --- |')
  for (const b of r.budgets) lines.push(`| ${b.budget} | ${b.measured} | ${b.target} | ${b.verdict === 'met' ? '✅ met' : b.verdict === 'missed' ? '❌ missed' : '– not measured'} |`)
  const notes = [...r.notMeasured, ...r.jobs.notes]
  if (notes.length) {
    lines.push('')
    for (const n of notes) lines.push(`- ${n}`)
  }
  lines.push('')
  return lines.join('\n')
}
