import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import { Form, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { RouteError } from '#app/components/route-error.tsx'
import { SUPPORTED_LOCALES } from '#app/i18n/config.ts'
import { requireActorForAction } from '#app/utils/auth.server.ts'
import { formErrorOf, formString, type FormError } from '#app/utils/form-errors.server.ts'
import { requireWorkspace } from '#app/utils/workspace.server.ts'
import { createInvitation, revokeInvitation, listMembers, setMemberActive, updateMember } from '#app/utils/accounts.server.ts'
import { titleMeta } from '#app/utils/page-title.ts'
import { LiveMessages } from '#app/components/live-messages.tsx'
import { describedField } from '#app/components/field.ts'
import { DataTable } from '#app/components/data-table.tsx'
import { ErrorMessage } from '#app/components/error-message.tsx'
import { LocaleOptions } from '#app/components/locale-options.tsx'

export const handle = { i18n: ['admin', 'common'] }

export const meta = titleMeta('admin', 'members.title')

const ROLES = ['secretariat', 'focal_point', 'partner', 'observer'] as const

/** Secretariat only: other members get 403, non-members 404 (from the guard). */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { actor, membership } = requireWorkspace(context, params.slug, request)
  if (membership.role !== 'secretariat') throw new Response('Forbidden', { status: 403, statusText: 'Forbidden' })
  const result = await listMembers(actor, { workspaceId: membership.workspaceId })
  const locale = context.locale
  const now = Date.now()
  return {
    workspace: { id: result.workspace.id, slug: result.workspace.slug, name: result.workspace.name },
    selfUserId: actor.userId,
    timeZone: actor.timeZone,
    members: result.members.map((m) => ({
      membershipId: m.membershipId,
      userId: m.userId,
      name: m.name,
      email: m.email,
      role: m.role,
      countryId: m.countryId,
      countryCode: m.countryCode,
      organisationId: m.organisationId,
      organisationCode: m.organisationCode,
      active: m.deactivatedAt === null,
      hasPassword: m.hasPassword,
    })),
    invitations: result.invitations.map((i) => ({
      id: i.id,
      email: i.email,
      role: i.role,
      country: i.countryNames?.[locale] ?? null,
      organisation: i.organisationName,
      expiresAt: i.expiresAt.toISOString(),
      expired: i.expiresAt.getTime() <= now,
    })),
    countries: result.countries.map((c) => ({ id: c.id, code: c.code, name: locale === 'pt' ? c.name_pt : locale === 'en' ? c.name_en : c.name_es })),
    organisations: result.organisations.map((o) => ({ id: o.id, code: o.code, name: o.name })),
  }
}

type ActionResult =
  | { ok: true; intent: string; notice: { key: string; values?: Record<string, unknown> } }
  | { ok: false; intent: string; target?: string; error: FormError; values?: Record<string, string> }

export async function action({ request, context, params }: ActionFunctionArgs) {
  const actor = await requireActorForAction(request, context)
  const membership = actor.memberships.find((m) => m.slug === params.slug)
  if (!membership) throw new Response('Not Found', { status: 404, statusText: 'Not Found' })
  const workspaceId = membership.workspaceId
  const form = await request.formData()
  const intent = formString(form, 'intent')
  const target = formString(form, 'membershipId') || formString(form, 'invitationId') || undefined
  try {
    switch (intent) {
      case 'invite': {
        const result = await createInvitation(actor, {
          workspaceId,
          email: formString(form, 'email'),
          role: formString(form, 'role') as (typeof ROLES)[number],
          countryId: formString(form, 'countryId'),
          organisationId: formString(form, 'organisationId'),
          locale: formString(form, 'locale') as (typeof SUPPORTED_LOCALES)[number],
        })
        if (result.delivery.status === 'failed') {
          return data<ActionResult>({ ok: true, intent, notice: { key: 'admin:members.notices.inviteMailFailed', values: { email: result.email, error: result.delivery.error } } }, { status: 202 })
        }
        return data<ActionResult>({ ok: true, intent, notice: { key: 'admin:members.notices.invited', values: { email: result.email } } })
      }
      case 'update': {
        const result = await updateMember(actor, {
          workspaceId,
          membershipId: formString(form, 'membershipId'),
          role: formString(form, 'role') as (typeof ROLES)[number],
          countryId: formString(form, 'countryId'),
          organisationId: formString(form, 'organisationId'),
        })
        return data<ActionResult>({ ok: true, intent, notice: { key: result.changed ? 'admin:members.notices.updated' : 'admin:members.notices.unchanged' } })
      }
      case 'deactivate':
      case 'reactivate': {
        await setMemberActive(actor, { workspaceId, membershipId: formString(form, 'membershipId'), active: intent === 'reactivate' })
        return data<ActionResult>({ ok: true, intent, notice: { key: `admin:members.notices.${intent}d` } })
      }
      case 'revoke': {
        await revokeInvitation(actor, { workspaceId, invitationId: formString(form, 'invitationId') })
        return data<ActionResult>({ ok: true, intent, notice: { key: 'admin:members.notices.revoked' } })
      }
      default:
        return data<ActionResult>({ ok: false, intent, error: { key: 'admin:errors.invalid' } }, { status: 400 })
    }
  } catch (error) {
    const { status, error: formError } = formErrorOf(error)
    const values = intent === 'invite' ? { email: formString(form, 'email'), role: formString(form, 'role'), countryId: formString(form, 'countryId'), organisationId: formString(form, 'organisationId'), locale: formString(form, 'locale') } : undefined
    return data<ActionResult>({ ok: false, intent, target, error: formError, values }, { status })
  }
}

export default function MembersPage() {
  const { t, i18n } = useTranslation('admin')
  const { workspace, members, invitations, countries, organisations, selfUserId, timeZone } = useLoaderData<typeof loader>()
  const result = useActionData<ActionResult>()
  const navigation = useNavigation()
  const busy = navigation.state === 'submitting'
  const inviteError = result && !result.ok && result.intent === 'invite' ? result : null
  const inviteValues = inviteError?.values ?? {}
  const rowError = result && !result.ok && result.intent !== 'invite' ? result : null
  // The reader's language and time zone, the same on the server and in the browser.
  const fmt = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeStyle: 'short', timeZone })
  const countryOptions = countries.map((c) => ({ value: c.id, label: `${c.name} (${c.code})` }))

  return (
    <section className="members-page" aria-labelledby="members-title">
      <h1 id="members-title">{t('members.title')}</h1>
      <p className="muted">{t('members.intro', { workspace: workspace.name })}</p>

      <LiveMessages
        notice={result?.ok ? t(result.notice.key, result.notice.values) : null}
        error={rowError ? t(rowError.error.key, rowError.error.values) : null}
      />

      <h2 id="members-list">{t('members.listHeading')}</h2>
      <DataTable labelledBy="members-list" columns={[t('members.name'), t('members.email'), t('members.role'), t('members.status'), t('members.actions')]}>
        {members.map((m) => {
          const label = m.name || m.email
          const formId = `member-${m.membershipId}`
          return (
            <tr key={m.membershipId} className={m.active ? undefined : 'inactive'}>
              <th scope="row">
                {label} {m.userId === selfUserId ? <span className="muted">{t('members.you')}</span> : null}
              </th>
              <td>{m.email}</td>
              <td>
                <Form method="post" id={formId} className="member-role-form" aria-label={t('members.changeLabel', { name: label })}>
                  <input type="hidden" name="intent" value="update" />
                  <input type="hidden" name="membershipId" value={m.membershipId} />
                  <label htmlFor={`${formId}-role`} className="visually-hidden">
                    {t('members.role')}
                  </label>
                  <select id={`${formId}-role`} name="role" defaultValue={m.role}>
                    <RoleOptions />
                  </select>
                  <Choice
                    id={`${formId}-country`}
                    name="countryId"
                    label={t('members.country')}
                    labelHidden
                    emptyLabel={`${t('members.country')}: ${t('members.none')}`}
                    options={countryOptions}
                    defaultValue={m.countryId ?? ''}
                  />
                  <Choice
                    id={`${formId}-organisation`}
                    name="organisationId"
                    label={t('members.organisation')}
                    labelHidden
                    emptyLabel={`${t('members.organisation')}: ${t('members.none')}`}
                    options={organisations.map((o) => ({ value: o.id, label: o.code }))}
                    defaultValue={m.organisationId ?? ''}
                  />
                  <button type="submit" className="secondary" disabled={busy}>
                    {t('members.save')}
                  </button>
                </Form>
                <ErrorMessage className="field-error" message={rowError?.target === m.membershipId ? t(rowError.error.key, rowError.error.values) : null} />
              </td>
              <td>
                {m.active ? t('members.active') : t('members.deactivated')}
                {!m.hasPassword ? <span className="muted"> · {t('members.noPassword')}</span> : null}
              </td>
              <td>
                <Form method="post">
                  <input type="hidden" name="intent" value={m.active ? 'deactivate' : 'reactivate'} />
                  <input type="hidden" name="membershipId" value={m.membershipId} />
                  <button
                    type="submit"
                    className={m.active ? 'danger' : 'secondary'}
                    disabled={busy}
                    aria-label={t(m.active ? 'members.deactivateLabel' : 'members.reactivateLabel', { name: label })}
                  >
                    {t(m.active ? 'members.deactivate' : 'members.reactivate')}
                  </button>
                </Form>
              </td>
            </tr>
          )
        })}
      </DataTable>

      <h2 id="invitations-heading">{t('members.invitationsHeading')}</h2>
      {invitations.length === 0 ? (
        <p className="muted">{t('members.noInvitations')}</p>
      ) : (
        <table aria-labelledby="invitations-heading">
          <thead>
            <tr>
              <th scope="col">{t('members.email')}</th>
              <th scope="col">{t('members.role')}</th>
              <th scope="col">{t('members.expires')}</th>
              <th scope="col">{t('members.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {invitations.map((i) => (
              <tr key={i.id}>
                <th scope="row">{i.email}</th>
                <td>
                  {t(`roles.${i.role}`)}
                  {i.country ? ` — ${i.country}` : ''}
                  {i.organisation ? ` — ${i.organisation}` : ''}
                </td>
                <td>{i.expired ? <strong>{t('members.expired')}</strong> : fmt.format(new Date(i.expiresAt))}</td>
                <td>
                  <Form method="post">
                    <input type="hidden" name="intent" value="revoke" />
                    <input type="hidden" name="invitationId" value={i.id} />
                    <button type="submit" className="secondary" disabled={busy} aria-label={t('members.revokeLabel', { email: i.email })}>
                      {t('members.revoke')}
                    </button>
                  </Form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <h2 id="invite-heading">{t('members.inviteHeading')}</h2>
      <p className="muted">{t('members.inviteIntro')}</p>
      <Form method="post" aria-labelledby="invite-heading" className="invite-form">
        <input type="hidden" name="intent" value="invite" />
        <ErrorMessage id="invite-error" message={inviteError && t(inviteError.error.key, inviteError.error.values)} />
        <label htmlFor="invite-email">{t('members.inviteEmail')}</label>
        <input
          id="invite-email"
          name="email"
          type="email"
          required
          maxLength={254}
          autoComplete="off"
          defaultValue={inviteValues.email ?? ''}
          {...describedField(inviteError?.error.field === 'email', 'invite-error')}
        />
        <label htmlFor="invite-role">{t('members.inviteRole')}</label>
        <select id="invite-role" name="role" defaultValue={inviteValues.role || 'focal_point'}>
          <RoleOptions />
        </select>
        <Choice
          id="invite-country"
          name="countryId"
          label={t('members.inviteCountry')}
          emptyLabel={t('members.chooseCountry')}
          options={countryOptions}
          defaultValue={inviteValues.countryId ?? ''}
          described={describedField(inviteError?.error.field === 'countryId', 'invite-error')}
        />
        <Choice
          id="invite-organisation"
          name="organisationId"
          label={t('members.inviteOrganisation')}
          emptyLabel={t('members.chooseOrganisation')}
          options={organisations.map((o) => ({ value: o.id, label: o.name }))}
          defaultValue={inviteValues.organisationId ?? ''}
          described={describedField(inviteError?.error.field === 'organisationId', 'invite-error')}
        />
        <label htmlFor="invite-locale">{t('members.inviteLanguage')}</label>
        <select id="invite-locale" name="locale" defaultValue={inviteValues.locale ?? ''}>
          <option value="">{t('members.languageAuto')}</option>
          <LocaleOptions />
        </select>
        <p>
          <button type="submit" disabled={busy}>
            {t('members.inviteSubmit')}
          </button>
        </p>
      </Form>
    </section>
  )
}

function RoleOptions() {
  const { t } = useTranslation('admin')
  return (
    <>
      {ROLES.map((r) => (
        <option key={r} value={r}>
          {t(`roles.${r}`)}
        </option>
      ))}
    </>
  )
}

interface ChoiceProps {
  id: string
  name: string
  label: string
  /** Read by screen readers only, in the compact form of a member's row. */
  labelHidden?: boolean
  /** The first option, for no country or organisation. */
  emptyLabel: string
  options: { value: string; label: string }[]
  defaultValue: string
  /** The ARIA of a choice the form's error can name (describedField). */
  described?: ReturnType<typeof describedField>
}

/** A member's or an invitation's country or organisation, which may be none. */
function Choice({ id, name, label, labelHidden, emptyLabel, options, defaultValue, described }: ChoiceProps) {
  return (
    <>
      <label htmlFor={id} className={labelHidden ? 'visually-hidden' : undefined}>
        {label}
      </label>
      <select id={id} name={name} defaultValue={defaultValue} {...described}>
        <option value="">{emptyLabel}</option>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </>
  )
}

export function ErrorBoundary() {
  return <RouteError id="members" notFound="workspaceNotFound" />
}
