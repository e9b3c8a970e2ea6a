import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { seedDemo } from '#db/seed/demo.ts'
import { WORKER_NODE_FLAGS } from '#jobs/node-flags.ts'
import { WEB_NODE_FLAGS } from '#server/node-flags.ts'
import { closeDb, db } from '#server/db.ts'
import { ensureProductionBuild } from './lib/build.ts'
import { checkPostgres, checkRedis, fail, loadConfig, prepareDatabase } from './lib/preflight.ts'

/**
 * `npm start`: check PostgreSQL and Redis, create and migrate the database,
 * seed what is missing in demo mode, build when the build is missing or
 * stale, then run the production build: the web server and one worker.
 */
process.env.NODE_ENV = 'production'
const config = loadConfig()
await checkPostgres(config)
await checkRedis(config)
await prepareDatabase(config)

let demoSignIn: string | undefined
if (config.DEMO) {
  const report = await seedDemo(db)
  if (report.created.length) console.log(`Demo data added: ${report.created.join(', ')}.`)
  demoSignIn = report.signIn
}
await closeDb()

try {
  ensureProductionBuild(console.log)
} catch (error) {
  fail((error as Error).message)
}

const children: ChildProcess[] = []
function run(name: string, script: string, nodeFlags: string[] = []) {
  const child = spawn(process.execPath, [...nodeFlags, '--import', 'tsx', script], { stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } })
  child.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(`The ${name} stopped (${signal ?? `exit ${code}`}); stopping Ruta.`)
      stop('SIGTERM', code ?? 1)
    }
  })
  children.push(child)
}

let stopping = false
function stop(signal: NodeJS.Signals, code = 0) {
  stopping = true
  for (const child of children) if (child.exitCode === null) child.kill(signal)
  let remaining = children.filter((c) => c.exitCode === null).length
  if (!remaining) process.exit(code)
  for (const child of children) child.once('exit', () => --remaining === 0 && process.exit(code))
}
process.on('SIGTERM', () => stop('SIGTERM'))
process.on('SIGINT', () => stop('SIGTERM'))

run('web server', 'server/main.ts', WEB_NODE_FLAGS)
if (existsSync('jobs/worker.ts')) run('worker', 'jobs/worker.ts', WORKER_NODE_FLAGS)
console.log(`\nRuta is starting at ${config.APP_URL}`)
if (demoSignIn) console.log(demoSignIn)
