import { z } from 'zod'
import { authorize, type Actor } from '#server/authz.ts'
import { db } from '#server/db.ts'
import { AppError } from '#server/errors.ts'
import { recordActivity } from '#server/repositories/activity.ts'
import { findMembershipForUpdate, updateMembership } from '#server/repositories/members.ts'
import { parseInput } from '../parse-input.ts'
import { optional, ZRole, ZUuid } from '../schemas.ts'
import { lockSecretariat } from './last-secretariat.ts'

export const ZUpdateMember = z.object({
  workspaceId: ZUuid,
  membershipId: ZUuid,
  role: ZRole,
  countryId: optional(ZUuid),
  organisationId: optional(ZUuid),
})
export type TUpdateMember = z.input<typeof ZUpdateMember>

/** Changes a member's role, country (focal points) or organisation (partners). Secretariat only. */
export async function updateMember(actor: Actor, raw: TUpdateMember) {
  const input = parseInput(ZUpdateMember, raw)
  authorize(actor, 'manage:members', input.workspaceId)
  const countryId = input.role === 'focal_point' ? (input.countryId ?? null) : null
  const organisationId = input.role === 'partner' ? (input.organisationId ?? null) : null
  if (input.role === 'focal_point' && !countryId) {
    throw new AppError('BAD_REQUEST', 'A focal point needs a country', { field: 'countryId', i18n: { key: 'admin:errors.countryRequired' } })
  }
  if (input.role === 'partner' && !organisationId) {
    throw new AppError('BAD_REQUEST', 'A partner needs an organisation', { field: 'organisationId', i18n: { key: 'admin:errors.organisationRequired' } })
  }
  return db.transaction().execute(async (trx) => {
    const secretariat = await lockSecretariat(trx, input.workspaceId)
    const current = await findMembershipForUpdate(trx, input.workspaceId, input.membershipId)
    if (!current) throw new AppError('NOT_FOUND', 'No such member', { i18n: { key: 'admin:errors.memberGone' } })
    if (countryId) {
      const ok = await trx.selectFrom('country').select('id').where('id', '=', countryId).where('workspace_id', '=', input.workspaceId).executeTakeFirst()
      if (!ok) throw new AppError('BAD_REQUEST', 'No such country in this workspace', { field: 'countryId', i18n: { key: 'admin:errors.countryRequired' } })
    }
    if (organisationId) {
      const ok = await trx.selectFrom('organisation').select('id').where('id', '=', organisationId).where('workspace_id', '=', input.workspaceId).executeTakeFirst()
      if (!ok) throw new AppError('BAD_REQUEST', 'No such organisation in this workspace', { field: 'organisationId', i18n: { key: 'admin:errors.organisationRequired' } })
    }
    const unchanged = current.role === input.role && current.country_id === countryId && current.organisation_id === organisationId
    if (unchanged) return { membershipId: current.id, changed: false }
    if (current.role === 'secretariat' && input.role !== 'secretariat') {
      secretariat.ensureRemainsWithout(current.id, actor.userId, current.user_id)
    }
    const next = await updateMembership(trx, current.id, { role: input.role, country_id: countryId, organisation_id: organisationId })
    await recordActivity(trx, {
      workspaceId: input.workspaceId,
      actorId: actor.userId,
      action: 'member.role_changed',
      subjectType: 'membership',
      subjectId: current.id,
      before: { userId: current.user_id, role: current.role, countryId: current.country_id, organisationId: current.organisation_id },
      after: { userId: next.user_id, role: next.role, countryId: next.country_id, organisationId: next.organisation_id },
    })
    return { membershipId: current.id, changed: true }
  })
}
