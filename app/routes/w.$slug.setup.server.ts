import type { AppLocale } from '#app/i18n/config.ts'
import { formErrorOf, formString, type FormError } from '#app/utils/form-errors.server.ts'
import type { Actor } from '#server/authz.ts'
import { isAppError } from '#server/errors.ts'
import { COUNTRIES } from '#server/reference/countries.ts'
import { addCountry } from '#server/services/workspace-setup/add-country.ts'
import { addOrganisation } from '#server/services/workspace-setup/add-organisation.ts'
import { getWorkspaceSetup } from '#server/services/workspace-setup/get-workspace-setup.ts'
import { removeCountry } from '#server/services/workspace-setup/remove-country.ts'
import { updateCountry } from '#server/services/workspace-setup/update-country.ts'
import { updateOrganisation } from '#server/services/workspace-setup/update-organisation.ts'

/**
 * Server side of /w/<slug>/setup (member states and partner organisations).
 * Remix drops `*.server.ts` modules from the browser bundle.
 */
export async function loadSetup(actor: Actor, workspaceId: string, locale: AppLocale) {
  const { countries, organisations } = await getWorkspaceSetup(actor, { workspaceId })
  const zones = new Set(Intl.supportedValuesOf('timeZone'))
  for (const c of countries) zones.add(c.timeZone)
  const nameOf = (c: { es: string; pt: string; en: string }) => c[locale]
  const present = new Set(countries.map((c) => c.code))
  return {
    countries,
    organisations,
    /** Suggestions for the code field: the ISO codes not yet in the workspace, named in the reader's language. */
    reference: COUNTRIES.filter((c) => !present.has(c.code)).map((c) => ({ code: c.code, name: nameOf(c) })),
    timeZones: [...zones].sort(),
  }
}

export type SetupIntent = 'addCountry' | 'updateCountry' | 'removeCountry' | 'addOrganisation' | 'updateOrganisation'

export type SetupActionResult =
  | { ok: true; intent: string; notice: { key: string; values?: Record<string, unknown> } }
  | { ok: false; intent: string; target?: string; error: FormError; values: Record<string, string> }

const FIELDS = ['code', 'nameEs', 'namePt', 'nameEn', 'locale', 'timeZone', 'name'] as const

/** Runs one form of the page; a refused form comes back with its message, the field to mark, and what was typed. */
export async function runSetupAction(actor: Actor, workspaceId: string, form: FormData, locale: AppLocale): Promise<{ status: number; result: SetupActionResult }> {
  const intent = formString(form, 'intent')
  const target = formString(form, 'countryId') || formString(form, 'organisationId') || undefined
  const values = Object.fromEntries(FIELDS.map((f) => [f, formString(form, f)])) as Record<(typeof FIELDS)[number], string>
  const country = { code: values.code, nameEs: values.nameEs, namePt: values.namePt, nameEn: values.nameEn, locale: values.locale as AppLocale, timeZone: values.timeZone }
  const nameKey = ({ es: 'nameEs', pt: 'namePt', en: 'nameEn' } as const)[locale]
  try {
    switch (intent) {
      case 'addCountry': {
        const added = await addCountry(actor, { workspaceId, ...country })
        return { status: 200, result: { ok: true, intent, notice: { key: 'workspace:notices.countryAdded', values: { name: added[nameKey], code: added.code } } } }
      }
      case 'updateCountry': {
        const updated = await updateCountry(actor, { workspaceId, countryId: formString(form, 'countryId'), ...country })
        return {
          status: 200,
          result: { ok: true, intent, notice: updated.changed ? { key: 'workspace:notices.countryUpdated', values: { name: updated.country[nameKey] } } : { key: 'workspace:notices.unchanged' } },
        }
      }
      case 'removeCountry': {
        const removed = await removeCountry(actor, { workspaceId, countryId: formString(form, 'countryId') })
        return { status: 200, result: { ok: true, intent, notice: { key: 'workspace:notices.countryRemoved', values: { code: removed.code } } } }
      }
      case 'addOrganisation': {
        const organisation = await addOrganisation(actor, { workspaceId, code: values.code, name: values.name })
        return { status: 200, result: { ok: true, intent, notice: { key: 'workspace:notices.organisationAdded', values: { code: organisation.code } } } }
      }
      case 'updateOrganisation': {
        const { organisation, changed } = await updateOrganisation(actor, { workspaceId, organisationId: formString(form, 'organisationId'), code: values.code, name: values.name })
        return {
          status: 200,
          result: { ok: true, intent, notice: changed ? { key: 'workspace:notices.organisationUpdated', values: { code: organisation.code } } : { key: 'workspace:notices.unchanged' } },
        }
      }
      default:
        return { status: 400, result: { ok: false, intent, error: { key: 'workspace:errors.invalid' }, values } }
    }
  } catch (error) {
    // A member state or organisation that is gone is said in the form; the workspace itself missing is a 404 page.
    if (isAppError(error) && error.code === 'NOT_FOUND' && error.details.i18n?.key.startsWith('workspace:')) {
      return { status: 404, result: { ok: false, intent, target, error: { key: error.details.i18n.key, field: error.details.field }, values } }
    }
    const { status, error: formError } = formErrorOf(error)
    return { status, result: { ok: false, intent, target, error: formError, values } }
  }
}
