import { spawn, type ChildProcess } from 'node:child_process'
import { freePort } from './process.ts'

/**
 * A private, throw-away redis-server for fault tests (no persistence), so
 * that stopping it cannot disturb any other test file.
 */
export interface PrivateRedis {
  port: number
  url: string
  start(): Promise<void>
  stop(): Promise<void>
}

export async function privateRedis(): Promise<PrivateRedis> {
  const port = await freePort()
  let child: ChildProcess | undefined
  const handle: PrivateRedis = {
    port,
    url: `redis://127.0.0.1:${port}`,
    start() {
      return new Promise<void>((resolve, reject) => {
        const proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] })
        child = proc
        let out = ''
        const timer = setTimeout(() => reject(new Error(`redis-server did not start:\n${out}`)), 10_000)
        proc.stdout!.on('data', (d: Buffer) => {
          out += d
          if (/Ready to accept connections/.test(out)) {
            clearTimeout(timer)
            resolve()
          }
        })
        proc.once('exit', (code) => {
          clearTimeout(timer)
          reject(new Error(`redis-server exited (${code}):\n${out}`))
        })
      })
    },
    stop() {
      return new Promise<void>((resolve) => {
        const proc = child
        child = undefined
        if (!proc || proc.exitCode !== null) return resolve()
        proc.removeAllListeners('exit')
        proc.once('exit', () => resolve())
        proc.kill('SIGKILL')
      })
    },
  }
  await handle.start()
  return handle
}
