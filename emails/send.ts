import { sql } from 'kysely'
import type { AppLocale } from '#app/i18n/config.ts'
import { db } from '#server/db.ts'
import { env } from '#server/env.ts'
import { renderEmail } from './render.ts'
import { deliver, DeliveryError } from './transport.ts'
import type { EmailTemplate } from './types.ts'

/**
 * 'mandatory' notices (invitation, password reset) cannot be turned off and
 * carry no unsubscribe. Any other category is an e-mail people can turn off:
 * the caller must supply the RFC 8058 headers (List-Unsubscribe and
 * List-Unsubscribe-Post) for it — sendEmail refuses to send it without them.
 */
export type EmailCategory = 'mandatory' | (string & {})

export interface SendEmailInput<P extends object> {
  /** Send-once key: recipient, kind, subject, occasion. UNIQUE in email_log; also Resend's Idempotency-Key. */
  key: string
  kind: string
  to: string
  userId?: string | null
  workspaceId?: string | null
  locale: AppLocale
  template: EmailTemplate<P>
  props: P
  category?: EmailCategory
  headers?: Record<string, string>
}

export type SendEmailResult =
  | { status: 'sent'; logId: string; providerId: string }
  | { status: 'skipped'; logId: string | null }
  | { status: 'failed'; logId: string; error: string; retryable: boolean }

/**
 * Sends one e-mail at most once. The email_log row is claimed first
 * (INSERT … ON CONFLICT (key) DO NOTHING): if the key is already there, an
 * earlier call sent it or is sending it, and this one does nothing. Then the
 * message is delivered and the row marked sent, or failed with the reason —
 * never silently dropped.
 */
export async function sendEmail<P extends object>(input: SendEmailInput<P>): Promise<SendEmailResult> {
  const category = input.category ?? 'mandatory'
  const headers = { ...input.headers }
  if (category !== 'mandatory' && !Object.keys(headers).some((h) => h.toLowerCase() === 'list-unsubscribe')) {
    throw new Error(`E-mail "${input.kind}" (category ${category}) needs List-Unsubscribe headers: only mandatory notices go without`)
  }
  const rendered = await renderEmail(input.template, input.props, input.locale)
  const claimed = await db
    .insertInto('email_log')
    .values({
      key: input.key,
      kind: input.kind,
      recipient: input.to,
      subject: rendered.subject,
      user_id: input.userId ?? null,
      workspace_id: input.workspaceId ?? null,
      status: 'pending',
      category,
    })
    .onConflict((oc) => oc.column('key').doNothing())
    .returning('id')
    .executeTakeFirst()
  if (!claimed) {
    const existing = await db.selectFrom('email_log').select('id').where('key', '=', input.key).executeTakeFirst()
    return { status: 'skipped', logId: existing?.id ?? null }
  }

  try {
    const delivered = await deliver({
      to: input.to,
      from: env().EMAIL_FROM,
      subject: rendered.subject,
      html: rendered.html,
      text: rendered.text,
      headers: Object.keys(headers).length ? headers : undefined,
      idempotencyKey: input.key,
    })
    await db
      .updateTable('email_log')
      .set({ status: 'sent', provider_id: delivered.providerId, sent_at: new Date(), error: null, attempts: sql<number>`attempts + 1` })
      .where('id', '=', claimed.id)
      .execute()
    return { status: 'sent', logId: claimed.id, providerId: delivered.providerId }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    await db
      .updateTable('email_log')
      .set({ status: 'failed', error: message.slice(0, 2000), attempts: sql<number>`attempts + 1` })
      .where('id', '=', claimed.id)
      .execute()
    console.error(`[email] ${input.kind} to ${input.to} failed (key ${input.key}): ${message}`)
    return { status: 'failed', logId: claimed.id, error: message, retryable: error instanceof DeliveryError ? error.retryable : true }
  }
}
