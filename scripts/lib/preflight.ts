import { Redis } from 'ioredis'
import pg from 'pg'
import type { MigrationResult } from 'kysely'
import { ensureDatabase, migrateToLatest } from '#db/migrate.ts'
import { closeDb, db } from '#server/db.ts'
import { ConfigError, env, type Env } from '#server/env.ts'

/** Prints a message for a person and exits 1: no stack trace for what they can fix. */
export function fail(message: string): never {
  console.error(`\n✖ ${message}\n`)
  process.exit(1)
}

export function loadConfig(): Env {
  try {
    return env()
  } catch (error) {
    if (error instanceof ConfigError) fail(`${error.message}\nFix the variable(s) above and start again.`)
    throw error
  }
}

function redact(url: string) {
  try {
    const u = new URL(url)
    if (u.password) u.password = '***'
    return u.toString()
  } catch {
    return url
  }
}

export async function checkPostgres(config: Env) {
  const target = new URL(config.DATABASE_URL)
  const server = new URL(config.DATABASE_URL)
  server.pathname = '/postgres'
  const client = new pg.Client({ connectionString: server.toString(), connectionTimeoutMillis: 3000 })
  try {
    await client.connect()
    await client.query('SELECT 1')
  } catch (error) {
    fail(
      `PostgreSQL is not answering at ${target.hostname}:${target.port || 5432} (DATABASE_URL=${redact(config.DATABASE_URL)}): ${(error as Error).message}\n` +
        `  Start it, for example:\n` +
        `    Debian/Ubuntu: sudo apt-get install -y postgresql && sudo pg_ctlcluster $(ls /etc/postgresql) main start\n` +
        `    Docker:        docker compose up -d postgres\n` +
        `  or set DATABASE_URL to a server that runs.`,
    )
  } finally {
    await client.end().catch(() => {})
  }
}

export async function checkRedis(config: Env) {
  const url = new URL(config.REDIS_URL)
  const client = new Redis(config.REDIS_URL, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, connectTimeout: 3000, retryStrategy: () => null })
  client.on('error', () => {})
  try {
    await client.connect()
    await client.ping()
  } catch (error) {
    fail(
      `Redis is not answering at ${url.hostname}:${url.port || 6379} (REDIS_URL=${redact(config.REDIS_URL)}): ${(error as Error).message}\n` +
        `  Start it, for example:\n` +
        `    Debian/Ubuntu: sudo apt-get install -y redis-server && redis-server --daemonize yes --bind 127.0.0.1 --port 6379\n` +
        `    Docker:        docker compose up -d redis\n` +
        `  or set REDIS_URL to a server that runs.`,
    )
  } finally {
    client.disconnect()
  }
}

/**
 * Creates the database if it is missing and applies every pending migration
 * (after checkPostgres), saying what it did; a failing migration is reported
 * by name and exits 1.
 */
export async function prepareDatabase(config: Env): Promise<MigrationResult[]> {
  if (await ensureDatabase(config.DATABASE_URL)) console.log(`Created database ${new URL(config.DATABASE_URL).pathname.slice(1)}.`)
  try {
    return await migrateToLatest(db)
  } catch (error) {
    await closeDb()
    fail((error as Error).message)
  }
}
