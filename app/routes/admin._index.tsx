import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { SUPPORTED_LOCALES } from '#app/i18n/config.ts'
import { requireActor, requireActorForAction } from '#app/utils/auth.server.ts'
import { formErrorOf, formString, type FormError } from '#app/utils/form-errors.server.ts'
import { createWorkspace, inviteSecretariat, listWorkspaces } from '#app/utils/accounts.server.ts'
import { suggestedCountries } from '#app/utils/workspace-setup.server.ts'
import { LiveMessages } from '#app/components/live-messages.tsx'
import { describedField } from '#app/components/field.ts'

export const handle = { i18n: ['admin', 'common'] }

export async function loader({ request, context }: LoaderFunctionArgs) {
  const actor = requireActor(request, context)
  if (!actor.isAdmin) throw new Response('Forbidden', { status: 403, statusText: 'Forbidden' })
  const workspaces = await listWorkspaces(actor)
  return {
    workspaces: workspaces.map((w) => ({ id: w.id, slug: w.slug, name: w.name, locale: w.default_locale, timeZone: w.time_zone, members: w.members })),
    memberOf: actor.memberships.map((m) => m.slug),
    timeZones: Intl.supportedValuesOf('timeZone'),
    suggestedCountries: suggestedCountries(context.locale),
  }
}

const FIELDS = ['slug', 'name', 'defaultLocale', 'timeZone', 'secretariatEmail', 'countryCodesOther'] as const
type Values = Partial<Record<(typeof FIELDS)[number], string>> & { countryCodes?: string[] }
type ActionResult =
  | { ok: true; notice: { key: string; values: Record<string, string> } }
  | { ok: false; error: FormError; values: Values; intent: 'create' | 'invite'; workspaceId?: string; email?: string }

export async function action({ request, context }: ActionFunctionArgs) {
  const actor = await requireActorForAction(request, context)
  if (!actor.isAdmin) throw new Response('Forbidden', { status: 403, statusText: 'Forbidden' })
  const form = await request.formData()
  if (formString(form, 'intent') === 'invite') {
    const workspaceId = formString(form, 'workspaceId')
    const email = formString(form, 'email')
    try {
      const result = await inviteSecretariat(actor, { workspaceId, email })
      if (result.delivery.status === 'failed') {
        return data<ActionResult>({ ok: true, notice: { key: 'admin:admin.invitedMailFailed', values: { email: result.email, error: result.delivery.error } } }, { status: 202 })
      }
      return data<ActionResult>({ ok: true, notice: { key: 'admin:admin.invited', values: { email: result.email } } })
    } catch (error) {
      const { status, error: formError } = formErrorOf(error)
      return data<ActionResult>({ ok: false, intent: 'invite', error: formError, values: {}, workspaceId, email }, { status })
    }
  }
  const values: Values = Object.fromEntries(FIELDS.map((f) => [f, formString(form, f)]))
  values.countryCodes = form.getAll('countryCodes').filter((v): v is string => typeof v === 'string')
  try {
    const result = await createWorkspace(actor, {
      slug: values.slug ?? '',
      name: values.name ?? '',
      defaultLocale: (values.defaultLocale ?? '') as (typeof SUPPORTED_LOCALES)[number],
      timeZone: values.timeZone ?? '',
      secretariatEmail: values.secretariatEmail ?? '',
      countryCodes: [...values.countryCodes, ...(values.countryCodesOther ?? '').split(/[\s,;]+/)],
    })
    const email = (values.secretariatEmail ?? '').trim().toLowerCase()
    if (result.delivery.status === 'failed') {
      return data<ActionResult>({ ok: true, notice: { key: 'admin:admin.createdMailFailed', values: { name: values.name ?? '', email, error: result.delivery.error } } }, { status: 202 })
    }
    return data<ActionResult>({ ok: true, notice: { key: 'admin:admin.created', values: { name: values.name ?? '', email } } })
  } catch (error) {
    const { status, error: formError } = formErrorOf(error)
    return data<ActionResult>({ ok: false, intent: 'create', error: formError, values }, { status })
  }
}

export default function AdminHome() {
  const { t } = useTranslation('admin')
  const { workspaces, memberOf, timeZones, suggestedCountries } = useLoaderData<typeof loader>()
  const result = useActionData<ActionResult>()
  const navigation = useNavigation()
  const inviteFailure = result && !result.ok && result.intent === 'invite' ? result : null
  const error = result && !result.ok && result.intent === 'create' ? result.error : null
  const values: Values = result && !result.ok ? result.values : {}
  const invalid = (field: string) => describedField(error?.field === field, 'admin-error')
  return (
    <section className="admin-page" aria-labelledby="admin-title">
      <h1 id="admin-title">{t('admin.title')}</h1>
      <LiveMessages notice={result?.ok ? t(result.notice.key, result.notice.values) : null} />

      <h2 id="workspaces-heading">{t('admin.workspacesHeading')}</h2>
      {workspaces.length === 0 ? (
        <p className="muted">{t('admin.none')}</p>
      ) : (
        <table aria-labelledby="workspaces-heading">
          <thead>
            <tr>
              <th scope="col">{t('admin.name')}</th>
              <th scope="col">{t('admin.slug')}</th>
              <th scope="col">{t('admin.language')}</th>
              <th scope="col">{t('admin.timeZone')}</th>
              <th scope="col">{t('admin.members')}</th>
              <th scope="col">{t('admin.inviteSecretariat')}</th>
            </tr>
          </thead>
          <tbody>
            {workspaces.map((w) => (
              <tr key={w.id}>
                <th scope="row">{w.name}</th>
                <td>{memberOf.includes(w.slug) ? <Link to={`/w/${w.slug}`}>/w/{w.slug}</Link> : `/w/${w.slug}`}</td>
                <td>{t(`languages.${w.locale}`, { ns: 'common' })}</td>
                <td>{w.timeZone}</td>
                <td>{w.members}</td>
                <td>
                  <Form method="post" className="inline-form">
                    <input type="hidden" name="intent" value="invite" />
                    <input type="hidden" name="workspaceId" value={w.id} />
                    <label htmlFor={`invite-${w.id}`} className="visually-hidden">
                      {t('admin.inviteSecretariatLabel', { name: w.name })}
                    </label>
                    <input
                      id={`invite-${w.id}`}
                      name="email"
                      type="email"
                      required
                      maxLength={254}
                      defaultValue={inviteFailure?.workspaceId === w.id ? inviteFailure.email : ''}
                      {...describedField(inviteFailure?.workspaceId === w.id, `invite-${w.id}-error`)}
                    />
                    <button type="submit" className="secondary" disabled={navigation.state === 'submitting'}>
                      {t('admin.inviteSecretariatSubmit')}
                    </button>
                  </Form>
                  {inviteFailure?.workspaceId === w.id ? (
                    <p className="field-error" role="alert" id={`invite-${w.id}-error`}>
                      {t(inviteFailure.error.key, inviteFailure.error.values)}
                    </p>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <h2 id="create-heading">{t('admin.createHeading')}</h2>
      <p className="muted">{t('admin.createIntro')}</p>
      <Form method="post" aria-labelledby="create-heading">
        <input type="hidden" name="intent" value="create" />
        {error ? (
          <p className="form-error" role="alert" id="admin-error">
            {t(error.key, error.values)}
          </p>
        ) : null}
        <label htmlFor="ws-name">{t('admin.nameLabel')}</label>
        <input id="ws-name" name="name" required maxLength={200} defaultValue={values.name ?? ''} {...invalid('name')} />
        <label htmlFor="ws-slug">{t('admin.slugLabel')}</label>
        <input
          id="ws-slug"
          name="slug"
          required
          pattern="[a-z0-9][a-z0-9\-]{1,39}"
          maxLength={40}
          defaultValue={values.slug ?? ''}
          {...describedField(error?.field === 'slug', 'admin-error', 'ws-slug-hint')}
        />
        <p className="muted" id="ws-slug-hint">
          {t('admin.slugHint')}
        </p>
        <label htmlFor="ws-locale">{t('admin.defaultLocale')}</label>
        <select id="ws-locale" name="defaultLocale" defaultValue={values.defaultLocale || 'es'}>
          {SUPPORTED_LOCALES.map((l) => (
            <option key={l} value={l}>
              {t(`languages.${l}`, { ns: 'common' })}
            </option>
          ))}
        </select>
        <label htmlFor="ws-tz">{t('admin.timeZoneLabel')}</label>
        <input
          id="ws-tz"
          name="timeZone"
          required
          list="time-zones"
          autoComplete="off"
          defaultValue={values.timeZone || 'America/Lima'}
          {...describedField(error?.field === 'timeZone', 'admin-error', 'ws-tz-hint')}
        />
        <datalist id="time-zones">
          {timeZones.map((zone) => (
            <option key={zone} value={zone} />
          ))}
        </datalist>
        <p className="muted" id="ws-tz-hint">
          {t('admin.timeZoneHint')}
        </p>
        <label htmlFor="ws-email">{t('admin.secretariatEmail')}</label>
        <input id="ws-email" name="secretariatEmail" type="email" required maxLength={254} defaultValue={values.secretariatEmail ?? ''} {...invalid('secretariatEmail')} />
        <fieldset className="country-choices" aria-describedby="ws-countries-hint">
          <legend>{t('admin.countriesLegend')}</legend>
          <p className="muted" id="ws-countries-hint">
            {t('admin.countriesHint')}
          </p>
          {suggestedCountries.map((c) => (
            <label key={c.code} className="checkbox">
              <input type="checkbox" name="countryCodes" value={c.code} defaultChecked={values.countryCodes?.includes(c.code)} /> {c.name} ({c.code})
            </label>
          ))}
          <label htmlFor="ws-countries-other">{t('admin.countriesOther')}</label>
          <input id="ws-countries-other" name="countryCodesOther" autoComplete="off" maxLength={1000} defaultValue={values.countryCodesOther ?? ''} {...invalid('countryCodes')} />
        </fieldset>
        <p>
          <button type="submit" disabled={navigation.state === 'submitting'}>
            {t('admin.submit')}
          </button>
        </p>
      </Form>
    </section>
  )
}
