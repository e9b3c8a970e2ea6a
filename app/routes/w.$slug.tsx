import type { LoaderFunctionArgs } from '@remix-run/node'
import { isRouteErrorResponse, Link, Outlet, useRouteError, useRouteLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
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
  const error = useRouteError()
  const { t } = useTranslation()
  const root = useRouteLoaderData<{ requestId?: string }>('root')
  const status = isRouteErrorResponse(error) ? error.status : 500
  const message =
    status === 404 ? t('workspaceNotFound') : status === 403 ? t('errors.forbidden') : t('errors.unexpected', { requestId: root?.requestId ?? '' })
  return (
    <section className="error-page" aria-labelledby="workspace-error-title">
      <h1 id="workspace-error-title">{t('errors.title')}</h1>
      <p role="alert">{message}</p>
      <Link to="/">{t('errors.backHome')}</Link>
    </section>
  )
}
