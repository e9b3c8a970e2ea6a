import type { Kysely } from 'kysely'
import type { AssignmentStatus, DB } from '#db/types.ts'
import { createMember, createWorkspace, type TestWorkspace } from './index.ts'
import { createAssignment, createPlan } from './plan.ts'

/**
 * A small SACM-like world for the follow-up rules: focal points of
 * Argentina (Spanish), Brazil (Portuguese) and Guyana (English), a
 * secretariat member, and Chile with no focal point at all.
 */
export async function createFollowUpWorld(db: Kysely<DB>, opts: { countries?: string[] } = {}) {
  const workspace = await createWorkspace(db, { countries: opts.countries ?? ['AR', 'BR', 'GY', 'CL'] })
  const plan = await createPlan(db, workspace, ['Objetivo 1\tEspecífico 1\tLínea 1\tTarea uno', '\t\t\tTarea dos', '\t\t\tTarea tres'])
  const tag = workspace.slug
  const fp = {
    AR: await createMember(db, workspace, 'focal_point', { countryCode: 'AR', email: `fp.ar.${tag}@example.org`, name: 'Ana AR' }),
    BR: await createMember(db, workspace, 'focal_point', { countryCode: 'BR', email: `fp.br.${tag}@example.org`, name: 'Bruno BR' }),
    GY: await createMember(db, workspace, 'focal_point', { countryCode: 'GY', email: `fp.gy.${tag}@example.org`, name: 'Grace GY' }),
  }
  const secretariat = await createMember(db, workspace, 'secretariat', { email: `sec.${tag}@example.org`, name: 'Sofía Secretaría' })
  return {
    workspace,
    plan,
    fp,
    secretariat,
    task: (n: 1 | 2 | 3) => plan.nodeId(`1.1.1.${n}`),
    assign: (taskNo: 1 | 2 | 3, countryCode: string, dueDate: string, status?: AssignmentStatus) =>
      createAssignment(db, workspace, plan.nodeId(`1.1.1.${taskNo}`), { countryCode }, { dueDate, status }),
    /** `n` more focal points of a country, `<prefix><i>.<cc>.<slug>@example.org`, named `FP <i>`, in bulk. */
    async addFocalPoints(countryCode: string, n: number, prefix: string) {
      const users = await db
        .insertInto('app_user')
        .values(Array.from({ length: n }, (_, i) => ({ email: `${prefix}${i}.${countryCode.toLowerCase()}.${tag}@example.org`, name: `FP ${i}` })))
        .returning('id')
        .execute()
      await db
        .insertInto('membership')
        .values(users.map((u) => ({ workspace_id: workspace.id, user_id: u.id, role: 'focal_point' as const, country_id: workspace.countryId(countryCode) })))
        .execute()
      return users
    },
  }
}

export type FollowUpWorld = Awaited<ReturnType<typeof createFollowUpWorld>>
export type { TestWorkspace }
