import type { LoaderFunctionArgs } from '@remix-run/node'
import { Outlet } from '@remix-run/react'
import { RouteError } from '#app/components/route-error.tsx'
import { requireWorkspace } from '#app/utils/workspace.server.ts'

/** The workspace layout: every page under /w/<slug> needs a session and a membership of that workspace. */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { membership } = requireWorkspace(context, params.slug, request)
  return {
    workspace: { id: membership.workspaceId, slug: membership.slug, name: membership.name },
    role: membership.role,
    countryCode: membership.countryCode,
  }
}

export const handle = { i18n: ['common'] }

export default function WorkspaceLayout() {
  return <Outlet />
}

export function ErrorBoundary() {
  return <RouteError id="workspace" notFound="workspaceNotFound" />
}
