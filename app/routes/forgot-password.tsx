import { data, type ActionFunctionArgs, type HeadersFunction } from '@remix-run/node'
import { Form, Link, useActionData, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { RouteError } from '#app/components/route-error.tsx'
import { formErrorOf, formString, type FormError } from '#app/utils/form-errors.server.ts'
import { isAppError, requestPasswordReset } from '#app/utils/accounts.server.ts'
import { titleMeta } from '#app/utils/page-title.ts'
import { accountEmailInput, describedField } from '#app/components/field.ts'
import { ErrorMessage } from '#app/components/error-message.tsx'

export const handle = { i18n: ['admin', 'auth'] }

/** A throttled request says when to retry in the Retry-After header too. */
export const headers: HeadersFunction = ({ actionHeaders }) => {
  const retryAfter = actionHeaders.get('Retry-After')
  return retryAfter ? { 'Retry-After': retryAfter } : new Headers()
}

export const meta = titleMeta('admin', 'forgot.title')

type ActionResult = { sent: true; email: string } | { error: FormError; email: string }

/**
 * The same answer whether or not the address has an account: only a
 * malformed address or the per-IP throttle (which says nothing about any
 * address) gives another one.
 */
export async function action({ request, context }: ActionFunctionArgs) {
  const form = await request.formData()
  const email = formString(form, 'email').trim().slice(0, 320)
  try {
    await requestPasswordReset({ email }, { ip: context.clientIp ?? null, locale: context.locale })
    return data<ActionResult>({ sent: true, email: email.toLowerCase() })
  } catch (error) {
    const { status, error: formError } = formErrorOf(error)
    const retryAfter = isAppError(error) ? Number(error.details.retryAfterSeconds ?? 0) : 0
    return data<ActionResult>({ error: formError, email }, { status, headers: status === 429 && retryAfter > 0 ? { 'Retry-After': String(retryAfter) } : {} })
  }
}

export default function ForgotPassword() {
  const { t } = useTranslation('admin')
  const result = useActionData<ActionResult>()
  const navigation = useNavigation()
  const error = result && 'error' in result ? result.error : null
  return (
    <section className="forgot-page" aria-labelledby="forgot-title">
      <h1 id="forgot-title">{t('forgot.title')}</h1>
      <div aria-live="polite" aria-atomic="true">
        {result && 'sent' in result ? (
          <p className="notice" role="status">
            {t('forgot.sent', { email: result.email })}
          </p>
        ) : null}
        <ErrorMessage id="forgot-error" message={error && t(error.key, error.values)} />
      </div>
      <p>{t('forgot.intro')}</p>
      <Form method="post">
        <label htmlFor="forgot-email">{t('forgot.email')}</label>
        <input
          id="forgot-email"
          {...accountEmailInput}
          defaultValue={result?.email ?? ''}
          {...describedField(!!error, 'forgot-error')}
        />
        <p>
          <button type="submit" disabled={navigation.state === 'submitting'}>
            {t('forgot.submit')}
          </button>
        </p>
      </Form>
      <p>
        <Link to="/login">{t('forgot.back')}</Link>
      </p>
    </section>
  )
}

export function ErrorBoundary() {
  return <RouteError id="forgot" back={{ to: '/login', label: 'nav.signIn' }} />
}
