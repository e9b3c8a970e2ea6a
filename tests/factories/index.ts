import { randomBytes } from 'node:crypto'
import type { Kysely } from 'kysely'
import type { DB, Role } from '#db/types.ts'
import { SACM_COUNTRIES, SACM_ORGANISATIONS } from '#db/seed/reference.ts'
import { loadActor } from '#server/repositories/actors.ts'

/** Test data builders, shared by the tests and the benchmark. */
export function uniqueSlug(prefix = 'ws') {
  return `${prefix}-${randomBytes(4).toString('hex')}`
}

export async function createWorkspace(db: Kysely<DB>, opts: { slug?: string; name?: string; countries?: string[] } = {}) {
  const slug = opts.slug ?? uniqueSlug()
  const workspace = await db
    .insertInto('workspace')
    .values({ slug, name: opts.name ?? `Workspace ${slug}` })
    .returning(['id', 'slug'])
    .executeTakeFirstOrThrow()
  const wanted = opts.countries ?? SACM_COUNTRIES.map((c) => c.code)
  const countries = await db
    .insertInto('country')
    .values(
      SACM_COUNTRIES.filter((c) => wanted.includes(c.code)).map((c) => ({
        workspace_id: workspace.id,
        code: c.code,
        name_es: c.es,
        name_pt: c.pt,
        name_en: c.en,
        locale: c.locale,
        time_zone: c.timeZone,
      })),
    )
    .returning(['id', 'code'])
    .execute()
  const organisations = await db
    .insertInto('organisation')
    .values(SACM_ORGANISATIONS.map((o) => ({ workspace_id: workspace.id, code: o.code, name: o.name })))
    .returning(['id', 'code'])
    .execute()
  return {
    id: workspace.id,
    slug: workspace.slug,
    countryId: (code: string) => countries.find((c) => c.code.trim() === code)?.id ?? fail(`no country ${code}`),
    organisationId: (code: string) => organisations.find((o) => o.code === code)?.id ?? fail(`no organisation ${code}`),
  }
}

function fail(message: string): never {
  throw new Error(message)
}

export type TestWorkspace = Awaited<ReturnType<typeof createWorkspace>>

export async function createUser(
  db: Kysely<DB>,
  opts: { email?: string; name?: string; passwordHash?: string | null; isAdmin?: boolean; locale?: 'es' | 'pt' | 'en' | null } = {},
) {
  return db
    .insertInto('app_user')
    .values({
      email: opts.email ?? `user-${randomBytes(4).toString('hex')}@example.org`,
      name: opts.name ?? 'Test User',
      password_hash: opts.passwordHash ?? null,
      is_admin: opts.isAdmin ?? false,
      locale: opts.locale ?? null,
      time_zone: null,
    })
    .returning(['id', 'email'])
    .executeTakeFirstOrThrow()
}

/** A user with a membership; returns the user and their Actor. */
export async function createMember(
  db: Kysely<DB>,
  workspace: TestWorkspace,
  role: Role,
  opts: { countryCode?: string; organisationCode?: string; email?: string; name?: string; passwordHash?: string | null } = {},
) {
  const user = await createUser(db, { email: opts.email, name: opts.name ?? `${role} ${opts.countryCode ?? opts.organisationCode ?? ''}`.trim(), passwordHash: opts.passwordHash })
  await db
    .insertInto('membership')
    .values({
      workspace_id: workspace.id,
      user_id: user.id,
      role,
      country_id: role === 'focal_point' ? workspace.countryId(opts.countryCode ?? 'AR') : null,
      organisation_id: role === 'partner' ? workspace.organisationId(opts.organisationCode ?? 'IOM') : null,
    })
    .execute()
  const actor = await loadActor(db, user.id)
  if (!actor) throw new Error('actor not loaded')
  return { user, actor }
}
