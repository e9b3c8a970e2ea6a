import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, Outlet, useLoaderData, useParams } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { requireLocalOutbox } from '#app/utils/dev-emails.server.ts'
import { db } from '#app/utils/accounts.server.ts'
import { RouteError } from '#app/components/route-error.tsx'

export const handle = { i18n: ['admin', 'common'] }

export const meta: MetaFunction = () => [{ title: 'Ruta — /dev/emails' }, { name: 'robots', content: 'noindex' }]

/** The local outbox, newest first. Development and demo only (404 otherwise). */
export async function loader(_args: LoaderFunctionArgs) {
  requireLocalOutbox()
  const rows = await db.selectFrom('local_mail').select(['id', 'to_address', 'subject', 'created_at']).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(200).execute()
  return { mails: rows.map((r) => ({ id: r.id, to: r.to_address, subject: r.subject, at: r.created_at.toISOString() })) }
}

export default function DevEmails() {
  const { t, i18n } = useTranslation('admin')
  const { mails } = useLoaderData<typeof loader>()
  const params = useParams()
  const fmt = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'short', timeStyle: 'medium', timeZone: 'UTC' })
  return (
    <section className="dev-emails" aria-labelledby="dev-emails-title">
      <h1 id="dev-emails-title">{t('dev.title')}</h1>
      <p className="muted">{t('dev.intro')}</p>
      {mails.length === 0 ? (
        <p>{t('dev.empty')}</p>
      ) : (
        <table aria-labelledby="dev-emails-title">
          <thead>
            <tr>
              <th scope="col">{t('dev.when')}</th>
              <th scope="col">{t('dev.to')}</th>
              <th scope="col">{t('dev.subject')}</th>
            </tr>
          </thead>
          <tbody>
            {mails.map((m) => (
              <tr key={m.id} aria-current={params.id === m.id ? 'true' : undefined}>
                <td>
                  <time dateTime={m.at}>{fmt.format(new Date(m.at))} UTC</time>
                </td>
                <td>{m.to}</td>
                <td>
                  <Link to={`/dev/emails/${m.id}`}>{m.subject}</Link>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Outlet />
    </section>
  )
}

export function ErrorBoundary() {
  return <RouteError id="dev-emails" />
}
