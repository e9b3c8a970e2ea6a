import type { LoaderFunctionArgs } from '@remix-run/node'
import { Outlet } from '@remix-run/react'
import { RouteError } from '#app/components/route-error.tsx'
import { requireActor } from '#app/utils/auth.server.ts'
import { titleMeta } from '#app/utils/page-title.ts'

export const handle = { i18n: ['admin', 'common'] }

export const meta = titleMeta('admin', 'admin.title')

/** The instance administration: signed-in instance admins only (others 403, anonymous to /login). */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const actor = requireActor(request, context)
  if (!actor.isAdmin) throw new Response('Forbidden', { status: 403, statusText: 'Forbidden' })
  return { admin: { email: actor.email } }
}

export default function AdminLayout() {
  return <Outlet />
}

export function ErrorBoundary() {
  return <RouteError id="admin" />
}
