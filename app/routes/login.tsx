import { data, redirect, type ActionFunctionArgs, type HeadersFunction, type LoaderFunctionArgs } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from '@remix-run/react'
import { useEffect, useRef } from 'react'
import { useTranslation } from 'react-i18next'
import { RouteError } from '#app/components/route-error.tsx'
import { homeOf, isAppError, safeRedirect, signIn } from '#app/utils/auth.server.ts'
import { titleMeta } from '#app/utils/page-title.ts'
import { accountEmailInput, describedField } from '#app/components/field.ts'

export const handle = { i18n: ['auth'] }

/** A throttled attempt says when to retry in the Retry-After header too. */
export const headers: HeadersFunction = ({ actionHeaders }) => {
  const retryAfter = actionHeaders.get('Retry-After')
  return retryAfter ? { 'Retry-After': retryAfter } : new Headers()
}

export const meta = titleMeta('auth', 'login.title')

export async function loader({ request, context }: LoaderFunctionArgs) {
  const url = new URL(request.url)
  const redirectTo = safeRedirect(url.searchParams.get('redirectTo'))
  if (context.actor) throw redirect(redirectTo ?? homeOf(context.actor), 303)
  return { redirectTo, draftKept: request.headers.get('cookie')?.includes('ruta_draft=') ?? false }
}

type ActionResult = { error: { key: string; count?: number }; email: string; field?: 'email' | 'password' }

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await request.formData()
  const email = String(form.get('email') ?? '').slice(0, 320)
  const password = String(form.get('password') ?? '')
  const redirectTo = safeRedirect(form.get('redirectTo'))
  try {
    const result = await signIn(
      { email, password },
      { ip: context.clientIp ?? null, userAgent: request.headers.get('user-agent'), replacesSessionId: context.actor?.sessionId },
    )
    return redirect(redirectTo ?? homeOf(result.actor), { status: 303, headers: { 'Set-Cookie': result.cookie } })
  } catch (error) {
    if (!isAppError(error)) throw error
    if (error.code === 'TOO_MANY_REQUESTS') {
      const seconds = Number(error.details.retryAfterSeconds ?? 60)
      return data<ActionResult>(
        { error: { key: 'login.throttled', count: Math.max(1, Math.ceil(seconds / 60)) }, email },
        { status: 429, headers: { 'Retry-After': String(seconds) } },
      )
    }
    if (error.code === 'BAD_REQUEST') {
      const field = error.details.field === 'password' ? 'password' : 'email'
      return data<ActionResult>({ error: { key: field === 'password' ? 'login.passwordMissing' : 'login.emailMissing' }, email, field }, { status: 400 })
    }
    if (error.code === 'UNAUTHORIZED') return data<ActionResult>({ error: { key: 'login.invalid' }, email }, { status: 401 })
    throw error
  }
}

export default function Login() {
  const { t } = useTranslation('auth')
  const { redirectTo, draftKept } = useLoaderData<typeof loader>()
  const actionData = useActionData<ActionResult>()
  const navigation = useNavigation()
  const [params] = useSearchParams()
  const errorRef = useRef<HTMLParagraphElement>(null)
  const emailRef = useRef<HTMLInputElement>(null)
  const passwordRef = useRef<HTMLInputElement>(null)
  const error = actionData?.error
  const message = error ? t(error.key, error.count === undefined ? {} : { count: error.count }) : null

  // After a failed attempt, focus goes to the field to correct (the message is announced by aria-live).
  useEffect(() => {
    if (!error) return
    if (actionData?.field === 'email') emailRef.current?.focus()
    else passwordRef.current?.focus()
  }, [actionData, error])

  return (
    <section className="login" aria-labelledby="login-title">
      <h1 id="login-title">{t('login.title')}</h1>
      {draftKept && params.get('redirectTo') ? <p className="notice">{t('login.sessionExpired')}</p> : null}
      <div aria-live="assertive" aria-atomic="true">
        {message ? (
          <p className="form-error" id="login-error" role="alert" ref={errorRef}>
            {message}
          </p>
        ) : null}
      </div>
      <Form method="post" action={redirectTo ? `/login?redirectTo=${encodeURIComponent(redirectTo)}` : '/login'} noValidate={false}>
        {redirectTo ? <input type="hidden" name="redirectTo" value={redirectTo} /> : null}
        <label htmlFor="login-email">{t('login.email')}</label>
        <input
          ref={emailRef}
          id="login-email"
          {...accountEmailInput}
          defaultValue={actionData?.email ?? ''}
          autoFocus={!actionData || actionData.field === 'email'}
          {...describedField(!!error, 'login-error')}
        />
        <label htmlFor="login-password">{t('login.password')}</label>
        <input
          ref={passwordRef}
          id="login-password"
          name="password"
          type="password"
          autoComplete="current-password"
          autoFocus={!!actionData && actionData.field !== 'email'}
          required
          maxLength={1024}
          {...describedField(!!error, 'login-error')}
        />
        <p>
          <button type="submit" disabled={navigation.state === 'submitting'}>
            {t('login.submit')}
          </button>
        </p>
      </Form>
      <p>
        <Link to="/forgot-password">{t('login.forgot')}</Link>
      </p>
    </section>
  )
}

export function ErrorBoundary() {
  return <RouteError id="login" back={{ to: '/login', label: 'nav.signIn' }} />
}
