import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import path from 'node:path'

const INPUTS = ['app', 'remix.config.js', 'package-lock.json']

function newest(target: string): number {
  if (!existsSync(target)) return 0
  const stat = statSync(target)
  if (!stat.isDirectory()) return stat.mtimeMs
  return Math.max(0, ...readdirSync(target).map((entry) => newest(path.join(target, entry))))
}

/** Builds the Remix app when build/ is missing or older than its inputs (browser and HTTP tests need it). */
export function ensureBuild() {
  const builtAt = existsSync('build/index.js') && existsSync('public/build') ? statSync('build/index.js').mtimeMs : 0
  if (builtAt >= Math.max(...INPUTS.map(newest))) return
  const result = spawnSync('npx', ['remix', 'build'], { stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } })
  if (result.status !== 0) throw new Error('remix build failed')
}
