import type { Transaction } from 'kysely'
import type { DB } from '#db/types.ts'
import { AppError } from '#server/errors.ts'
import { lockActiveSecretariat } from '#server/repositories/members.ts'

/**
 * A workspace always keeps one active secretariat member: otherwise no one
 * could invite, assign or verify. Call `lockSecretariat` FIRST in the
 * transaction, before locking the member being changed: every member change
 * then takes its locks in the same order (the secretariat rows, then the
 * target), so two secretaries demoting each other at once queue up instead
 * of deadlocking, and the second sees the first one's change.
 */
export async function lockSecretariat(trx: Transaction<DB>, workspaceId: string) {
  const active = await lockActiveSecretariat(trx, workspaceId)
  return {
    ensureRemainsWithout(membershipId: string, selfUserId: string, targetUserId: string) {
      if (active.includes(membershipId) && active.length === 1) {
        const self = selfUserId === targetUserId
        throw new AppError('BAD_REQUEST', self ? 'You are the last active secretariat member of this workspace' : 'This is the last active secretariat member of this workspace', {
          field: 'membershipId',
          i18n: { key: self ? 'admin:errors.lastSecretariatSelf' : 'admin:errors.lastSecretariat' },
        })
      }
    },
  }
}
