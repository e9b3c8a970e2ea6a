import { closeSync, existsSync, mkdirSync, openSync, statSync, unlinkSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { installGlobals, type ServerBuild } from '@remix-run/node'
import type { Kysely } from 'kysely'
import type { DB } from '#db/types.ts'
import { db } from '#server/db.ts'
import { resetEnvForTests } from '#server/env.ts'
import { createApp } from '#server/http/app.ts'
import { ensureBuild } from '#tests/setup/build.ts'

const LOCK = path.resolve('node_modules/.cache/ruta-test-build.lock')
const STALE_LOCK_MS = 5 * 60_000

/**
 * Builds the Remix app when build/ is missing or older than app/, once:
 * an exclusive lock file keeps two test files (two processes) from building
 * at the same time; the second waits, then finds the build fresh.
 */
export async function buildOnce() {
  mkdirSync(path.dirname(LOCK), { recursive: true })
  const deadline = Date.now() + STALE_LOCK_MS
  for (;;) {
    try {
      closeSync(openSync(LOCK, 'wx'))
      break
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      // A lock left by a killed run is taken over once it is old enough.
      if (existsSync(LOCK) && Date.now() - statSync(LOCK).mtimeMs > STALE_LOCK_MS) {
        unlinkSync(LOCK)
        continue
      }
      if (Date.now() > deadline) throw new Error(`Waited too long for the Remix build lock ${LOCK}`)
      await new Promise((resolve) => setTimeout(resolve, 250))
    }
  }
  try {
    ensureBuild()
  } finally {
    unlinkSync(LOCK)
  }
}

export interface TestServer<T> {
  /** The origin, e.g. http://127.0.0.1:41234 (also APP_URL for the app). */
  url: string
  /** What the seed function returned. */
  seeded: T
  close(): Promise<void>
}

/**
 * Starts the real Express app (tRPC, Remix build, sessions) in this process
 * on a random port, against this test file's database, after running `seed`.
 */
export async function startTestServer<T = undefined>(seed?: (db: Kysely<DB>) => Promise<T>): Promise<TestServer<T>> {
  await buildOnce()
  installGlobals({ nativeFetch: true })
  const build = (await import(pathToFileURL(path.resolve('build/index.js')).href)) as ServerBuild

  // Listen first, so that APP_URL (read by the Origin check and cookies) can name the real port.
  const server: Server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  const url = `http://127.0.0.1:${port}`
  process.env.APP_URL = url
  resetEnvForTests()
  server.on('request', createApp({ build, mode: 'production' }))

  const seeded = (seed ? await seed(db) : undefined) as T
  return {
    url,
    seeded,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections()
        server.close((error) => (error ? reject(error) : resolve()))
      }),
  }
}
