import { isRouteErrorResponse, Link, useRouteError, useRouteLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'

interface Props {
  /** Prefix of the heading's id, unique on the page. */
  id: string
  /** What a 404 says: a missing page, or a workspace the caller cannot see. */
  notFound?: 'errors.notFound' | 'workspaceNotFound'
  /** Where the recovery link points, and its label's key. */
  back?: { to: string; label: string }
}

/**
 * The error boundary every route shares: a heading, one message a person can
 * act on (announced to screen readers), the request id for anything
 * unexpected, and a way back.
 */
export function RouteError({ id, notFound = 'errors.notFound', back = { to: '/', label: 'errors.backHome' } }: Props) {
  const error = useRouteError()
  const { t } = useTranslation()
  const root = useRouteLoaderData<{ requestId?: string }>('root')
  const status = isRouteErrorResponse(error) ? error.status : 500
  const message =
    status === 404 ? t(notFound) : status === 403 ? t('errors.forbidden') : t('errors.unexpected', { requestId: root?.requestId ?? '' })
  return (
    <section className="error-page" aria-labelledby={`${id}-error-title`}>
      <h1 id={`${id}-error-title`}>{t('errors.title')}</h1>
      <p role="alert">{message}</p>
      <Link to={back.to}>{t(back.label)}</Link>
    </section>
  )
}
