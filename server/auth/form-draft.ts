import { sql } from 'kysely'
import { db } from '../db.ts'
import { env } from '../env.ts'
import { randomToken, sha256Hex } from './tokens.ts'

/**
 * "A form submitted after the session expired does not lose what was typed."
 *
 * When a protected action finds no session, the fields it received are kept
 * server-side in table form_draft for an hour, under SHA-256 of a random
 * token that only this browser holds (HttpOnly cookie `ruta_draft`,
 * `__Host-ruta_draft` on https). After signing in, the page's loader takes
 * the draft back — once, and only on the page that stored it.
 *
 * Never kept: files, and any field whose name says password, token or
 * secret. At most 64 KiB of text per draft (fields past that are dropped);
 * one draft per browser (a newer one replaces it).
 */
export const DRAFT_TTL_SECONDS = 3600
export const DRAFT_MAX_CHARS = 64 * 1024
const SECRET_FIELD = /pass(word)?|token|secret/i

export type DraftFields = Record<string, string | string[]>

export function draftCookieName(): string {
  return env().SECURE ? '__Host-ruta_draft' : 'ruta_draft'
}

function cookieValue(token: string, maxAge: number): string {
  const secure = env().SECURE ? '; Secure' : ''
  return `${draftCookieName()}=${token}; HttpOnly; Max-Age=${maxAge}; Path=/; SameSite=Lax${secure}`
}

/** The fields worth keeping from a submitted form. */
export function keepableFields(form: FormData): DraftFields {
  const fields: DraftFields = {}
  let budget = DRAFT_MAX_CHARS
  for (const [name, value] of form.entries()) {
    if (typeof value !== 'string' || SECRET_FIELD.test(name)) continue
    const cost = name.length + value.length
    if (cost > budget) continue
    budget -= cost
    const previous = fields[name]
    if (previous === undefined) fields[name] = value
    else fields[name] = Array.isArray(previous) ? [...previous, value] : [previous, value]
  }
  return fields
}

/** Stores a draft for `path`; returns the Set-Cookie value, or null when there was nothing to keep. */
export async function saveDraft(path: string, fields: DraftFields, previousCookieHeader?: string | null): Promise<string | null> {
  if (!path.startsWith('/') || Object.keys(fields).length === 0) return null
  const previous = readDraftToken(previousCookieHeader)
  if (previous) await db.deleteFrom('form_draft').where('id', '=', sha256Hex(previous)).execute()
  await db.deleteFrom('form_draft').where('expires_at', '<', sql<Date>`now()`).execute()
  const token = randomToken(24)
  await db
    .insertInto('form_draft')
    .values({
      id: sha256Hex(token),
      path,
      fields: JSON.stringify(fields),
      expires_at: sql<Date>`now() + make_interval(secs => ${DRAFT_TTL_SECONDS})`,
    })
    .execute()
  return cookieValue(token, DRAFT_TTL_SECONDS)
}

function readDraftToken(cookieHeader: string | null | undefined): string | null {
  if (!cookieHeader) return null
  const prefix = `${draftCookieName()}=`
  const part = cookieHeader.split(/;\s*/).find((p) => p.startsWith(prefix))
  const token = part?.slice(prefix.length) ?? ''
  return /^[0-9a-f]{48}$/.test(token) ? token : null
}

/**
 * Takes back the draft stored for `path` by this browser, deleting it.
 * `setCookie` clears the cookie when a draft was taken.
 */
export async function takeDraft(path: string, cookieHeader: string | null | undefined): Promise<{ fields: DraftFields | null; setCookie: string | null }> {
  const token = readDraftToken(cookieHeader)
  if (!token) return { fields: null, setCookie: null }
  const row = await db
    .deleteFrom('form_draft')
    .where('id', '=', sha256Hex(token))
    .where('path', '=', path)
    .where('expires_at', '>', sql<Date>`now()`)
    .returning('fields')
    .executeTakeFirst()
  if (!row) return { fields: null, setCookie: null }
  return { fields: row.fields, setCookie: cookieValue('', 0) }
}
