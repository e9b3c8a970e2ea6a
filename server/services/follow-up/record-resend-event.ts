import { sql } from 'kysely'
import { Webhook } from 'standardwebhooks'
import { z } from 'zod'
import { db } from '#server/db.ts'
import { env } from '#server/env.ts'
import { AppError } from '#server/errors.ts'

const ZEvent = z.object({
  type: z.string(),
  data: z.object({ email_id: z.string().optional(), to: z.union([z.string(), z.array(z.string())]).optional() }).passthrough(),
})

/**
 * Resend's webhooks (Svix-style signed: svix-id / svix-timestamp /
 * svix-signature, or the webhook-* names). A bounce or complaint marks the
 * address (no more reminders to it; the secretariat hears of it in its next
 * digest) and the e-mail's log row.
 */
export async function recordResendEvent(rawBody: string, headers: Headers, secret = env().RESEND_WEBHOOK_SECRET) {
  if (!secret) throw new AppError('NOT_FOUND', 'Webhooks are not configured (RESEND_WEBHOOK_SECRET)')
  const header = (name: string) => headers.get(`svix-${name}`) ?? headers.get(`webhook-${name}`) ?? ''
  let payload: unknown
  try {
    payload = new Webhook(secret).verify(rawBody, { 'webhook-id': header('id'), 'webhook-timestamp': header('timestamp'), 'webhook-signature': header('signature') })
  } catch {
    throw new AppError('UNAUTHORIZED', 'Webhook signature is not valid')
  }
  const event = ZEvent.safeParse(payload)
  if (!event.success) throw new AppError('BAD_REQUEST', 'Webhook payload is not a Resend event')
  const { type, data } = event.data
  const status = type === 'email.bounced' ? 'bounced' : type === 'email.complained' ? 'complained' : null
  if (!status) return { handled: false, type }
  const recipients = (Array.isArray(data.to) ? data.to : data.to ? [data.to] : []).map((e) => e.toLowerCase())
  await db.transaction().execute(async (trx) => {
    if (data.email_id) {
      await trx.updateTable('email_log').set({ status, error: `Resend: ${type}` }).where('provider_id', '=', data.email_id).execute()
    }
    if (recipients.length) {
      await trx.updateTable('app_user').set({ email_bounced_at: sql`COALESCE(email_bounced_at, now())`, updated_at: sql`now()` }).where('email', 'in', recipients).execute()
    }
  })
  return { handled: true, type }
}
