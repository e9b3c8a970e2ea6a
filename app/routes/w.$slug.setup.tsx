import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import { Form, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import type { InputHTMLAttributes, ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import { RouteError } from '#app/components/route-error.tsx'
import { requireActorForAction } from '#app/utils/auth.server.ts'
import { requireWorkspace } from '#app/utils/workspace.server.ts'
import { loadSetup, runSetupAction, type SetupActionResult } from './w.$slug.setup.server.ts'
import { titleMeta } from '#app/utils/page-title.ts'
import { LiveMessages } from '#app/components/live-messages.tsx'
import { describedField } from '#app/components/field.ts'
import { DataTable } from '#app/components/data-table.tsx'
import { ErrorMessage } from '#app/components/error-message.tsx'
import { LocaleOptions } from '#app/components/locale-options.tsx'

export const handle = { i18n: ['workspace', 'common'] }

export const meta = titleMeta('workspace', 'setup.title')

/** Secretariat only: other members get 403, non-members 404, anonymous callers the sign-in page. */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { actor, membership } = requireWorkspace(context, params.slug, request)
  if (membership.role !== 'secretariat') throw new Response('Forbidden', { status: 403, statusText: 'Forbidden' })
  const setup = await loadSetup(actor, membership.workspaceId, context.locale)
  return { workspace: { slug: membership.slug, name: membership.name }, ...setup }
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const actor = await requireActorForAction(request, context)
  const membership = actor.memberships.find((m) => m.slug === params.slug)
  if (!membership) throw new Response('Not Found', { status: 404, statusText: 'Not Found' })
  if (membership.role !== 'secretariat') throw new Response('Forbidden', { status: 403, statusText: 'Forbidden' })
  const { status, result } = await runSetupAction(actor, membership.workspaceId, await request.formData(), context.locale)
  return data<SetupActionResult>(result, { status })
}

export default function SetupPage() {
  const { t, i18n } = useTranslation('workspace')
  const { workspace, countries, organisations, reference, timeZones } = useLoaderData<typeof loader>()
  const result = useActionData<SetupActionResult>()
  const busy = useNavigation().state === 'submitting'
  const failure = result && !result.ok ? result : null
  const failed = (intent: string, target?: string) => (failure && failure.intent === intent && failure.target === target ? failure : null)
  const invalid = (intent: string, field: string, errorId: string, target?: string) => describedField(failed(intent, target)?.error.field === field, errorId)
  const countryName = (c: { nameEs: string; namePt: string; nameEn: string }) => (i18n.language === 'pt' ? c.namePt : i18n.language === 'en' ? c.nameEn : c.nameEs)
  const addCountry = failed('addCountry')
  const addOrganisation = failed('addOrganisation')
  // A refusal that belongs to no form still on the page (e.g. a member state removed meanwhile) is said at the top.
  const rowIds = new Set([...countries.map((c) => c.id), ...organisations.map((o) => o.id)])
  const pageError = failure && failure.intent !== 'addCountry' && failure.intent !== 'addOrganisation' && !(failure.target && rowIds.has(failure.target)) ? failure : null

  return (
    <section className="setup-page" aria-labelledby="setup-title">
      <h1 id="setup-title">{t('setup.title')}</h1>
      <p className="muted">{t('setup.intro', { workspace: workspace.name })}</p>

      <LiveMessages
        notice={result?.ok ? t(result.notice.key, result.notice.values) : null}
        error={pageError ? t(pageError.error.key, pageError.error.values) : null}
      />

      <datalist id="setup-time-zones">
        {timeZones.map((z) => (
          <option key={z} value={z} />
        ))}
      </datalist>

      <h2 id="countries-heading">{t('setup.countriesHeading')}</h2>
      {countries.length === 0 ? (
        <p className="muted">{t('setup.noCountries')}</p>
      ) : (
        <DataTable
          labelledBy="countries-heading"
          columns={[t('setup.code'), t('setup.names'), t('setup.language'), t('setup.timeZone'), t('setup.focalPoints'), t('setup.assignments'), t('setup.actions')]}
        >
          {countries.map((c) => {
            const id = `country-${c.id}`
            const errorId = `${id}-error`
            const rowFailure = failed('updateCountry', c.id) ?? failed('removeCountry', c.id)
            const typed = failed('updateCountry', c.id)?.values
            const name = countryName(c)
            return (
              <tr key={c.id}>
                <th scope="row">{c.code}</th>
                <td lang="es">
                  {c.nameEs} / <span lang="pt">{c.namePt}</span> / <span lang="en">{c.nameEn}</span>
                </td>
                <td>{t(`languages.${c.locale}`, { ns: 'common' })}</td>
                <td>{c.timeZone}</td>
                <td>{c.focalPoints}</td>
                <td>{c.assignments}</td>
                <td>
                  <ErrorMessage className="field-error" id={errorId} message={rowFailure && t(rowFailure.error.key, rowFailure.error.values)} />
                  <RowEditForm label={t('setup.editCountryLabel', { name })} open={!!failed('updateCountry', c.id)} intent="updateCountry" targetName="countryId" target={c.id} busy={busy}>
                    {(['nameEs', 'namePt', 'nameEn'] as const).map((field) => (
                      <TextField
                        key={field}
                        id={`${id}-${field}`}
                        label={t(`setup.${field}`)}
                        name={field}
                        required
                        maxLength={120}
                        defaultValue={typed?.[field] ?? c[field]}
                        {...invalid('updateCountry', field, errorId, c.id)}
                      />
                    ))}
                    <p>
                      <label htmlFor={`${id}-locale`}>{t('setup.language')}</label>
                      <select id={`${id}-locale`} name="locale" defaultValue={typed?.locale ?? c.locale} {...invalid('updateCountry', 'locale', errorId, c.id)}>
                        <LocaleOptions />
                      </select>
                    </p>
                    <TextField
                      id={`${id}-timeZone`}
                      label={t('setup.timeZone')}
                      name="timeZone"
                      required
                      list="setup-time-zones"
                      autoComplete="off"
                      defaultValue={typed?.timeZone ?? c.timeZone}
                      {...invalid('updateCountry', 'timeZone', errorId, c.id)}
                    />
                  </RowEditForm>
                  <Form method="post" className="inline-form">
                    <input type="hidden" name="intent" value="removeCountry" />
                    <input type="hidden" name="countryId" value={c.id} />
                    <button type="submit" className="danger" disabled={busy} aria-label={t('setup.removeCountryLabel', { name })}>
                      {t('setup.remove')}
                    </button>
                  </Form>
                </td>
              </tr>
            )
          })}
        </DataTable>
      )}
      <p className="muted">{t('setup.removeHint')}</p>

      <h3 id="add-country-heading">{t('setup.addCountryHeading')}</h3>
      <p className="muted" id="add-country-intro">
        {t('setup.addCountryIntro')}
      </p>
      {/* Keyed by the last answer, so that (with JavaScript) a success empties the form and a refusal shows what was typed. */}
      <Form key={`country-${JSON.stringify(result ?? null)}`} method="post" className="setup-form" aria-labelledby="add-country-heading" aria-describedby="add-country-intro">
        <input type="hidden" name="intent" value="addCountry" />
        <ErrorMessage id="add-country-error" message={addCountry && t(addCountry.error.key, addCountry.error.values)} />
        <datalist id="setup-iso-codes">
          {reference.map((r) => (
            <option key={r.code} value={r.code}>
              {r.name}
            </option>
          ))}
        </datalist>
        <p>
          <label htmlFor="add-country-code">{t('setup.code')}</label>
          <input
            id="add-country-code"
            name="code"
            required
            maxLength={2}
            size={4}
            list="setup-iso-codes"
            autoComplete="off"
            {...describedField(addCountry?.error.field === 'code', 'add-country-error', 'add-country-code-hint')}
            defaultValue={addCountry?.values.code ?? ''}
          />
          <span className="hint" id="add-country-code-hint">
            {t('setup.codeHint')}
          </span>
        </p>
        {(['nameEs', 'namePt', 'nameEn'] as const).map((field) => (
          <TextField
            key={field}
            id={`add-country-${field}`}
            label={t(`setup.${field}`)}
            name={field}
            maxLength={120}
            placeholder={t('setup.fromReference')}
            defaultValue={addCountry?.values[field] ?? ''}
            {...invalid('addCountry', field, 'add-country-error')}
          />
        ))}
        <p>
          <label htmlFor="add-country-locale">{t('setup.language')}</label>
          <select id="add-country-locale" name="locale" defaultValue={addCountry?.values.locale ?? ''} {...invalid('addCountry', 'locale', 'add-country-error')}>
            <option value="">{t('setup.fromReference')}</option>
            <LocaleOptions />
          </select>
        </p>
        <p>
          <label htmlFor="add-country-timeZone">{t('setup.timeZone')}</label>
          <input
            id="add-country-timeZone"
            name="timeZone"
            list="setup-time-zones"
            autoComplete="off"
            placeholder={t('setup.fromReference')}
            defaultValue={addCountry?.values.timeZone ?? ''}
            {...invalid('addCountry', 'timeZone', 'add-country-error')}
          />
          <span className="hint">{t('setup.timeZoneHint')}</span>
        </p>
        <p>
          <button type="submit" disabled={busy}>
            {t('setup.addCountrySubmit')}
          </button>
        </p>
      </Form>

      <h2 id="organisations-heading">{t('setup.organisationsHeading')}</h2>
      {organisations.length === 0 ? (
        <p className="muted">{t('setup.noOrganisations')}</p>
      ) : (
        <DataTable labelledBy="organisations-heading" columns={[t('setup.code'), t('setup.organisationName'), t('setup.partners'), t('setup.assignments'), t('setup.actions')]}>
          {organisations.map((o) => {
            const id = `organisation-${o.id}`
            const errorId = `${id}-error`
            const rowFailure = failed('updateOrganisation', o.id)
            return (
              <tr key={o.id}>
                <th scope="row">{o.code}</th>
                <td>{o.name}</td>
                <td>{o.partners}</td>
                <td>{o.assignments}</td>
                <td>
                  <ErrorMessage className="field-error" id={errorId} message={rowFailure && t(rowFailure.error.key, rowFailure.error.values)} />
                  <RowEditForm label={t('setup.editOrganisationLabel', { name: o.name })} open={!!rowFailure} intent="updateOrganisation" targetName="organisationId" target={o.id} busy={busy}>
                    <TextField
                      id={`${id}-code`}
                      label={t('setup.code')}
                      name="code"
                      required
                      maxLength={20}
                      defaultValue={rowFailure?.values.code ?? o.code}
                      {...invalid('updateOrganisation', 'code', errorId, o.id)}
                    />
                    <TextField
                      id={`${id}-name`}
                      label={t('setup.organisationName')}
                      name="name"
                      required
                      maxLength={200}
                      defaultValue={rowFailure?.values.name ?? o.name}
                      {...invalid('updateOrganisation', 'name', errorId, o.id)}
                    />
                  </RowEditForm>
                </td>
              </tr>
            )
          })}
        </DataTable>
      )}

      <h3 id="add-organisation-heading">{t('setup.addOrganisationHeading')}</h3>
      <Form key={`organisation-${JSON.stringify(result ?? null)}`} method="post" className="setup-form" aria-labelledby="add-organisation-heading">
        <input type="hidden" name="intent" value="addOrganisation" />
        <ErrorMessage id="add-organisation-error" message={addOrganisation && t(addOrganisation.error.key, addOrganisation.error.values)} />
        <p>
          <label htmlFor="add-organisation-code">{t('setup.code')}</label>
          <input
            id="add-organisation-code"
            name="code"
            required
            maxLength={20}
            autoComplete="off"
            {...describedField(addOrganisation?.error.field === 'code', 'add-organisation-error', 'add-organisation-code-hint')}
            defaultValue={addOrganisation?.values.code ?? ''}
          />
          <span className="hint" id="add-organisation-code-hint">
            {t('setup.organisationCodeHint')}
          </span>
        </p>
        <TextField
          id="add-organisation-name"
          label={t('setup.organisationName')}
          name="name"
          required
          maxLength={200}
          defaultValue={addOrganisation?.values.name ?? ''}
          {...invalid('addOrganisation', 'name', 'add-organisation-error')}
        />
        <p>
          <button type="submit" disabled={busy}>
            {t('setup.addOrganisationSubmit')}
          </button>
        </p>
      </Form>
    </section>
  )
}

/** A labelled text input on a line of its own. */
function TextField({ id, label, ...input }: { id: string; label: string } & InputHTMLAttributes<HTMLInputElement>) {
  return (
    <p>
      <label htmlFor={id}>{label}</label>
      <input id={id} {...input} />
    </p>
  )
}

/** A row's edit form, folded away until opened, or open while the row's last save stands refused. */
function RowEditForm(props: { label: string; open: boolean; intent: string; targetName: string; target: string; busy: boolean; children: ReactNode }) {
  const { label, open, intent, targetName, target, busy, children } = props
  const { t } = useTranslation('workspace')
  return (
    <details open={open || undefined}>
      <summary aria-label={label}>{t('setup.edit')}</summary>
      <Form method="post" className="setup-form" aria-label={label}>
        <input type="hidden" name="intent" value={intent} />
        <input type="hidden" name={targetName} value={target} />
        {children}
        <button type="submit" disabled={busy}>
          {t('setup.save')}
        </button>
      </Form>
    </details>
  )
}

export function ErrorBoundary() {
  return <RouteError id="setup" notFound="workspaceNotFound" />
}
