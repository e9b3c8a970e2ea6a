import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import { Form, useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { inspectUnsubscribe, unsubscribe, type TUnsubscribeView } from './follow-up.server.ts'
import { titleMeta } from '#app/utils/page-title.ts'

export const handle = { i18n: ['followup'] }

export const meta = titleMeta('followup', 'unsubscribePage.title', { extra: [{ name: 'robots', content: 'noindex' }, { name: 'referrer', content: 'no-referrer' }] })

/** GET only asks for confirmation: a link scanner that follows it unsubscribes no one. */
export async function loader({ params }: LoaderFunctionArgs) {
  const view = await inspectUnsubscribe(params.token ?? '')
  return data({ view }, { status: view ? 200 : 404, headers: { 'Cache-Control': 'no-store' } })
}

/**
 * POST: the confirmation form, and RFC 8058 one-click unsubscribe from a
 * mail client (body `List-Unsubscribe=One-Click`). No session and no Origin
 * needed: the signed token in the URL is the proof.
 */
export async function action({ params }: ActionFunctionArgs) {
  const done = await unsubscribe(params.token ?? '')
  return data({ done }, { status: done ? 200 : 404, headers: { 'Cache-Control': 'no-store' } })
}

export default function UnsubscribePage() {
  const { view } = useLoaderData() as { view: TUnsubscribeView | null }
  const result = useActionData() as { done: TUnsubscribeView | null } | undefined
  const { t } = useTranslation('followup')
  const category = (c: string) => t(`category.${c}`)
  return (
    <section className="narrow-page" aria-labelledby="unsubscribe-title">
      <h1 id="unsubscribe-title">{t('unsubscribePage.title')}</h1>
      <div aria-live="polite">
        {result ? (
          <p role="status">{result.done ? t('unsubscribePage.done', { category: category(result.done.category) }) : t('unsubscribePage.invalid')}</p>
        ) : !view ? (
          <p role="alert">{t('unsubscribePage.invalid')}</p>
        ) : (
          <Form method="post">
            <p>{t('unsubscribePage.confirm', { category: category(view.category), email: view.email })}</p>
            <button type="submit">{t('unsubscribePage.button')}</button>
          </Form>
        )}
      </div>
    </section>
  )
}

export function ErrorBoundary() {
  const { t } = useTranslation('followup')
  return (
    <section className="narrow-page">
      <h1>{t('unsubscribePage.title')}</h1>
      <p role="alert">{t('unsubscribePage.invalid')}</p>
    </section>
  )
}
