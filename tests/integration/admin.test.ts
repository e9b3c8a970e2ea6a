import { spawnSync } from 'node:child_process'
import { beforeAll, describe, expect, it } from 'vitest'
import type { Actor } from '#server/authz.ts'
import { db } from '#server/db.ts'
import { AppError } from '#server/errors.ts'
import { loadActor } from '#server/repositories/actors.ts'
import { createAdminUser } from '#server/services/admin/create-admin-user.ts'
import { createWorkspace } from '#server/services/admin/create-workspace.ts'
import { inviteSecretariat } from '#server/services/admin/invite-secretariat.ts'
import { listWorkspaces } from '#server/services/admin/list-workspaces.ts'
import { acceptInvitation } from '#server/services/invitations/accept-invitation.ts'
import { inspectPasswordReset } from '#server/services/password-reset/inspect-password-reset.ts'
import { resetPassword } from '#server/services/password-reset/reset-password.ts'
import { latestMailTo, linkIn } from '#tests/factories/accounts.ts'
import { createUser, createWorkspace as createTestWorkspace } from '#tests/factories/index.ts'

const PASSWORD = 'granite-meadow-falcon-61'
let admin: Actor

beforeAll(async () => {
  const user = await createUser(db, { email: 'root@example.org', isAdmin: true, name: 'Root Admin' })
  const actor = await loadActor(db, user.id)
  if (!actor) throw new Error('no admin actor')
  admin = actor
})

async function refusal(promise: Promise<unknown>) {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(AppError)
  return { code: (error as AppError).code, field: (error as AppError).details.field }
}

describe('creating a workspace', () => {
  it('creates it, invites its first secretariat member in the workspace language, and that person can join', async () => {
    const result = await createWorkspace(admin, {
      slug: 'Rcm-Central',
      name: 'Regional Conference on Migration',
      defaultLocale: 'en',
      timeZone: 'America/Guatemala',
      secretariatEmail: 'First.Sec@Example.org',
    })
    expect(result.slug).toBe('rcm-central')
    expect(result.delivery.status).toBe('sent')
    const ws = await db.selectFrom('workspace').selectAll().where('id', '=', result.workspaceId).executeTakeFirstOrThrow()
    expect(ws).toMatchObject({ slug: 'rcm-central', name: 'Regional Conference on Migration', default_locale: 'en', time_zone: 'America/Guatemala' })
    const mail = await latestMailTo(db, 'first.sec@example.org')
    expect(mail?.subject).toBe('Invitation to Regional Conference on Migration on Ruta')
    expect(mail?.text).toContain('Technical secretariat')
    const { token } = linkIn(mail?.text ?? '', 'invite')
    const joined = await acceptInvitation({ token, name: 'First Secretary', password: PASSWORD, passwordConfirm: PASSWORD })
    expect(joined.workspaceSlug).toBe('rcm-central')
    const actor = await loadActor(db, joined.userId)
    expect(actor?.memberships).toEqual([expect.objectContaining({ slug: 'rcm-central', role: 'secretariat' })])
    const actions = await db.selectFrom('activity').select('action').where('workspace_id', '=', result.workspaceId).orderBy('at').execute()
    expect(actions.map((a) => a.action)).toEqual(['workspace.created', 'invitation.created', 'invitation.accepted'])
    expect((await listWorkspaces(admin)).find((w) => w.slug === 'rcm-central')).toMatchObject({ members: 1 })
  })

  it('refuses a taken or malformed address, an unknown time zone and a bad e-mail, naming the field, creating nothing', async () => {
    await createTestWorkspace(db, { slug: 'taken-slug' })
    const base = { slug: 'fresh-one', name: 'Fresh', defaultLocale: 'es' as const, timeZone: 'America/Lima', secretariatEmail: 'someone@example.org' }
    expect(await refusal(createWorkspace(admin, { ...base, slug: 'taken-slug' }))).toEqual({ code: 'BAD_REQUEST', field: 'slug' })
    expect(await refusal(createWorkspace(admin, { ...base, slug: '-bad slug' }))).toEqual({ code: 'BAD_REQUEST', field: 'slug' })
    expect(await refusal(createWorkspace(admin, { ...base, timeZone: 'Mars/Olympus' }))).toEqual({ code: 'BAD_REQUEST', field: 'timeZone' })
    expect(await refusal(createWorkspace(admin, { ...base, secretariatEmail: 'nobody' }))).toEqual({ code: 'BAD_REQUEST', field: 'secretariatEmail' })
    expect(await refusal(createWorkspace(admin, { ...base, name: ' ' }))).toEqual({ code: 'BAD_REQUEST', field: 'name' })
    expect(await db.selectFrom('workspace').select('id').where('slug', '=', 'fresh-one').executeTakeFirst()).toBeUndefined()
    expect(await latestMailTo(db, 'someone@example.org')).toBeUndefined()
  })
  // That only instance admins may (GET /admin, POST its forms) is in the authorisation matrix (authz-matrix.test.ts).
})

describe('inviting a secretariat member to an existing workspace', () => {
  it('replaces an expired first invitation; refuses members, bad addresses and non-admins', async () => {
    const created = await createWorkspace(admin, { slug: 'stranded', name: 'Stranded', defaultLocale: 'pt', timeZone: 'America/Sao_Paulo', secretariatEmail: 'gone.away@example.org' })
    await db.updateTable('invitation').set({ expires_at: new Date(Date.now() - 1000) }).where('id', '=', created.invitationId).execute()
    const again = await inviteSecretariat(admin, { workspaceId: created.workspaceId, email: 'gone.away@example.org' })
    expect(again.delivery.status).toBe('sent')
    expect((await db.selectFrom('invitation').select('revoked_at').where('id', '=', created.invitationId).executeTakeFirstOrThrow()).revoked_at).toBeInstanceOf(Date)
    const mail = await latestMailTo(db, 'gone.away@example.org')
    expect(mail?.subject).toBe('Convite para Stranded no Ruta')
    const { token } = linkIn(mail?.text ?? '', 'invite')
    const joined = await acceptInvitation({ token, name: 'Back Again', password: PASSWORD, passwordConfirm: PASSWORD })
    expect((await loadActor(db, joined.userId))?.memberships[0]).toMatchObject({ slug: 'stranded', role: 'secretariat' })

    expect(await refusal(inviteSecretariat(admin, { workspaceId: created.workspaceId, email: 'gone.away@example.org' }))).toEqual({ code: 'BAD_REQUEST', field: 'email' })
    expect(await refusal(inviteSecretariat(admin, { workspaceId: created.workspaceId, email: 'bad' }))).toEqual({ code: 'BAD_REQUEST', field: 'email' })
    expect((await refusal(inviteSecretariat(admin, { workspaceId: '00000000-0000-0000-0000-000000000000', email: 'x@example.org' }))).code).toBe('NOT_FOUND')
    const secretary = await loadActor(db, joined.userId)
    if (!secretary) throw new Error('no actor')
    expect((await refusal(inviteSecretariat(secretary, { workspaceId: created.workspaceId, email: 'x@example.org' }))).code).toBe('FORBIDDEN')
  })
})

describe('the first admin account', () => {
  it('creates an admin with no password and a 24-hour link that sets it', async () => {
    const before = Date.now()
    const result = await createAdminUser('Boss@Example.org')
    expect(result).toMatchObject({ email: 'boss@example.org', created: true })
    const user = await db.selectFrom('app_user').selectAll().where('email', '=', 'boss@example.org').executeTakeFirstOrThrow()
    expect(user).toMatchObject({ is_admin: true, password_hash: null })
    expect(result.expiresAt.getTime() - before).toBeGreaterThanOrEqual(24 * 3600_000 - 1000)
    const token = linkIn(result.link, 'reset-password').token
    expect(await inspectPasswordReset(token)).toEqual({ state: 'valid', email: 'boss@example.org' })
    const reset = await resetPassword({ token, password: PASSWORD, passwordConfirm: PASSWORD })
    // An admin may sign in without any workspace.
    expect(reset.cookie).toMatch(/^ruta_session=/)
    expect((await loadActor(db, user.id))?.isAdmin).toBe(true)
  })

  it('makes an existing user admin and keeps their password', async () => {
    const existing = await createUser(db, { email: 'promoted@example.org', passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHQ$abc' })
    const result = await createAdminUser('promoted@example.org')
    expect(result).toMatchObject({ created: false, wasAdmin: false, userId: existing.id })
    expect(await db.selectFrom('app_user').select(['is_admin', 'password_hash']).where('id', '=', existing.id).executeTakeFirstOrThrow()).toEqual({
      is_admin: true,
      password_hash: '$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHQ$abc',
    })
  })

  it('npm run admin:create prints the link, and exits 1 with a clear message on a bad address', () => {
    const run = (...args: string[]) =>
      spawnSync(process.execPath, ['--import', 'tsx', 'scripts/admin-create.ts', ...args], {
        encoding: 'utf8',
        env: { ...process.env, NODE_ENV: 'test', APP_URL: 'https://ruta.example.org', SESSION_SECRET: 'x'.repeat(40) },
        timeout: 60_000,
      })
    const ok = run('cli.admin@example.org')
    expect(ok.status).toBe(0)
    expect(ok.stdout).toContain('Created the instance administrator cli.admin@example.org.')
    expect(ok.stdout).toMatch(/https:\/\/ruta\.example\.org\/reset-password\/[0-9a-f]{64}/)
    expect(ok.stdout).toContain('24 hours')

    const bad = run('not-an-address')
    expect(bad.status).toBe(1)
    expect(bad.stderr).toContain('"not-an-address" is not a valid e-mail address.')
    const none = run()
    expect(none.status).toBe(1)
    expect(none.stderr).toContain('Usage: npm run admin:create -- <email>')
  })
})
