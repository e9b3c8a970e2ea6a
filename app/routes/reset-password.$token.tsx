import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { RouteError } from '#app/components/route-error.tsx'
import { formErrorOf, formString, type FormError } from '#app/utils/form-errors.server.ts'
import type { ResetState } from '#server/services/password-reset/inspect-password-reset.ts'
import { inspectPasswordReset, resetPassword, ResetUnusableError } from '#app/utils/accounts.server.ts'
import { titleMeta } from '#app/utils/page-title.ts'
import { ErrorMessage } from '#app/components/error-message.tsx'
import { NewPasswordFields } from '#app/components/new-password-fields.tsx'

export const handle = { i18n: ['admin', 'auth'] }

export const meta = titleMeta('admin', 'reset.title', { extra: [{ name: 'robots', content: 'noindex' }, { name: 'referrer', content: 'no-referrer' }] })

/** GET shows the form only; the link is used up when the new password is submitted. */
export async function loader({ params }: LoaderFunctionArgs) {
  const view = await inspectPasswordReset(params.token ?? '')
  return data(view, { status: view.state === 'valid' ? 200 : view.state === 'unknown' ? 404 : 410, headers: { 'Cache-Control': 'no-store' } })
}

type ActionResult = { error: FormError } | { unusable: ResetState }

export async function action({ request, params, context }: ActionFunctionArgs) {
  const form = await request.formData()
  try {
    const result = await resetPassword(
      { token: params.token ?? '', password: formString(form, 'password'), passwordConfirm: formString(form, 'passwordConfirm') },
      { ip: context.clientIp ?? null, userAgent: request.headers.get('user-agent') },
    )
    // Every session of the user has ended; a fresh one is issued when they may sign in.
    if (result.cookie) return redirect('/', { status: 303, headers: { 'Set-Cookie': result.cookie } })
    return redirect('/login?reset=1', 303)
  } catch (error) {
    if (error instanceof ResetUnusableError) return data<ActionResult>({ unusable: error.state }, { status: error.state === 'unknown' ? 404 : 410 })
    const { status, error: formError } = formErrorOf(error)
    return data<ActionResult>({ error: formError }, { status })
  }
}

export default function ResetPasswordPage() {
  const { t } = useTranslation('admin')
  const view = useLoaderData<{ state: ResetState; email: string | null }>()
  const result = useActionData<ActionResult>()
  const navigation = useNavigation()
  const state = result && 'unusable' in result ? result.unusable : view.state
  if (state !== 'valid') {
    return (
      <section className="reset-page" aria-labelledby="reset-title">
        <h1 id="reset-title">{t('reset.unusableTitle')}</h1>
        <p role="alert">{t(`reset.state.${state}`)}</p>
        <p>
          <Link to="/forgot-password">{t('reset.requestNew')}</Link>
        </p>
      </section>
    )
  }
  const error = result && 'error' in result ? result.error : null
  return (
    <section className="reset-page" aria-labelledby="reset-title">
      <h1 id="reset-title">{t('reset.title')}</h1>
      <p>{t('reset.intro', { email: view.email })}</p>
      <div aria-live="assertive" aria-atomic="true">
        <ErrorMessage id="reset-error" message={error && t(error.key, error.values)} />
      </div>
      <Form method="post">
        <input type="email" name="username" value={view.email ?? ''} autoComplete="username" readOnly hidden />
        <NewPasswordFields
          id="reset"
          errorId="reset-error"
          errorField={error?.field}
          labels={{ password: t('reset.password'), hint: t('reset.passwordHint'), again: t('reset.passwordAgain') }}
        />
        <p>
          <button type="submit" disabled={navigation.state === 'submitting'}>
            {t('reset.submit')}
          </button>
        </p>
      </Form>
    </section>
  )
}

export function ErrorBoundary() {
  return <RouteError id="reset" />
}
