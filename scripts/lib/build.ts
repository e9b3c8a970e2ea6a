import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'

const INPUTS = ['app', 'remix.config.js', 'package-lock.json', 'tsconfig.json']

function newest(target: string): number {
  if (!existsSync(target)) return 0
  const stat = statSync(target)
  if (!stat.isDirectory()) return stat.mtimeMs
  return Math.max(0, ...readdirSync(target).map((entry) => newest(path.join(target, entry))))
}

/**
 * Whether build/ is a production build at least as new as its inputs. A
 * build left by `npm run dev` is a development build and does not count.
 */
export function productionBuildIsFresh(): boolean {
  if (!existsSync('build/index.js') || !existsSync('public/build')) return false
  if (!/\bmode = "production"/.test(readFileSync('build/index.js', 'utf8'))) return false
  return statSync('build/index.js').mtimeMs >= Math.max(...INPUTS.map(newest))
}

/** Builds the Remix app for production when the build is missing, stale or a development one. */
export function ensureProductionBuild(log: (message: string) => void = () => {}): void {
  if (productionBuildIsFresh()) return
  log(existsSync('build/index.js') ? 'The build is stale; rebuilding…' : 'Building the app…')
  const result = spawnSync('npx', ['remix', 'build'], { stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } })
  if (result.status !== 0) throw new Error('The build failed (see above).')
}
