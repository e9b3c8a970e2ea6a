import { parseArgs } from 'node:util'
import { deliverPending } from '#emails/delivery/deliver.ts'
import { closeQueues } from '#jobs/queues.ts'
import { closeDb } from '#server/db.ts'
import { ConfigError, env } from '#server/env.ts'
import { closeRedis } from '#server/redis.ts'
import { processOutboxInline } from '#server/services/follow-up/process-outbox.ts'
import { runDigestSweep } from '#server/services/follow-up/run-digest-sweep.ts'
import { runReminderSweep } from '#server/services/follow-up/run-reminder-sweep.ts'
import { ZAsOf } from '#server/services/follow-up/time.ts'

/**
 * `npm run job -- reminders|digests|outbox [--as-of <instant>] [--force]`:
 * runs one job once in the foreground as if the clock read --as-of,
 * delivers what it sends, prints `sent N, skipped N, failed N` and exits.
 */
const USAGE = 'Usage: npm run job -- reminders|digests|outbox [--as-of <ISO 8601 instant or YYYY-MM-DD>] [--force]'
const NAMES = ['reminders', 'digests', 'outbox'] as const

function fail(message: string): never {
  console.error(`✖ ${message}\n${USAGE}`)
  process.exit(1)
}

let parsed: ReturnType<typeof parseArgs<{ options: { 'as-of': { type: 'string' }; force: { type: 'boolean' }; help: { type: 'boolean' } }; allowPositionals: true }>>
try {
  parsed = parseArgs({ args: process.argv.slice(2), options: { 'as-of': { type: 'string' }, force: { type: 'boolean' }, help: { type: 'boolean' } }, allowPositionals: true, strict: true })
} catch (error) {
  fail((error as Error).message)
}
if (parsed.values.help) {
  console.log(USAGE)
  process.exit(0)
}
const [name, ...extra] = parsed.positionals
if (!name) fail('Which job? Name one of: reminders, digests, outbox.')
if (extra.length) fail(`Unexpected argument(s): ${extra.join(' ')}`)
if (!(NAMES as readonly string[]).includes(name)) fail(`Unknown job "${name}". Name one of: reminders, digests, outbox.`)
let asOf = new Date()
if (parsed.values['as-of'] !== undefined) {
  const result = ZAsOf.safeParse(parsed.values['as-of'])
  if (!result.success) fail(`--as-of ${result.error.issues[0]?.message ?? 'is not valid'} (got "${parsed.values['as-of']}")`)
  asOf = result.data
}
try {
  if (!env().DEMO && !parsed.values.force) fail('Outside demo mode this sends real e-mail: add --force to run it.')
} catch (error) {
  if (error instanceof ConfigError) fail(error.message)
  throw error
}

let sent = 0
let skipped = 0
let failed = 0
let pending = 0
try {
  if (name === 'reminders') {
    skipped += (await runReminderSweep({ asOf })).skipped
  } else if (name === 'digests') {
    const r = await runDigestSweep({ asOf })
    skipped += r.skipped + r.nothingNew
  } else {
    const r = await processOutboxInline({ asOf })
    skipped += r.skipped
    failed += r.failed
  }
  const delivered = await deliverPending()
  sent += delivered.sent
  failed += delivered.failed
  pending = delivered.pending
} finally {
  await closeQueues()
  await closeRedis()
  await closeDb()
}
console.log(`sent ${sent}, skipped ${skipped}, failed ${failed}`)
if (pending) console.error(`${pending} batch(es) could not be delivered yet and stay pending; the worker retries them.`)
