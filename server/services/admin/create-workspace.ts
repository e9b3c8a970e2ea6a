import { z } from 'zod'
import type { SendEmailResult } from '#emails/send.ts'
import { authorize, type Actor } from '#server/authz.ts'
import { db } from '#server/db.ts'
import { AppError } from '#server/errors.ts'
import { referenceCountry } from '#server/reference/countries.ts'
import { recordActivity } from '#server/repositories/activity.ts'
import { insertCountry } from '#server/repositories/workspace-setup.ts'
import { issueInvitation, sendInvitationEmail } from '../invitations/issue-invitation.ts'
import { parseInput } from '../parse-input.ts'
import { optional, ZEmail, ZLocale } from '../schemas.ts'
import { countrySnapshot } from '../workspace-setup/schemas.ts'

function isTimeZone(value: string) {
  try {
    new Intl.DateTimeFormat('en', { timeZone: value })
    return true
  } catch {
    return false
  }
}

export const ZCreateWorkspace = z.object({
  slug: z
    .string({ message: 'admin:errors.slugInvalid' })
    .trim()
    .toLowerCase()
    .regex(/^[a-z0-9][a-z0-9-]{1,39}$/, 'admin:errors.slugInvalid'),
  name: z.string({ message: 'admin:errors.workspaceNameRequired' }).trim().min(1, 'admin:errors.workspaceNameRequired').max(200, 'admin:errors.workspaceNameRequired'),
  defaultLocale: ZLocale,
  timeZone: z.string({ message: 'admin:errors.timeZoneInvalid' }).trim().refine(isTimeZone, 'admin:errors.timeZoneInvalid'),
  secretariatEmail: ZEmail,
  /** The invitation's language; default: the workspace's. */
  invitationLocale: optional(ZLocale),
  /** Member states to add right away (ISO 3166-1 alpha-2), with the reference list's names, language and time zone. */
  countryCodes: z
    .preprocess((v) => (typeof v === 'string' ? v.split(/[\s,;]+/) : v), z.array(z.string({ message: 'admin:errors.invalid' }).trim().toUpperCase()).max(300, 'admin:errors.invalid'))
    .optional(),
})
export type TCreateWorkspace = z.input<typeof ZCreateWorkspace>

/**
 * The instance admin creates a workspace and invites its first secretariat
 * member (the same invitation flow as the secretariat's own).
 */
export async function createWorkspace(
  actor: Actor,
  raw: TCreateWorkspace,
): Promise<{ workspaceId: string; slug: string; invitationId: string; delivery: SendEmailResult }> {
  authorize(actor, 'create:workspace')
  const input = parseInput(ZCreateWorkspace, raw)
  const codes = [...new Set((input.countryCodes ?? []).filter((code) => code !== ''))]
  const unknown = codes.filter((code) => !referenceCountry(code))
  if (unknown.length > 0) {
    throw new AppError('BAD_REQUEST', `countryCodes: not ISO 3166-1 alpha-2 codes: ${unknown.join(', ')}`, {
      field: 'countryCodes',
      i18n: { key: 'admin:errors.countryCodesUnknown', values: { codes: unknown.join(', ') } },
    })
  }
  const created = await db.transaction().execute(async (trx) => {
    const workspace = await trx
      .insertInto('workspace')
      .values({ slug: input.slug, name: input.name, default_locale: input.defaultLocale, time_zone: input.timeZone })
      .onConflict((oc) => oc.column('slug').doNothing())
      .returning(['id', 'slug'])
      .executeTakeFirst()
    if (!workspace) throw new AppError('BAD_REQUEST', `The address /w/${input.slug} is taken`, { field: 'slug', i18n: { key: 'admin:errors.slugTaken' } })
    await recordActivity(trx, {
      workspaceId: workspace.id,
      actorId: actor.userId,
      action: 'workspace.created',
      subjectType: 'workspace',
      subjectId: workspace.id,
      after: { slug: input.slug, name: input.name, defaultLocale: input.defaultLocale, timeZone: input.timeZone },
    })
    for (const code of codes) {
      const reference = referenceCountry(code)
      if (!reference) continue
      const country = await insertCountry(trx, workspace.id, {
        code,
        nameEs: reference.es,
        namePt: reference.pt,
        nameEn: reference.en,
        locale: reference.locale,
        timeZone: reference.timeZone,
      })
      if (country) {
        await recordActivity(trx, { workspaceId: workspace.id, actorId: actor.userId, action: 'country.added', subjectType: 'country', subjectId: country.id, after: countrySnapshot(country) })
      }
    }
    const invitation = await issueInvitation(trx, {
      workspaceId: workspace.id,
      email: input.secretariatEmail,
      role: 'secretariat',
      countryId: null,
      organisationId: null,
      invitedBy: actor.userId,
    })
    await recordActivity(trx, {
      workspaceId: workspace.id,
      actorId: actor.userId,
      action: 'invitation.created',
      subjectType: 'invitation',
      subjectId: invitation.invitationId,
      after: { email: input.secretariatEmail, role: 'secretariat', countryId: null, organisationId: null, replaces: [] },
    })
    return { workspace, invitation }
  })
  const delivery = await sendInvitationEmail(created.invitation.invitationId, created.invitation.token, input.invitationLocale ?? input.defaultLocale)
  return { workspaceId: created.workspace.id, slug: created.workspace.slug, invitationId: created.invitation.invitationId, delivery }
}
