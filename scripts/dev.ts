import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { ensureDatabase, migrateToLatest } from '#db/migrate.ts'
import { seedDemo } from '#db/seed/demo.ts'
import { closeDb, db } from '#server/db.ts'
import { checkPostgres, checkRedis, loadConfig } from './lib/preflight.ts'

/**
 * `npm run dev`: the same preflight as `npm start`, then `remix dev --manual`
 * driving our Express server (rebuilds on change), plus the worker.
 */
process.env.NODE_ENV = 'development'
const config = loadConfig()
await checkPostgres(config)
await checkRedis(config)
await ensureDatabase(config.DATABASE_URL)
await migrateToLatest(db)
if (config.DEMO) {
  const report = await seedDemo(db)
  if (report.signIn) console.log(report.signIn)
}
await closeDb()

const children: ChildProcess[] = [
  spawn('npx', ['remix', 'dev', '--manual', '-c', `${process.execPath} --import tsx server/main.ts`], { stdio: 'inherit' }),
]
if (existsSync('jobs/worker.ts')) children.push(spawn(process.execPath, ['--import', 'tsx', 'jobs/worker.ts'], { stdio: 'inherit' }))
const stop = () => children.forEach((c) => c.exitCode === null && c.kill('SIGTERM'))
process.on('SIGINT', stop)
process.on('SIGTERM', stop)
for (const child of children) child.on('exit', () => stop())
