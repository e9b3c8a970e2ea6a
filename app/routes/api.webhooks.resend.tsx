import type { ActionFunctionArgs } from '@remix-run/node'
import { isAppError, recordResendEvent } from './follow-up.server.ts'

/** Resend's webhook (bounces, complaints): signature verified, no session, no Origin. */
export async function action({ request }: ActionFunctionArgs) {
  if (request.method !== 'POST') return Response.json({ error: 'POST only' }, { status: 405 })
  try {
    const result = await recordResendEvent(await request.text(), request.headers)
    return Response.json(result)
  } catch (error) {
    if (!isAppError(error)) throw error
    const status = error.code === 'UNAUTHORIZED' ? 401 : error.code === 'NOT_FOUND' ? 404 : 400
    return Response.json({ error: error.message }, { status })
  }
}

export function loader() {
  return Response.json({ error: 'POST only' }, { status: 405 })
}
