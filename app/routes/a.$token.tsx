import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import { Form, useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { formErrorOf, formString } from '#app/utils/form-errors.server.ts'
import type { FormError } from '#app/utils/form-errors.server.ts'
import { openStatusLink, submitStatusLink, type TStatusLinkView } from './follow-up.server.ts'
import { titleMeta } from '#app/utils/page-title.ts'

export const handle = { i18n: ['followup', 'admin', 'assignments'] }

export const meta = titleMeta('followup', 'statusLink.title', { values: (data) => ({ code: (data as { view?: { code?: string } | null }).view?.code }), extra: [{ name: 'robots', content: 'noindex' }, { name: 'referrer', content: 'no-referrer' }] })

const STATUSES = ['in_progress', 'blocked', 'submitted', 'not_applicable'] as const

/**
 * The signed status link of a reminder. GET only shows the confirmation
 * form — it never changes data, so a mail scanner prefetching the link
 * cannot change a status.
 */
export async function loader({ params, context }: LoaderFunctionArgs) {
  const view = await openStatusLink(params.token ?? '', context.locale)
  return data({ view }, { status: view ? 200 : 404, headers: { 'Cache-Control': 'no-store' } })
}

/** Submitting goes through the normal assignment update, version check included. */
export async function action({ request, params, context }: ActionFunctionArgs) {
  const form = await request.formData()
  try {
    const saved = await submitStatusLink(params.token ?? '', {
      version: Number(formString(form, 'version')),
      status: formString(form, 'status'),
      progressNote: formString(form, 'progressNote'),
    })
    return data({ saved: { status: saved.status }, error: null })
  } catch (error) {
    const refused = formErrorOf(error)
    const view = await openStatusLink(params.token ?? '', context.locale)
    return data({ saved: null, error: refused.error, view }, { status: refused.status })
  }
}

export default function StatusLinkPage() {
  const loaded = useLoaderData() as { view: TStatusLinkView | null }
  const result = useActionData() as { saved: { status: string } | null; error: FormError | null; view?: TStatusLinkView | null } | undefined
  const { t } = useTranslation('followup')
  const view = (result && 'view' in result ? result.view : null) ?? loaded.view
  if (!view) {
    return (
      <section className="narrow-page">
        <h1>Ruta</h1>
        <p role="alert">{t('statusLink.invalid')}</p>
      </section>
    )
  }
  return (
    <section className="narrow-page" aria-labelledby="status-link-title">
      <h1 id="status-link-title">{t('statusLink.title', { code: view.code })}</h1>
      <p>{t('statusLink.intro', { code: view.code, title: view.title, country: view.assignee })}</p>
      <p>{t('statusLink.current', { status: t(`status.${view.status}`) })}</p>
      <div aria-live="polite">
        {result?.saved ? <p role="status">{t('statusLink.saved', { status: t(`status.${result.saved.status}`) })}</p> : null}
        {result?.error ? <p role="alert">{String(t(result.error.key, { ...result.error.values, defaultValue: result.error.key }))}</p> : null}
      </div>
      {result?.saved ? null : (
        <Form method="post">
          <input type="hidden" name="version" value={view.version} />
          <label htmlFor="status-link-status">{t('statusLink.status')}</label>
          <select id="status-link-status" name="status" defaultValue={view.status === 'not_started' ? 'in_progress' : view.status}>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`status.${s}`)}
              </option>
            ))}
          </select>
          <label htmlFor="status-link-note">{t('statusLink.note')}</label>
          <textarea id="status-link-note" name="progressNote" rows={4} />
          <button type="submit">{t('statusLink.submit')}</button>
        </Form>
      )}
    </section>
  )
}

export function ErrorBoundary() {
  const { t } = useTranslation('followup')
  return (
    <section className="narrow-page">
      <p role="alert">{t('statusLink.invalid')}</p>
    </section>
  )
}
