import type { LoaderFunctionArgs } from '@remix-run/node'
import { downloadEvidence, isAppError } from '#app/utils/assignments.server.ts'
import { requireWorkspace } from '#app/utils/workspace.server.ts'

/**
 * Downloads an uploaded evidence file (members of its workspace only). Always
 * as an attachment, with the type Ruta sniffed at upload, `nosniff` and a
 * sandboxing CSP, so a file can never run as a page of this origin.
 */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { actor, membership } = requireWorkspace(context, params.slug, request)
  try {
    const file = await downloadEvidence(actor, { evidenceId: params.id ?? '', workspaceId: membership.workspaceId })
    const ascii = file.fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_')
    return new Response(new Uint8Array(file.data), {
      headers: {
        'Content-Type': file.contentType,
        'Content-Length': String(file.data.length),
        'Content-Disposition': `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(file.fileName)}`,
        'X-Content-Type-Options': 'nosniff',
        'Content-Security-Policy': "default-src 'none'; sandbox",
        'Cache-Control': 'private, no-store',
      },
    })
  } catch (error) {
    if (isAppError(error) && (error.code === 'NOT_FOUND' || error.code === 'BAD_REQUEST')) {
      throw new Response('Not Found', { status: 404, statusText: 'Not Found' })
    }
    throw error
  }
}
