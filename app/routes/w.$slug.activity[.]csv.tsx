import type { LoaderFunctionArgs } from '@remix-run/node'
import { exportActivityCsv, throwAsResponse } from '#app/utils/tasks.server.ts'
import { requireWorkspace } from '#app/utils/workspace.server.ts'

/**
 * GET /w/<slug>/activity.csv?<the activity page's filters> — the filtered
 * log as CSV (secretariat only), streamed batch by batch.
 */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { actor, membership } = requireWorkspace(context, params.slug, request)
  const url = new URL(request.url)
  const get = (name: string) => url.searchParams.get(name) ?? undefined
  let chunks: AsyncIterable<string>
  try {
    chunks = exportActivityCsv(actor, {
      workspaceId: membership.workspaceId,
      actorId: get('actor'),
      action: get('action'),
      subjectType: get('subject'),
      from: get('from'),
      to: get('to'),
    })
  } catch (error) {
    throwAsResponse(error)
  }
  const iterator = chunks[Symbol.asyncIterator]()
  const encoder = new TextEncoder()
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const next = await iterator.next()
        if (next.done) controller.close()
        else controller.enqueue(encoder.encode(next.value))
      } catch (error) {
        controller.error(error)
      }
    },
    async cancel() {
      await iterator.return?.()
    },
  })
  const day = new Date().toISOString().slice(0, 10)
  return new Response(body, {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="activity-${membership.slug}-${day}.csv"`,
      'Cache-Control': 'private, no-store',
    },
  })
}
