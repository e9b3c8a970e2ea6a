import { data, type ActionFunctionArgs, type HeadersFunction, type LoaderFunctionArgs } from '@remix-run/node'
import { Form, isRouteErrorResponse, useActionData, useLoaderData, useRouteError, useRouteLoaderData } from '@remix-run/react'
import { useEffect, useRef } from 'react'
import { useTranslation } from 'react-i18next'
import { SUPPORTED_LOCALES } from '#app/i18n/config.ts'
import { requireActor, requireActorForAction, restoreDraft } from '#app/utils/auth.server.ts'
import { draftValue, type Draft } from '#app/utils/draft.ts'
import {
  changePassword,
  createApiToken,
  isAppError,
  loadSettings,
  revokeApiToken,
  signOutOtherSessions,
  updateNotificationSettings,
  updateProfile,
} from './settings.server.ts'
import { titleMeta } from '#app/utils/page-title.ts'
import { describedField } from '#app/components/field.ts'

type LoaderData = Awaited<ReturnType<typeof loadSettings>> & { draft: Draft | null }

export const handle = { i18n: ['settings', 'auth', 'followup'] }

export const meta = titleMeta('settings', 'title')

/** Nothing of this page may be cached (it can show a new API token); a restored draft clears its cookie. */
export const headers: HeadersFunction = ({ loaderHeaders, actionHeaders }) => {
  const headers = new Headers({ 'Cache-Control': 'no-store' })
  for (const cookie of [...loaderHeaders.getSetCookie(), ...actionHeaders.getSetCookie()]) headers.append('Set-Cookie', cookie)
  return headers
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  const actor = requireActor(request, context)
  const settings = await loadSettings(actor, context.locale)
  const { draft, headers } = await restoreDraft(request)
  return data({ ...settings, draft }, { headers })
}

type Intent = 'profile' | 'notifications' | 'password' | 'signOutOthers' | 'createToken' | 'revokeToken'
type Message = { key: string; values?: Record<string, string | number> }
type ActionResult = {
  intent: Intent | null
  ok?: Message
  error?: Message & { field?: string }
  /** A newly created API token: shown once, never again. */
  token?: string
}

const INTENTS: readonly Intent[] = ['profile', 'notifications', 'password', 'signOutOthers', 'createToken', 'revokeToken']

export async function action({ request, context }: ActionFunctionArgs) {
  const actor = await requireActorForAction(request, context)
  // Account settings change only from a browser session, never with an API token.
  if (actor.via !== 'session') throw new Response('Forbidden: account settings need a signed-in browser session', { status: 403 })
  const form = await request.formData()
  const raw = String(form.get('intent') ?? '')
  const intent = (INTENTS as readonly string[]).includes(raw) ? (raw as Intent) : null
  const field = (name: string) => String(form.get(name) ?? '')
  const meta = { ip: context.clientIp ?? null }
  try {
    switch (intent) {
      case 'profile':
        await updateProfile(actor, {
          name: field('name'),
          locale: field('locale') as 'es',
          timeZone: field('timeZone'),
          // The frequency now lives in the Notifications form; an older form that still sends it is honoured.
          digestFrequency: form.has('digestFrequency') ? (field('digestFrequency') as 'daily') : undefined,
        })
        return { intent, ok: { key: 'saved' } } satisfies ActionResult
      case 'notifications': {
        // Every posted field but the intent is a category (or the frequency): the service names any it does not know.
        const input: Record<string, string> = {}
        for (const [name, value] of form) if (name !== 'intent') input[name] = String(value)
        await updateNotificationSettings(actor, input)
        return { intent, ok: { key: 'notifications.saved' } } satisfies ActionResult
      }
      case 'password': {
        const { endedSessions } = await changePassword(actor, { currentPassword: field('currentPassword'), newPassword: field('newPassword') }, meta)
        return { intent, ok: { key: 'password.changed', values: { count: endedSessions } } } satisfies ActionResult
      }
      case 'signOutOthers': {
        const { endedSessions } = await signOutOtherSessions(actor, meta)
        return { intent, ok: { key: 'sessions.signedOutOthers', values: { count: endedSessions } } } satisfies ActionResult
      }
      case 'createToken': {
        const { token } = await createApiToken(actor, { name: field('tokenName') })
        return { intent, ok: { key: 'tokens.createdOnce' }, token } satisfies ActionResult
      }
      case 'revokeToken':
        await revokeApiToken(actor, { tokenId: field('tokenId') })
        return { intent, ok: { key: 'tokens.revoked' } } satisfies ActionResult
      default:
        return data<ActionResult>({ intent: null, error: { key: 'errors.invalid', field: 'intent' } }, { status: 400 })
    }
  } catch (error) {
    if (!isAppError(error)) throw error
    const i18n = error.details.i18n
    if (error.code === 'TOO_MANY_REQUESTS') {
      const minutes = Math.max(1, Math.ceil(Number(error.details.retryAfterSeconds ?? 60) / 60))
      return data<ActionResult>({ intent, error: { key: 'auth:login.throttled', values: { count: minutes }, field: 'currentPassword' } }, { status: 429 })
    }
    if (error.code === 'BAD_REQUEST' || error.code === 'NOT_FOUND') {
      const field = typeof error.details.field === 'string' ? error.details.field : undefined
      const values = (i18n?.values ?? {}) as Record<string, string | number>
      return data<ActionResult>({ intent, error: { key: i18n?.key ?? 'errors.invalid', values, field } }, { status: error.code === 'NOT_FOUND' ? 404 : 400 })
    }
    throw error
  }
}

/** Settings keys are given without namespace; keys of other namespaces carry theirs (`auth:…`). */
function useMessage() {
  const { t } = useTranslation('settings')
  return (message: Message | undefined) => (message ? t(message.key.replace(/^settings:/, ''), message.values ?? {}) : null)
}

export default function Settings() {
  const { t } = useTranslation('settings')
  const message = useMessage()
  const { profile, timeZones, notifications, sessions, tokens, draft } = useLoaderData<LoaderData>()
  const result = useActionData<ActionResult>()
  const statusRef = useRef<HTMLDivElement>(null)

  const profileDraft = draftValue(draft, 'intent') === 'profile' ? draft : null
  const tokenDraft = draftValue(draft, 'intent') === 'createToken' ? draft : null
  const notificationsDraft = draftValue(draft, 'intent') === 'notifications' ? draft : null
  /** A notifications error names its field by the label the reader sees (or as posted, for a category that does not exist). */
  const fieldLabel = (name: string) =>
    name === 'digestFrequency' ? t('profile.digest') : name in notifications.modes ? t(`notifications.category.${name}`) : name
  const notificationsError =
    result?.intent === 'notifications' && result.error ? t(result.error.key.replace(/^settings:/, ''), { field: fieldLabel(result.error.field ?? '') }) : null
  const errorFor = (intent: Intent, name: string) => (result?.intent === intent && result.error?.field === name ? message(result.error) : null)
  const fieldProps = (intent: Intent, name: string, id: string, ...hintIds: string[]) => ({ id, name, ...describedField(!!errorFor(intent, name), `${id}-error`, ...hintIds) })
  const FieldError = ({ intent, name, id }: { intent: Intent; name: string; id: string }) => {
    const error = errorFor(intent, name)
    return error ? (
      <p className="field-error" id={`${id}-error`}>
        {error}
      </p>
    ) : null
  }

  useEffect(() => {
    if (result) statusRef.current?.focus()
  }, [result])

  const otherSessions = sessions.filter((s) => !s.current).length

  return (
    <section className="settings" aria-labelledby="settings-title">
      <h1 id="settings-title">{t('title')}</h1>
      {draft ? (
        <p className="notice" role="status">
          {t('draftRestored')}
        </p>
      ) : null}
      <div aria-live="polite" aria-atomic="true" tabIndex={-1} ref={statusRef}>
        {result?.ok ? <p className="notice">{message(result.ok)}</p> : null}
        {result?.error && !result.error.field ? <p className="form-error">{message(result.error)}</p> : null}
        {notificationsError ? <p className="form-error">{notificationsError}</p> : null}
      </div>

      <section aria-labelledby="profile-heading">
        <h2 id="profile-heading">{t('profile.heading')}</h2>
        <Form method="post">
          <input type="hidden" name="intent" value="profile" />
          <p>
            {t('profile.email')}: <strong>{profile.email}</strong>
          </p>
          <label htmlFor="settings-name">{t('profile.name')}</label>
          <input {...fieldProps('profile', 'name', 'settings-name')} autoComplete="name" required maxLength={200} defaultValue={draftValue(profileDraft, 'name') ?? profile.name} />
          <FieldError intent="profile" name="name" id="settings-name" />

          <label htmlFor="settings-locale">{t('profile.language')}</label>
          <select {...fieldProps('profile', 'locale', 'settings-locale')} defaultValue={draftValue(profileDraft, 'locale') ?? profile.locale}>
            {SUPPORTED_LOCALES.map((lng) => (
              <option key={lng} value={lng} lang={lng}>
                {t(`languages.${lng}`, { ns: 'common' })}
              </option>
            ))}
          </select>
          <FieldError intent="profile" name="locale" id="settings-locale" />

          <label htmlFor="settings-timezone">{t('profile.timeZone')}</label>
          <select
            {...fieldProps('profile', 'timeZone', 'settings-timezone', 'settings-timezone-hint')}
            defaultValue={draftValue(profileDraft, 'timeZone') ?? profile.timeZone}
          >
            {timeZones.map((zone) => (
              <option key={zone} value={zone}>
                {zone.replaceAll('_', ' ')}
              </option>
            ))}
          </select>
          <p className="muted" id="settings-timezone-hint">
            {t('profile.timeZoneHint')}
          </p>
          <FieldError intent="profile" name="timeZone" id="settings-timezone" />

          <p>
            <button type="submit">{t('profile.save')}</button>
          </p>
        </Form>
      </section>

      <section id="notifications" aria-labelledby="notifications-heading">
        <h2 id="notifications-heading">{t('notifications.heading')}</h2>
        <p className="muted">{t('notifications.intro')}</p>
        <p className="notice" id="notifications-mandatory">
          {t('notifications.mandatory')}
        </p>
        <Form method="post" aria-describedby="notifications-mandatory">
          <input type="hidden" name="intent" value="notifications" />
          {(Object.keys(notifications.modes) as (keyof typeof notifications.modes)[]).map((category) => {
            const invalid = result?.intent === 'notifications' && result.error?.field === category
            const current = draftValue(notificationsDraft, category) ?? notifications.current[category]
            return (
              <fieldset key={category} role="radiogroup" aria-invalid={invalid ? true : undefined} aria-describedby={invalid ? `notifications-${category}-error` : undefined}>
                <legend>{t(`notifications.category.${category}`)}</legend>
                {notifications.modes[category].map((mode) => (
                  <label key={mode} className="inline">
                    <input type="radio" name={category} value={mode} defaultChecked={current === mode} /> {t(`notifications.mode.${mode}`)}
                  </label>
                ))}
                {invalid ? (
                  <p className="field-error" id={`notifications-${category}-error`}>
                    {notificationsError}
                  </p>
                ) : null}
              </fieldset>
            )
          })}
          <fieldset
            role="radiogroup"
            {...describedField(result?.intent === 'notifications' && result.error?.field === 'digestFrequency', 'settings-digest-error')}
          >
            <legend>{t('profile.digest')}</legend>
            {(['daily', 'weekly', 'off'] as const).map((value) => (
              <label key={value} className="inline">
                <input
                  type="radio"
                  name="digestFrequency"
                  value={value}
                  defaultChecked={(draftValue(notificationsDraft, 'digestFrequency') ?? profile.digestFrequency) === value}
                />{' '}
                {t(`profile.digest${value[0].toUpperCase()}${value.slice(1)}`)}
              </label>
            ))}
            {result?.intent === 'notifications' && result.error?.field === 'digestFrequency' ? (
              <p className="field-error" id="settings-digest-error">
                {notificationsError}
              </p>
            ) : null}
          </fieldset>
          <p>
            <button type="submit">{t('notifications.save')}</button>
          </p>
        </Form>
      </section>

      <section aria-labelledby="password-heading">
        <h2 id="password-heading">{t('password.heading')}</h2>
        <Form method="post">
          <input type="hidden" name="intent" value="password" />
          {/* For password managers: which account this is. */}
          <input type="hidden" name="username" autoComplete="username" value={profile.email} />
          <label htmlFor="settings-current-password">{t('password.current')}</label>
          <input {...fieldProps('password', 'currentPassword', 'settings-current-password')} type="password" autoComplete="current-password" required />
          <FieldError intent="password" name="currentPassword" id="settings-current-password" />
          <label htmlFor="settings-new-password">{t('password.new')}</label>
          <input
            {...fieldProps('password', 'newPassword', 'settings-new-password', 'settings-new-password-hint')}
            type="password"
            autoComplete="new-password"
            required
            minLength={12}
            maxLength={200}
          />
          <p className="muted" id="settings-new-password-hint">
            {t('password.hint')}
          </p>
          <FieldError intent="password" name="newPassword" id="settings-new-password" />
          <p>
            <button type="submit">{t('password.submit')}</button>
          </p>
        </Form>
      </section>

      <section aria-labelledby="sessions-heading">
        <h2 id="sessions-heading">{t('sessions.heading')}</h2>
        <table>
          <thead>
            <tr>
              <th scope="col">{t('sessions.created')}</th>
              <th scope="col">{t('sessions.lastSeen')}</th>
              <th scope="col">{t('sessions.device')}</th>
              <th scope="col">{t('sessions.ip')}</th>
            </tr>
          </thead>
          <tbody>
            {sessions.map((s) => (
              <tr key={s.key} aria-current={s.current ? 'true' : undefined}>
                <td>
                  {s.createdAt}
                  {s.current ? <strong className="status"> {t('sessions.current')}</strong> : null}
                </td>
                <td>{s.lastSeenAt}</td>
                <td>{s.userAgent ?? t('sessions.unknown')}</td>
                <td>{s.ip ?? t('sessions.unknown')}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {otherSessions > 0 ? (
          <Form method="post">
            <input type="hidden" name="intent" value="signOutOthers" />
            <p>
              <button type="submit" className="secondary">
                {t('sessions.signOutOthers')}
              </button>
            </p>
          </Form>
        ) : (
          <p className="muted">{t('sessions.none')}</p>
        )}
      </section>

      <section aria-labelledby="tokens-heading">
        <h2 id="tokens-heading">{t('tokens.heading')}</h2>
        <p className="muted">{t('tokens.intro')}</p>
        {result?.intent === 'createToken' && result.token ? (
          <div className="notice" role="status">
            <p>{t('tokens.createdOnce')}</p>
            <p>
              <code className="new-token" data-testid="new-api-token">
                {result.token}
              </code>
            </p>
          </div>
        ) : null}
        <Form method="post">
          <input type="hidden" name="intent" value="createToken" />
          <label htmlFor="settings-token-name">{t('tokens.name')}</label>
          <input {...fieldProps('createToken', 'name', 'settings-token-name')} name="tokenName" required maxLength={100} defaultValue={draftValue(tokenDraft, 'tokenName') ?? ''} />
          <FieldError intent="createToken" name="name" id="settings-token-name" />
          <p>
            <button type="submit">{t('tokens.create')}</button>
          </p>
        </Form>
        {tokens.length ? (
          <table>
            <thead>
              <tr>
                <th scope="col">{t('tokens.name')}</th>
                <th scope="col">{t('tokens.created')}</th>
                <th scope="col">{t('tokens.lastUsed')}</th>
                <th scope="col">{t('tokens.status')}</th>
              </tr>
            </thead>
            <tbody>
              {tokens.map((token) => (
                <tr key={token.id}>
                  <td>{token.name}</td>
                  <td>{token.createdAt}</td>
                  <td>{token.lastUsedAt ?? t('tokens.never')}</td>
                  <td>
                    {token.revokedAt ? (
                      t('tokens.revokedAt', { date: token.revokedAt })
                    ) : (
                      <Form method="post">
                        <input type="hidden" name="intent" value="revokeToken" />
                        <input type="hidden" name="tokenId" value={token.id} />
                        {t('tokens.active')}{' '}
                        <button type="submit" className="danger" aria-label={t('tokens.revokeLabel', { name: token.name })}>
                          {t('tokens.revoke')}
                        </button>
                      </Form>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p className="muted">{t('tokens.none')}</p>
        )}
      </section>
    </section>
  )
}

export function ErrorBoundary() {
  const error = useRouteError()
  const { t } = useTranslation()
  const root = useRouteLoaderData<{ requestId: string }>('root')
  const status = isRouteErrorResponse(error) ? error.status : 500
  return (
    <section className="error-page" aria-labelledby="settings-error-title">
      <h1 id="settings-error-title">{t('errors.title')}</h1>
      <p role="alert">{status === 404 ? t('errors.notFound') : t('errors.unexpected', { requestId: root?.requestId ?? '' })}</p>
      <a href="/">{t('errors.backHome')}</a>
    </section>
  )
}
