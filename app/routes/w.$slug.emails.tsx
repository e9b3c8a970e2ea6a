import type { LoaderFunctionArgs } from '@remix-run/node'
import { Form, isRouteErrorResponse, useLoaderData, useRouteError } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { formErrorOf } from '#app/utils/form-errors.server.ts'
import { requireWorkspace } from '#app/utils/workspace.server.ts'
import { listEmailLogPage } from './follow-up.server.ts'
import { titleMeta } from '#app/utils/page-title.ts'

export const handle = { i18n: ['followup'] }

export const meta = titleMeta('followup', 'emailLog.title')

/** The e-mail log for the secretariat: every e-mail sent or attempted, permanent failures with their reason. */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { actor, membership } = requireWorkspace(context, params.slug, request)
  const failedOnly = new URL(request.url).searchParams.get('failed') === '1'
  try {
    const items = await listEmailLogPage(actor, { workspaceId: membership.workspaceId, failedOnly })
    return { items, failedOnly, timeZone: actor.timeZone }
  } catch (error) {
    formErrorOf(error)
    throw error
  }
}

export default function EmailLogPage() {
  const { items, failedOnly, timeZone } = useLoaderData<typeof loader>()
  const { t, i18n } = useTranslation('followup')
  const when = (iso: string) => new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(new Date(iso))
  return (
    <section aria-labelledby="email-log-title" className="email-log-page">
      <h1 id="email-log-title">{t('emailLog.title')}</h1>
      <Form method="get">
        <label>
          <input type="checkbox" name="failed" value="1" defaultChecked={failedOnly} /> {t('emailLog.filterFailed')}
        </label>{' '}
        <button type="submit">{t('emailLog.filter')}</button>
      </Form>
      {items.length === 0 ? (
        <p>{t('emailLog.empty')}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">{t('emailLog.date')}</th>
              <th scope="col">{t('emailLog.recipient')}</th>
              <th scope="col">{t('emailLog.kind')}</th>
              <th scope="col">{t('emailLog.subject')}</th>
              <th scope="col">{t('emailLog.status')}</th>
              <th scope="col">{t('emailLog.error')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((item) => (
              <tr key={item.id} className={`email-${item.status}`}>
                <td>{when(item.created_at)}</td>
                <td>{item.recipient}</td>
                <td>{item.kind}</td>
                {/* A reminder's subject is written when its batch is sent; until then, what kind of e-mail it is. */}
                <td>{item.subject || t('emailLog.unwritten', { kind: t(`emailLog.kinds.${item.kind}`, { defaultValue: item.kind }) })}</td>
                <td>{t(`emailLog.statuses.${item.status}`, { defaultValue: item.status })}</td>
                <td>{item.error ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  )
}

export function ErrorBoundary() {
  const error = useRouteError()
  const { t } = useTranslation('followup')
  const status = isRouteErrorResponse(error) ? error.status : 500
  return (
    <section className="error-page">
      <h1>{t('emailLog.title')}</h1>
      <p role="alert">{status === 403 ? 'Forbidden' : status === 404 ? 'Not found' : 'Error'}</p>
    </section>
  )
}
