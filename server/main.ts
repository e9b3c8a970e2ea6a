import path from 'node:path'
import { watch } from 'node:fs'
import { pathToFileURL } from 'node:url'
import { broadcastDevReady, installGlobals, type ServerBuild } from '@remix-run/node'
import { closeDb } from './db.ts'
import { env } from './env.ts'
import { createApp } from './http/app.ts'
import { closeRedis } from './redis.ts'
import { closeQueues } from '#jobs/queues.ts'

/**
 * The web process: our own Express server (not remix-serve) so that shutdown
 * closes the HTTP server, the database pool, Redis and the queues in order.
 */
installGlobals({ nativeFetch: true })

const BUILD_PATH = path.resolve('build/index.js')
const VERSION_PATH = path.resolve('build/version.txt')

async function importBuild(): Promise<ServerBuild> {
  // A query string defeats the module cache so a rebuilt bundle is loaded.
  return import(`${pathToFileURL(BUILD_PATH).href}?t=${Date.now()}`)
}

export async function startWebServer() {
  const config = env()
  const mode = config.NODE_ENV === 'production' ? 'production' : 'development'
  let build = await importBuild()
  if (mode === 'development') {
    watch(path.dirname(VERSION_PATH), async (_event, file) => {
      if (file !== 'version.txt') return
      build = await importBuild()
      broadcastDevReady(build)
    })
  }
  const app = createApp({ build: mode === 'development' ? async () => build : build, mode })
  const server = app.listen(config.PORT, () => {
    console.log(`Ruta web server listening on ${config.APP_URL}`)
    if (mode === 'development') void broadcastDevReady(build)
  })
  // Slow clients must not hold sockets forever.
  server.headersTimeout = 30_000
  server.requestTimeout = 120_000

  let closing = false
  async function shutdown(signal: string) {
    if (closing) return
    closing = true
    console.log(`${signal}: closing the web server…`)
    const force = setTimeout(() => {
      console.error('Shutdown took too long; exiting.')
      process.exit(1)
    }, 15_000)
    force.unref()
    await new Promise<void>((resolve) => {
      server.close(() => resolve())
      server.closeIdleConnections()
    })
    await closeQueues()
    await closeRedis()
    await closeDb()
    console.log('Web server stopped.')
    process.exit(0)
  }
  process.on('SIGTERM', () => void shutdown('SIGTERM'))
  process.on('SIGINT', () => void shutdown('SIGINT'))
  return server
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await startWebServer()
}
