import type { Transaction } from 'kysely'
import type { DB, LeadKind, Priority } from '#db/types.ts'
import { AppError } from '#server/errors.ts'
import { countriesByCode, organisationsByCode, type TaskColumns, type TaskFieldsRow } from '#server/repositories/plan-nodes.ts'
import type { TTaskFields } from './schemas.ts'

/** A task's fields as people read them (codes, not ids): what the activity log records before → after. */
export interface TaskSnapshot {
  description: string
  leadKind: LeadKind
  leadCountryCode: string | null
  leadOrganisationCode: string | null
  partnerCodes: string[]
  startDate: string | null
  dueDate: string | null
  priority: Priority
  recurrenceMonths: number | null
}

export const EMPTY_TASK: TaskSnapshot = {
  description: '',
  leadKind: 'all_countries',
  leadCountryCode: null,
  leadOrganisationCode: null,
  partnerCodes: [],
  startDate: null,
  dueDate: null,
  priority: 'normal',
  recurrenceMonths: null,
}

export function snapshotOf(row: TaskFieldsRow): TaskSnapshot {
  return {
    description: row.description,
    leadKind: row.leadKind,
    leadCountryCode: row.leadCountryCode,
    leadOrganisationCode: row.leadOrganisationCode,
    partnerCodes: row.partnerCodes,
    startDate: row.startDate,
    dueDate: row.dueDate,
    priority: row.priority,
    recurrenceMonths: row.recurrenceMonths,
  }
}

export function hasTaskFields(input: TTaskFields): boolean {
  return (
    input.description !== undefined ||
    input.leadKind !== undefined ||
    input.leadCountryCode !== undefined ||
    input.leadOrganisationCode !== undefined ||
    input.partnerCodes !== undefined ||
    input.startDate !== undefined ||
    input.dueDate !== undefined ||
    input.priority !== undefined ||
    input.recurrenceMonths !== undefined
  )
}

function bad(field: string, message: string, key: string, values?: Record<string, unknown>): never {
  throw new AppError('BAD_REQUEST', message, { field, i18n: { key: `tasks:errors.${key}`, values } })
}

/**
 * Merges a patch over the current fields and checks the result: a lead
 * country or organisation must exist in the workspace, partners too, and the
 * due date may not come before the start date. Returns the columns to write,
 * the partners' ids and the snapshot after the change.
 */
export async function resolveTaskFields(trx: Transaction<DB>, workspaceId: string, current: TaskSnapshot, patch: TTaskFields) {
  const next: TaskSnapshot = {
    description: patch.description ?? current.description,
    leadKind: patch.leadKind ?? current.leadKind,
    leadCountryCode: patch.leadCountryCode !== undefined ? patch.leadCountryCode : current.leadCountryCode,
    leadOrganisationCode: patch.leadOrganisationCode !== undefined ? patch.leadOrganisationCode : current.leadOrganisationCode,
    partnerCodes: patch.partnerCodes ? [...new Set(patch.partnerCodes)].sort() : current.partnerCodes,
    startDate: patch.startDate !== undefined ? patch.startDate : current.startDate,
    dueDate: patch.dueDate !== undefined ? patch.dueDate : current.dueDate,
    priority: patch.priority ?? current.priority,
    recurrenceMonths: patch.recurrenceMonths !== undefined ? patch.recurrenceMonths : current.recurrenceMonths,
  }
  if (next.leadKind !== 'country') next.leadCountryCode = null
  if (next.leadKind !== 'organisation') next.leadOrganisationCode = null

  let leadCountryId: string | null = null
  let leadOrganisationId: string | null = null
  if (next.leadKind === 'country') {
    if (!next.leadCountryCode) bad('leadCountryCode', 'Choose the country that leads the task', 'leadCountryRequired')
    const [country] = await countriesByCode(trx, workspaceId, [next.leadCountryCode])
    if (!country) bad('leadCountryCode', `No member state with the code ${next.leadCountryCode} in this workspace`, 'unknownCountries', { codes: next.leadCountryCode })
    leadCountryId = country.id
  }
  if (next.leadKind === 'organisation') {
    if (!next.leadOrganisationCode) bad('leadOrganisationCode', 'Choose the organisation that leads the task', 'leadOrganisationRequired')
    const [organisation] = await organisationsByCode(trx, workspaceId, [next.leadOrganisationCode])
    if (!organisation) bad('leadOrganisationCode', `No partner organisation with the code ${next.leadOrganisationCode} in this workspace`, 'unknownOrganisations', { codes: next.leadOrganisationCode })
    leadOrganisationId = organisation.id
  }
  const partners = await organisationsByCode(trx, workspaceId, next.partnerCodes)
  const unknownPartners = next.partnerCodes.filter((code) => !partners.some((p) => p.code === code))
  if (unknownPartners.length) {
    bad('partnerCodes', `No partner organisation with the code ${unknownPartners.join(', ')} in this workspace`, 'unknownOrganisations', { codes: unknownPartners.join(', ') })
  }
  if (next.startDate && next.dueDate && next.dueDate < next.startDate) {
    bad('dueDate', `The due date (${next.dueDate}) may not be before the start date (${next.startDate})`, 'dueBeforeStart', { dueDate: next.dueDate, startDate: next.startDate })
  }
  const columns: TaskColumns = {
    description: next.description,
    leadKind: next.leadKind,
    leadCountryId,
    leadOrganisationId,
    startDate: next.startDate,
    dueDate: next.dueDate,
    priority: next.priority,
    recurrenceMonths: next.recurrenceMonths,
  }
  return { columns, partnerIds: partners.map((p) => p.id), next }
}

/** The keys whose values differ, as { before, after } holding only those keys. */
export function diff<T extends object>(before: T, after: T): { before: Partial<T>; after: Partial<T> } {
  const b: Partial<T> = {}
  const a: Partial<T> = {}
  for (const key of Object.keys(after) as (keyof T)[]) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) {
      b[key] = before[key]
      a[key] = after[key]
    }
  }
  return { before: b, after: a }
}
