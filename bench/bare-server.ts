import { readFileSync } from 'node:fs'
import { createServer } from 'node:http'
import pg from 'pg'

/**
 * The machine's limit for a read: a bare node:http + pg server that runs,
 * for GET /<scenario>, exactly the SQL statements the app ran for that
 * request (captured from the app's query log, same parameters, same order),
 * and answers their rows as JSON. No framework, no validation, no
 * authorisation logic: only the database work and the HTTP round trip.
 *
 * Environment: DATABASE_URL, PORT, BENCH_BARE_SCENARIOS (a JSON file
 * { name: [{ sql, parameters }] }).
 */
interface Statement {
  sql: string
  parameters: unknown[]
}

// The same type parsing as the app (server/db.ts), so row decoding costs the same.
pg.types.setTypeParser(pg.types.builtins.DATE, (value) => value)
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value))

const scenarios = JSON.parse(readFileSync(process.env.BENCH_BARE_SCENARIOS ?? '', 'utf8')) as Record<string, Statement[]>
// The same pool size and session settings as the app's (createDb): the limit runs the SQL at its best.
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10, options: '-c jit=off' })

async function run(statements: Statement[]): Promise<unknown[][]> {
  const transactional = statements.some((s) => /^\s*begin\b/i.test(s.sql))
  if (!transactional) {
    const out: unknown[][] = []
    for (const s of statements) out.push((await pool.query(s.sql, s.parameters)).rows)
    return out
  }
  // A transaction must stay on one connection, as Kysely keeps it.
  const client = await pool.connect()
  try {
    const out: unknown[][] = []
    for (const s of statements) out.push((await client.query(s.sql, s.parameters)).rows)
    return out
  } finally {
    client.release()
  }
}

const server = createServer((req, res) => {
  const name = (req.url ?? '/').slice(1).split('?')[0]
  if (name === 'healthz') {
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}')
    return
  }
  const statements = scenarios[name]
  if (!statements) {
    res.writeHead(404).end()
    return
  }
  run(statements).then(
    (rows) => {
      const body = JSON.stringify(rows)
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body)
    },
    (error: Error) => {
      res.writeHead(500, { 'content-type': 'text/plain' }).end(error.message)
    },
  )
})
server.keepAliveTimeout = 65_000
server.listen(Number(process.env.PORT), '127.0.0.1', () => console.log(`bare server on ${process.env.PORT}`))
process.on('SIGTERM', () => {
  server.close()
  server.closeAllConnections()
  void pool.end().then(() => process.exit(0))
})
