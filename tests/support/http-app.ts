import type { Server } from 'node:http'

export interface HttpApp {
  /** The origin, e.g. http://127.0.0.1:41234. */
  base: string
  close(): Promise<void>
}

/**
 * The real Express app serving the Remix build (build/) on a random port.
 * The environment is read afresh first, so what a test set in process.env
 * applies; the app is imported only then for the same reason.
 */
export async function startHttpApp(): Promise<HttpApp> {
  const { resetEnvForTests } = await import('#server/env.ts')
  resetEnvForTests()
  const { createApp } = await import('#server/http/app.ts')
  const build = await import(`${process.cwd()}/build/index.js`)
  const server: Server = createApp({ build, mode: 'production' }).listen(0)
  await new Promise((resolve) => server.once('listening', resolve))
  const address = server.address()
  return {
    base: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}
