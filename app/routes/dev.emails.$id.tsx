import type { LoaderFunctionArgs } from '@remix-run/node'
import { isRouteErrorResponse, Link, useLoaderData, useRouteError } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { requireLocalOutbox } from '#app/utils/dev-emails.server.ts'
import { db } from '#app/utils/accounts.server.ts'

export const handle = { i18n: ['admin', 'common'] }

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export async function loader({ params }: LoaderFunctionArgs) {
  requireLocalOutbox()
  const id = params.id ?? ''
  if (!UUID.test(id)) throw new Response('Not Found', { status: 404 })
  const mail = await db.selectFrom('local_mail').selectAll().where('id', '=', id).executeTakeFirst()
  if (!mail) throw new Response('Not Found', { status: 404 })
  return {
    mail: {
      id: mail.id,
      to: mail.to_address,
      from: mail.from_address,
      subject: mail.subject,
      html: mail.html,
      text: mail.text,
      headers: Object.entries(mail.headers ?? {}).map(([k, v]) => `${k}: ${v}`),
      at: mail.created_at.toISOString(),
    },
  }
}

export default function DevEmail() {
  const { t, i18n } = useTranslation('admin')
  const { mail } = useLoaderData<typeof loader>()
  const at = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeStyle: 'medium', timeZone: 'UTC' }).format(new Date(mail.at))
  return (
    <article className="dev-email" aria-labelledby="dev-email-subject">
      <h2 id="dev-email-subject">{mail.subject}</h2>
      <dl>
        <dt>{t('dev.from')}</dt>
        <dd>{mail.from}</dd>
        <dt>{t('dev.to')}</dt>
        <dd>{mail.to}</dd>
        <dt>{t('dev.when')}</dt>
        <dd>
          <time dateTime={mail.at}>{at} UTC</time>
        </dd>
        {mail.headers.length ? (
          <>
            <dt>{t('dev.headers')}</dt>
            <dd>
              <pre>{mail.headers.join('\n')}</pre>
            </dd>
          </>
        ) : null}
      </dl>
      <h3>{t('dev.html')}</h3>
      {/* An empty sandbox: the message's HTML can run nothing and reach nothing of this page. */}
      <iframe className="dev-email-frame" title={t('dev.frameTitle', { subject: mail.subject })} sandbox="" srcDoc={mail.html} />
      <h3>{t('dev.text')}</h3>
      <pre className="dev-email-text" data-testid="email-text">
        {mail.text}
      </pre>
      <p>
        <Link to="/dev/emails">{t('dev.back')}</Link>
      </p>
    </article>
  )
}

export function ErrorBoundary() {
  const error = useRouteError()
  const { t } = useTranslation()
  const status = isRouteErrorResponse(error) ? error.status : 500
  return (
    <p role="alert" className="form-error">
      {status === 404 ? t('errors.notFound') : t('errors.unexpected', { requestId: '' })}
    </p>
  )
}
