import type { LoaderFunctionArgs } from '@remix-run/node'
import { isRouteErrorResponse, Link, Outlet, useRouteError, useRouteLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
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
  const error = useRouteError()
  const { t } = useTranslation()
  const root = useRouteLoaderData<{ requestId?: string }>('root')
  const status = isRouteErrorResponse(error) ? error.status : 500
  const message = status === 404 ? t('errors.notFound') : status === 403 ? t('errors.forbidden') : t('errors.unexpected', { requestId: root?.requestId ?? '' })
  return (
    <section className="error-page" aria-labelledby="admin-error-title">
      <h1 id="admin-error-title">{t('errors.title')}</h1>
      <p role="alert">{message}</p>
      <Link to="/">{t('errors.backHome')}</Link>
    </section>
  )
}
