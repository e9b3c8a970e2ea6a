import { usesLocalOutbox } from '#emails/transport.ts'
import { env } from '#server/env.ts'

/** /dev/emails exists only in demo mode with the local outbox (no RESEND_API_KEY); elsewhere it is a 404. */
export function requireLocalOutbox() {
  if (!env().DEMO || !usesLocalOutbox()) throw new Response('Not Found', { status: 404, statusText: 'Not Found' })
}
