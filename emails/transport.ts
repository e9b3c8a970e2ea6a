import { Resend } from 'resend'
import { db } from '#server/db.ts'
import { env } from '#server/env.ts'

export interface EmailAttachment {
  filename: string
  /** Raw bytes, or base64 text. */
  content: Buffer | string
  contentType?: string
}

export interface OutgoingEmail {
  to: string
  from: string
  subject: string
  html: string
  text: string
  headers?: Record<string, string>
  attachments?: EmailAttachment[]
  /** The email_log key; Resend's Idempotency-Key, so a retry never sends a second copy. */
  idempotencyKey: string
}

export interface Delivered {
  /** Resend's e-mail id, or the local_mail row id. */
  providerId: string
  via: 'resend' | 'local'
}

/** A delivery the provider refused or could not take; `retryable` for 429, 5xx and network failures. */
export class DeliveryError extends Error {
  constructor(
    message: string,
    public readonly statusCode: number | null,
    public readonly retryable: boolean,
    public readonly retryAfterSeconds: number | null = null,
  ) {
    super(message)
    this.name = 'DeliveryError'
  }
}

let client: { key: string; baseUrl: string | undefined; resend: Resend } | undefined

/**
 * The Resend client. resend@6 reads RESEND_BASE_URL from process.env itself,
 * but we pass env()'s value as the `baseUrl` option so that the validated
 * configuration is the one in force (tests switch it between cases).
 */
export function resendClient(): Resend {
  const { RESEND_API_KEY: key, RESEND_BASE_URL } = env()
  if (!key) throw new Error('RESEND_API_KEY is not set')
  const baseUrl = RESEND_BASE_URL?.replace(/\/+$/, '')
  if (!client || client.key !== key || client.baseUrl !== baseUrl) {
    client = { key, baseUrl, resend: new Resend(key, baseUrl ? { baseUrl } : undefined) }
  }
  return client.resend
}

/** Whether mail leaves the machine (Resend) or stays in the local outbox (/dev/emails). */
export function usesLocalOutbox(): boolean {
  return !env().RESEND_API_KEY
}

/** Delivers one message: through Resend with RESEND_API_KEY, else into local_mail. */
export async function deliver(message: OutgoingEmail): Promise<Delivered> {
  if (usesLocalOutbox()) return deliverLocally(message)
  const { data, error, headers } = await resendClient().emails.send(
    {
      from: message.from,
      to: message.to,
      subject: message.subject,
      html: message.html,
      text: message.text,
      headers: message.headers,
      attachments: message.attachments?.map((a) => ({ filename: a.filename, content: a.content, contentType: a.contentType })),
    },
    { idempotencyKey: message.idempotencyKey },
  )
  if (error || !data) {
    const status = typeof error?.statusCode === 'number' ? error.statusCode : null
    const retryAfter = Number(headers?.['retry-after'])
    throw new DeliveryError(
      `Resend refused the e-mail${status ? ` (HTTP ${status})` : ''}: ${error?.message ?? 'no answer'}`,
      status,
      status === null || status === 429 || status >= 500,
      Number.isFinite(retryAfter) && retryAfter >= 0 ? retryAfter : null,
    )
  }
  return { providerId: data.id, via: 'resend' }
}

async function deliverLocally(message: OutgoingEmail): Promise<Delivered> {
  const headers: Record<string, string> = { ...message.headers }
  if (message.attachments?.length) {
    // local_mail keeps no file bytes; the names show on /dev/emails.
    headers['X-Ruta-Attachments'] = message.attachments.map((a) => a.filename).join(', ')
  }
  const row = await db
    .insertInto('local_mail')
    .values({
      email_key: message.idempotencyKey,
      to_address: message.to,
      from_address: message.from,
      subject: message.subject,
      html: message.html,
      text: message.text,
      headers: JSON.stringify(headers),
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return { providerId: row.id, via: 'local' }
}
