import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import { z } from 'zod'
import { db } from '#server/db.ts'
import { env } from '#server/env.ts'

/**
 * Signed, expiring tokens for links in e-mails (one-click unsubscribe,
 * status links). HMAC-SHA256 with the session secret; in demo mode the
 * secret is generated once and kept in app_setting so that every process
 * (web, worker, `npm run job`) signs alike.
 */
const SETTING_KEY = 'session_secret'
let cachedSecret: { url: string; secret: string } | undefined

export async function signingSecret(): Promise<string> {
  const configured = env().SESSION_SECRET
  if (configured) return configured
  const url = env().DATABASE_URL
  if (cachedSecret?.url === url) return cachedSecret.secret
  await db
    .insertInto('app_setting')
    .values({ key: SETTING_KEY, value: randomBytes(32).toString('base64url') })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute()
  const row = await db.selectFrom('app_setting').select('value').where('key', '=', SETTING_KEY).executeTakeFirstOrThrow()
  cachedSecret = { url, secret: row.value }
  return row.value
}

const ZUnsubscribe = z.object({ p: z.literal('u'), u: z.uuid(), c: z.enum(['reminders', 'status', 'mentions', 'submissions', 'escalations', 'digest']), e: z.number().int() })
const ZStatusLink = z.object({ p: z.literal('a'), u: z.uuid(), a: z.uuid(), e: z.number().int() })
export type TUnsubscribeToken = z.infer<typeof ZUnsubscribe>
export type TStatusLinkToken = z.infer<typeof ZStatusLink>

function sign(secret: string, body: string) {
  return createHmac('sha256', secret).update(body).digest('base64url')
}

async function encode(claims: object): Promise<string> {
  const body = Buffer.from(JSON.stringify(claims)).toString('base64url')
  return `${body}.${sign(await signingSecret(), body)}`
}

async function decode<T>(token: string, schema: z.ZodType<T & { e: number }>, now: Date): Promise<T | null> {
  const [body, mac, extra] = token.split('.')
  if (!body || !mac || extra !== undefined) return null
  const expected = Buffer.from(sign(await signingSecret(), body))
  const given = Buffer.from(mac)
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null
  let json: unknown
  try {
    json = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'))
  } catch {
    return null
  }
  const parsed = schema.safeParse(json)
  if (!parsed.success || parsed.data.e * 1000 < now.getTime()) return null
  return parsed.data
}

const DAY = 86_400

/** Unsubscribe links live long: a person may act on an old e-mail. */
export async function unsubscribeToken(userId: string, category: TUnsubscribeToken['c'], issuedAt: Date) {
  return encode({ p: 'u', u: userId, c: category, e: Math.floor(issuedAt.getTime() / 1000) + 365 * DAY })
}

export async function verifyUnsubscribeToken(token: string, now = new Date()) {
  return decode(token, ZUnsubscribe, now)
}

/** Status links expire after 30 days. */
export async function statusLinkToken(userId: string, assignmentId: string, issuedAt: Date) {
  return encode({ p: 'a', u: userId, a: assignmentId, e: Math.floor(issuedAt.getTime() / 1000) + 30 * DAY })
}

export async function verifyStatusLinkToken(token: string, now = new Date()) {
  return decode(token, ZStatusLink, now)
}
