import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { RouteError } from '#app/components/route-error.tsx'
import { formErrorOf, formString, type FormError } from '#app/utils/form-errors.server.ts'
import { acceptInvitation, InvitationUnusableError, inspectInvitation } from '#app/utils/accounts.server.ts'
import type { InvitationState, InvitationView } from '#server/services/invitations/inspect-invitation.ts'
import { titleMeta } from '#app/utils/page-title.ts'
import { describedField } from '#app/components/field.ts'
import { ErrorMessage } from '#app/components/error-message.tsx'
import { NewPasswordFields } from '#app/components/new-password-fields.tsx'

export const handle = { i18n: ['admin', 'auth'] }

export const meta = titleMeta('admin', 'invite.title', {
  values: (data) => ({ workspace: (data as { invitation?: { workspaceName?: string } }).invitation?.workspaceName }),
  fallbackKey: 'invite.unusableTitle',
  extra: [{ name: 'robots', content: 'noindex' }, { name: 'referrer', content: 'no-referrer' }],
})

/**
 * GET only shows the form: a mail scanner that follows the link uses
 * nothing up. Someone who already has an account joins by typing that
 * account's password (no need to sign in first).
 */
export async function loader({ params, context }: LoaderFunctionArgs) {
  const view = await inspectInvitation(params.token ?? '', context.locale)
  return data(view, { status: view.state === 'valid' ? 200 : view.state === 'unknown' ? 404 : 410, headers: { 'Cache-Control': 'no-store' } })
}

type ActionResult = { error: FormError; name: string } | { unusable: InvitationState }

export async function action({ request, params, context }: ActionFunctionArgs) {
  const form = await request.formData()
  const name = formString(form, 'name').slice(0, 300)
  try {
    const result = await acceptInvitation(
      { token: params.token ?? '', name, password: formString(form, 'password'), passwordConfirm: form.has('passwordConfirm') ? formString(form, 'passwordConfirm') : undefined },
      { ip: context.clientIp ?? null, userAgent: request.headers.get('user-agent') },
    )
    return redirect(`/w/${result.workspaceSlug}`, { status: 303, headers: { 'Set-Cookie': result.cookie } })
  } catch (error) {
    if (error instanceof InvitationUnusableError) return data<ActionResult>({ unusable: error.state }, { status: error.state === 'unknown' ? 404 : 410 })
    const { status, error: formError } = formErrorOf(error)
    return data<ActionResult>({ error: formError, name }, { status })
  }
}

export default function InvitePage() {
  const { t } = useTranslation('admin')
  const view = useLoaderData<InvitationView>()
  const result = useActionData<ActionResult>()
  const navigation = useNavigation()
  const state = result && 'unusable' in result ? result.unusable : view.state
  const invitation = view.invitation

  if (state !== 'valid' || !invitation) {
    return (
      <section className="invite-page" aria-labelledby="invite-title">
        <h1 id="invite-title">{t('invite.unusableTitle')}</h1>
        <p role="alert">{t(`invite.state.${state}`)}</p>
        {state !== 'accepted' ? (
          <p>
            {invitation?.inviterEmail
              ? t('invite.askInviter', { name: invitation.inviterName || invitation.inviterEmail, email: invitation.inviterEmail })
              : t('invite.askSecretariat')}
          </p>
        ) : null}
        <p>
          <Link to="/login">{t('invite.signIn')}</Link>
        </p>
      </section>
    )
  }

  const error = result && 'error' in result ? result.error : null
  const role = t(`roles.${invitation.role}`) + (invitation.countryName ? ` — ${invitation.countryName}` : '') + (invitation.organisationName ? ` — ${invitation.organisationName}` : '')
  const described = (field: string) => describedField(error?.field === field, 'invite-error')
  return (
    <section className="invite-page" aria-labelledby="invite-title">
      <h1 id="invite-title">{t('invite.title', { workspace: invitation.workspaceName })}</h1>
      <p>{t('invite.intro', { inviter: invitation.inviterName || invitation.inviterEmail || '', workspace: invitation.workspaceName, role })}</p>
      <div aria-live="assertive" aria-atomic="true">
        <ErrorMessage id="invite-error" message={error && t(error.key, error.values)} />
      </div>
      <Form method="post">
        <label htmlFor="invite-email">{t('invite.email')}</label>
        <input id="invite-email" type="email" value={invitation.email} readOnly autoComplete="username" />
        {view.existingAccount ? (
          <>
            <p>{t('invite.existing', { email: invitation.email, workspace: invitation.workspaceName })}</p>
            <label htmlFor="invite-password">{t('invite.existingPassword')}</label>
            <input id="invite-password" name="password" type="password" autoComplete="current-password" required maxLength={1000} {...described('password')} />
          </>
        ) : (
          <>
            <label htmlFor="invite-name">{t('invite.name')}</label>
            <input
              id="invite-name"
              name="name"
              type="text"
              autoComplete="name"
              required
              maxLength={200}
              defaultValue={result && 'name' in result ? result.name : ''}
              {...described('name')}
            />
            <NewPasswordFields
              id="invite"
              errorId="invite-error"
              errorField={error?.field}
              labels={{ password: t('invite.password'), hint: t('invite.passwordHint'), again: t('invite.passwordAgain') }}
            />
          </>
        )}
        <p>
          <button type="submit" disabled={navigation.state === 'submitting'}>
            {t('invite.submit', { workspace: invitation.workspaceName })}
          </button>
        </p>
      </Form>
      {view.existingAccount ? (
        <p>
          <Link to="/forgot-password">{t('invite.forgot')}</Link>
        </p>
      ) : null}
    </section>
  )
}

export function ErrorBoundary() {
  return <RouteError id="invite" />
}
