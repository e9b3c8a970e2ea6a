import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Actor } from '#server/authz.ts'
import { createSession } from '#server/auth/session.ts'
import { db } from '#server/db.ts'
import { AppError } from '#server/errors.ts'
import { COUNTRIES } from '#server/reference/countries.ts'
import { loadActor } from '#server/repositories/actors.ts'
import { createWorkspace as adminCreateWorkspace } from '#server/services/admin/create-workspace.ts'
import { addCountry } from '#server/services/workspace-setup/add-country.ts'
import { addOrganisation } from '#server/services/workspace-setup/add-organisation.ts'
import { getWorkspaceSetup } from '#server/services/workspace-setup/get-workspace-setup.ts'
import { removeCountry } from '#server/services/workspace-setup/remove-country.ts'
import { isIanaTimeZone } from '#server/services/workspace-setup/schemas.ts'
import { updateCountry } from '#server/services/workspace-setup/update-country.ts'
import { updateOrganisation } from '#server/services/workspace-setup/update-organisation.ts'
import { startTestServer, type TestServer } from '#tests/e2e/support/server.ts'
import { createMember, createUser, createWorkspace, type TestWorkspace } from '#tests/factories/index.ts'
import { createAssignment, createPlan } from '#tests/factories/plan.ts'

/**
 * Member states and partner organisations: the services (validation naming
 * the field, duplicates, removal rules, activity rows, who may) and the page
 * /w/<slug>/setup over real HTTP (its loader and action for every kind of
 * caller — kept here rather than in authz-matrix.test.ts, which another
 * helper was editing at the time — and its forms without JavaScript).
 */
async function refusal(promise: Promise<unknown>) {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(AppError)
  const e = error as AppError
  return { code: e.code, field: e.details.field, key: e.details.i18n?.key, values: e.details.i18n?.values }
}

async function activityOf(workspaceId: string, subjectId: string) {
  return db.selectFrom('activity').select(['action', 'actor_id', 'subject_type', 'before', 'after']).where('workspace_id', '=', workspaceId).where('subject_id', '=', subjectId).orderBy('at').execute()
}

describe('the reference list', () => {
  it('holds the 249 ISO 3166-1 alpha-2 codes, each with three names, a language and a valid time zone', () => {
    expect(COUNTRIES).toHaveLength(249)
    expect(new Set(COUNTRIES.map((c) => c.code)).size).toBe(249)
    for (const c of COUNTRIES) {
      expect(c.code).toMatch(/^[A-Z]{2}$/)
      expect([c.es, c.pt, c.en].every((n) => n.length > 0 && n !== c.code)).toBe(true)
      expect(['es', 'pt', 'en']).toContain(c.locale)
      expect(isIanaTimeZone(c.timeZone), `${c.code} ${c.timeZone}`).toBe(true)
    }
  })

  it('time zones: IANA names and their aliases, not offsets or made-up names', () => {
    for (const ok of ['America/Lima', 'America/Argentina/Buenos_Aires', 'America/Buenos_Aires', 'UTC', 'Europe/Lisbon']) expect(isIanaTimeZone(ok), ok).toBe(true)
    for (const bad of ['Mars/Olympus', '+05:00', '', 'America/', 'lima']) expect(isIanaTimeZone(bad), bad).toBe(false)
  })
})

describe('member states', () => {
  let ws: TestWorkspace
  let other: TestWorkspace
  let secretariat: Actor
  let otherSecretariat: Actor

  beforeAll(async () => {
    ws = await createWorkspace(db, { countries: ['AR'] })
    other = await createWorkspace(db, { countries: ['AR', 'CL'] })
    secretariat = (await createMember(db, ws, 'secretariat')).actor
    otherSecretariat = (await createMember(db, other, 'secretariat')).actor
  })

  it('adds a member state with the reference names, language and time zone by default, and logs it', async () => {
    const country = await addCountry(secretariat, { workspaceId: ws.id, code: ' br ' })
    expect(country).toMatchObject({ code: 'BR', nameEs: 'Brasil', namePt: 'Brasil', nameEn: 'Brazil', locale: 'pt', timeZone: 'America/Sao_Paulo' })
    const log = await activityOf(ws.id, country.id)
    expect(log).toEqual([
      {
        action: 'country.added',
        actor_id: secretariat.userId,
        subject_type: 'country',
        before: null,
        after: { code: 'BR', nameEs: 'Brasil', namePt: 'Brasil', nameEn: 'Brazil', locale: 'pt', timeZone: 'America/Sao_Paulo' },
      },
    ])
  })

  it('takes names, language and time zone given in the form', async () => {
    const country = await addCountry(secretariat, { workspaceId: ws.id, code: 'MX', nameEs: 'Estados Unidos Mexicanos', namePt: '', nameEn: 'Mexico', locale: 'en', timeZone: 'America/Cancun' })
    expect(country).toMatchObject({ code: 'MX', nameEs: 'Estados Unidos Mexicanos', namePt: 'México', nameEn: 'Mexico', locale: 'en', timeZone: 'America/Cancun' })
  })

  it('refuses bad input naming the field, and changes nothing', async () => {
    const before = await db.selectFrom('country').select('code').where('workspace_id', '=', ws.id).execute()
    expect(await refusal(addCountry(secretariat, { workspaceId: ws.id, code: 'AR' }))).toEqual({ code: 'BAD_REQUEST', field: 'code', key: 'workspace:errors.codeTaken', values: { code: 'AR' } })
    expect(await refusal(addCountry(secretariat, { workspaceId: ws.id, code: 'ar' }))).toMatchObject({ code: 'BAD_REQUEST', field: 'code', key: 'workspace:errors.codeTaken' })
    for (const code of ['XX', 'ARG', '', 'A1']) {
      expect(await refusal(addCountry(secretariat, { workspaceId: ws.id, code })), code).toMatchObject({ code: 'BAD_REQUEST', field: 'code', key: 'workspace:errors.codeUnknown' })
    }
    expect(await refusal(addCountry(secretariat, { workspaceId: ws.id, code: 'PE', timeZone: 'Mars/Olympus' }))).toMatchObject({ code: 'BAD_REQUEST', field: 'timeZone', key: 'workspace:errors.timeZoneInvalid' })
    expect(await refusal(addCountry(secretariat, { workspaceId: ws.id, code: 'PE', timeZone: '-05:00' }))).toMatchObject({ field: 'timeZone' })
    expect(await refusal(addCountry(secretariat, { workspaceId: ws.id, code: 'PE', locale: 'fr' as 'es' }))).toMatchObject({ code: 'BAD_REQUEST', field: 'locale', key: 'workspace:errors.localeInvalid' })
    expect(await refusal(addCountry(secretariat, { workspaceId: ws.id, code: 'PE', nameEn: 'x'.repeat(121) }))).toMatchObject({ code: 'BAD_REQUEST', field: 'nameEn', key: 'workspace:errors.nameTooLong' })
    const after = await db.selectFrom('country').select('code').where('workspace_id', '=', ws.id).execute()
    expect(after).toEqual(before)
    const failures = await db.selectFrom('activity').select('id').where('workspace_id', '=', ws.id).where('action', '=', 'country.added').execute()
    expect(failures).toHaveLength(2) // BR and MX above, nothing from the refusals
  })

  it('edits names, language and time zone, logging before → after; an edit that changes nothing writes nothing', async () => {
    const ar = ws.countryId('AR')
    const result = await updateCountry(secretariat, { workspaceId: ws.id, countryId: ar, nameEs: 'República Argentina', namePt: 'Argentina', nameEn: 'Argentina', locale: 'es', timeZone: 'America/Cordoba' })
    expect(result.changed).toBe(true)
    expect(result.country).toMatchObject({ code: 'AR', nameEs: 'República Argentina', timeZone: 'America/Cordoba' })
    const log = await activityOf(ws.id, ar)
    expect(log).toHaveLength(1)
    expect(log[0]).toMatchObject({
      action: 'country.updated',
      before: { code: 'AR', nameEs: 'Argentina', timeZone: 'America/Argentina/Buenos_Aires' },
      after: { code: 'AR', nameEs: 'República Argentina', timeZone: 'America/Cordoba' },
    })
    const again = await updateCountry(secretariat, { workspaceId: ws.id, countryId: ar, nameEs: 'República Argentina', namePt: 'Argentina', nameEn: 'Argentina', locale: 'es', timeZone: 'America/Cordoba' })
    expect(again.changed).toBe(false)
    expect(await activityOf(ws.id, ar)).toHaveLength(1)
  })

  it('refuses bad edits naming the field; another workspace’s member state is NOT_FOUND', async () => {
    const ar = ws.countryId('AR')
    const base = { workspaceId: ws.id, countryId: ar, nameEs: 'Argentina', namePt: 'Argentina', nameEn: 'Argentina', locale: 'es' as const, timeZone: 'America/Lima' }
    expect(await refusal(updateCountry(secretariat, { ...base, nameEn: '  ' }))).toMatchObject({ code: 'BAD_REQUEST', field: 'nameEn', key: 'workspace:errors.nameRequired' })
    expect(await refusal(updateCountry(secretariat, { ...base, timeZone: 'Lima' }))).toMatchObject({ code: 'BAD_REQUEST', field: 'timeZone' })
    expect(await refusal(updateCountry(secretariat, { ...base, countryId: other.countryId('CL') }))).toMatchObject({ code: 'NOT_FOUND', key: 'workspace:errors.countryGone' })
    expect(await refusal(removeCountry(secretariat, { workspaceId: ws.id, countryId: other.countryId('CL') }))).toMatchObject({ code: 'NOT_FOUND' })
    expect((await db.selectFrom('country').select('name_es').where('id', '=', ar).executeTakeFirstOrThrow()).name_es).toBe('República Argentina')
  })

  it('refuses to remove a member state that focal points (even past ones), assignments, invitations or tasks refer to; removes one nothing refers to', async () => {
    const world = await createWorkspace(db, { countries: ['AR', 'BO', 'CL', 'CO', 'EC'] })
    const { actor } = await createMember(db, world, 'secretariat')
    await createMember(db, world, 'focal_point', { countryCode: 'AR' })
    const past = await createMember(db, world, 'focal_point', { countryCode: 'BO' })
    await db.updateTable('membership').set({ deactivated_at: new Date() }).where('user_id', '=', past.user.id).execute()
    const plan = await createPlan(db, world, ['G1\tS1\tA1\tT1'])
    await createAssignment(db, world, plan.nodeId('1.1.1.1'), { countryCode: 'CL' }, { dueDate: '2027-06-30' })
    await db
      .insertInto('invitation')
      .values({ workspace_id: world.id, email: 'fp-co@example.org', role: 'focal_point', country_id: world.countryId('CO'), token_hash: `test-${world.id}`, expires_at: new Date(Date.now() + 86_400_000) })
      .execute()

    const ar = await refusal(removeCountry(actor, { workspaceId: world.id, countryId: world.countryId('AR') }))
    expect(ar).toEqual({ code: 'CONFLICT', field: 'countryId', key: 'workspace:errors.countryInUse', values: { code: 'AR', members: 1, assignments: 0, invitations: 0, tasks: 0 } })
    expect((await refusal(removeCountry(actor, { workspaceId: world.id, countryId: world.countryId('BO') }))).values).toMatchObject({ members: 1 })
    expect((await refusal(removeCountry(actor, { workspaceId: world.id, countryId: world.countryId('CL') }))).values).toMatchObject({ members: 0, assignments: 1 })
    expect((await refusal(removeCountry(actor, { workspaceId: world.id, countryId: world.countryId('CO') }))).values).toMatchObject({ invitations: 1 })
    expect(await db.selectFrom('country').select('code').where('workspace_id', '=', world.id).execute()).toHaveLength(5)

    const removed = await removeCountry(actor, { workspaceId: world.id, countryId: world.countryId('EC') })
    expect(removed).toEqual({ countryId: world.countryId('EC'), code: 'EC' })
    expect(await db.selectFrom('country').select('id').where('id', '=', world.countryId('EC')).executeTakeFirst()).toBeUndefined()
    expect(await activityOf(world.id, world.countryId('EC'))).toEqual([
      { action: 'country.removed', actor_id: actor.userId, subject_type: 'country', before: expect.objectContaining({ code: 'EC', nameEs: 'Ecuador' }), after: null },
    ])
    expect(await db.selectFrom('activity').select('id').where('workspace_id', '=', world.id).where('action', '=', 'country.removed').execute()).toHaveLength(1)
  })

  it('lists member states with their active focal points and assignments', async () => {
    const world = await createWorkspace(db, { countries: ['AR', 'BR'] })
    const { actor } = await createMember(db, world, 'secretariat')
    await createMember(db, world, 'focal_point', { countryCode: 'AR' })
    await createMember(db, world, 'focal_point', { countryCode: 'AR' })
    const gone = await createMember(db, world, 'focal_point', { countryCode: 'BR' })
    await db.updateTable('membership').set({ deactivated_at: new Date() }).where('user_id', '=', gone.user.id).execute()
    const plan = await createPlan(db, world, ['G1\tS1\tA1\tT1', '\t\t\tT2'])
    await createAssignment(db, world, plan.nodeId('1.1.1.1'), { countryCode: 'BR' }, { dueDate: '2027-06-30' })
    await createAssignment(db, world, plan.nodeId('1.1.1.2'), { countryCode: 'BR' }, { dueDate: '2027-06-30' })
    await createAssignment(db, world, plan.nodeId('1.1.1.2'), { organisationCode: 'IOM' }, { dueDate: '2027-06-30' })
    const setup = await getWorkspaceSetup(actor, { workspaceId: world.id })
    expect(setup.countries.map((c) => [c.code, c.focalPoints, c.assignments])).toEqual([
      ['AR', 2, 0],
      ['BR', 0, 2],
    ])
    expect(setup.organisations.find((o) => o.code === 'IOM')).toMatchObject({ partners: 0, assignments: 1 })
  })

  it('is for the secretariat: other roles are FORBIDDEN, members of other workspaces NOT_FOUND, nothing changes', async () => {
    const fp = (await createMember(db, ws, 'focal_point', { countryCode: 'AR' })).actor
    const partner = (await createMember(db, ws, 'partner', { organisationCode: 'IOM' })).actor
    const observer = (await createMember(db, ws, 'observer')).actor
    const ar = ws.countryId('AR')
    const iom = ws.organisationId('IOM')
    const calls = (actor: Actor) => [
      getWorkspaceSetup(actor, { workspaceId: ws.id }),
      addCountry(actor, { workspaceId: ws.id, code: 'UY' }),
      updateCountry(actor, { workspaceId: ws.id, countryId: ar, nameEs: 'X', namePt: 'X', nameEn: 'X', locale: 'es', timeZone: 'UTC' }),
      removeCountry(actor, { workspaceId: ws.id, countryId: ar }),
      addOrganisation(actor, { workspaceId: ws.id, code: 'UNHCR', name: 'UNHCR' }),
      updateOrganisation(actor, { workspaceId: ws.id, organisationId: iom, code: 'IOM', name: 'X' }),
    ]
    for (const actor of [fp, partner, observer]) {
      for (const call of calls(actor)) expect((await refusal(call)).code).toBe('FORBIDDEN')
    }
    for (const call of calls(otherSecretariat)) expect((await refusal(call)).code).toBe('NOT_FOUND')
    expect(await db.selectFrom('country').select('id').where('workspace_id', '=', ws.id).where('code', '=', 'UY').executeTakeFirst()).toBeUndefined()
    expect(await db.selectFrom('organisation').select('id').where('workspace_id', '=', ws.id).where('code', '=', 'UNHCR').executeTakeFirst()).toBeUndefined()
  })
})

describe('partner organisations', () => {
  it('adds and edits an organisation, logging each change; duplicate or malformed codes are refused naming the field', async () => {
    const ws = await createWorkspace(db, { countries: ['AR'] })
    const { actor } = await createMember(db, ws, 'secretariat')
    const unhcr = await addOrganisation(actor, { workspaceId: ws.id, code: ' unhcr ', name: ' UN Refugee Agency ' })
    expect(unhcr).toMatchObject({ code: 'UNHCR', name: 'UN Refugee Agency' })
    expect(await activityOf(ws.id, unhcr.id)).toEqual([
      { action: 'organisation.added', actor_id: actor.userId, subject_type: 'organisation', before: null, after: { code: 'UNHCR', name: 'UN Refugee Agency' } },
    ])

    expect(await refusal(addOrganisation(actor, { workspaceId: ws.id, code: 'IOM', name: 'Again' }))).toEqual({
      code: 'BAD_REQUEST',
      field: 'code',
      key: 'workspace:errors.organisationCodeTaken',
      values: { code: 'IOM' },
    })
    expect(await refusal(addOrganisation(actor, { workspaceId: ws.id, code: 'U N', name: 'Spaces' }))).toMatchObject({ code: 'BAD_REQUEST', field: 'code', key: 'workspace:errors.organisationCodeInvalid' })
    expect(await refusal(addOrganisation(actor, { workspaceId: ws.id, code: 'OAS', name: '' }))).toMatchObject({ code: 'BAD_REQUEST', field: 'name', key: 'workspace:errors.organisationNameRequired' })

    const renamed = await updateOrganisation(actor, { workspaceId: ws.id, organisationId: unhcr.id, code: 'ACNUR', name: 'ACNUR / UNHCR' })
    expect(renamed).toMatchObject({ changed: true, organisation: { code: 'ACNUR', name: 'ACNUR / UNHCR' } })
    expect((await activityOf(ws.id, unhcr.id)).at(-1)).toMatchObject({
      action: 'organisation.updated',
      before: { code: 'UNHCR', name: 'UN Refugee Agency' },
      after: { code: 'ACNUR', name: 'ACNUR / UNHCR' },
    })
    expect((await updateOrganisation(actor, { workspaceId: ws.id, organisationId: unhcr.id, code: 'ACNUR', name: 'ACNUR / UNHCR' })).changed).toBe(false)
    expect(await refusal(updateOrganisation(actor, { workspaceId: ws.id, organisationId: unhcr.id, code: 'ILO', name: 'Clash' }))).toMatchObject({
      code: 'BAD_REQUEST',
      field: 'code',
      key: 'workspace:errors.organisationCodeTaken',
    })
    const other = await createWorkspace(db, { countries: ['AR'] })
    expect(await refusal(updateOrganisation(actor, { workspaceId: ws.id, organisationId: other.organisationId('ILO'), code: 'ILO', name: 'Mine' }))).toMatchObject({ code: 'NOT_FOUND' })
    expect(await activityOf(ws.id, unhcr.id)).toHaveLength(2)
  })
})

describe('the admin creates a workspace with its member states', () => {
  let admin: Actor
  beforeAll(async () => {
    const user = await createUser(db, { isAdmin: true, name: 'Root' })
    const actor = await loadActor(db, user.id)
    if (!actor) throw new Error('no admin actor')
    admin = actor
  })

  it('adds the chosen ISO codes (once each) with reference names, language and time zone, and logs them', async () => {
    const created = await adminCreateWorkspace(admin, {
      slug: 'with-states',
      name: 'With states',
      defaultLocale: 'es',
      timeZone: 'America/Lima',
      secretariatEmail: 'sec@example.org',
      countryCodes: ['ar', 'BR', 'AR', '', 'sr'],
    })
    const countries = await db.selectFrom('country').select(['code', 'name_es', 'name_pt', 'name_en', 'locale', 'time_zone']).where('workspace_id', '=', created.workspaceId).orderBy('code').execute()
    expect(countries.map((c) => ({ ...c, code: c.code.trim() }))).toEqual([
      { code: 'AR', name_es: 'Argentina', name_pt: 'Argentina', name_en: 'Argentina', locale: 'es', time_zone: 'America/Argentina/Buenos_Aires' },
      { code: 'BR', name_es: 'Brasil', name_pt: 'Brasil', name_en: 'Brazil', locale: 'pt', time_zone: 'America/Sao_Paulo' },
      { code: 'SR', name_es: 'Surinam', name_pt: 'Suriname', name_en: 'Suriname', locale: 'en', time_zone: 'America/Paramaribo' },
    ])
    const added = await db.selectFrom('activity').select(['actor_id']).where('workspace_id', '=', created.workspaceId).where('action', '=', 'country.added').execute()
    expect(added).toHaveLength(3)
    expect(added.every((a) => a.actor_id === admin.userId)).toBe(true)
  })

  it('refuses unknown codes naming the field, and creates nothing', async () => {
    const attempt = adminCreateWorkspace(admin, { slug: 'bad-states', name: 'Bad', defaultLocale: 'es', timeZone: 'America/Lima', secretariatEmail: 'sec2@example.org', countryCodes: ['AR', 'XX', 'ZZ'] })
    expect(await refusal(attempt)).toEqual({ code: 'BAD_REQUEST', field: 'countryCodes', key: 'admin:errors.countryCodesUnknown', values: { codes: 'XX, ZZ' } })
    expect(await db.selectFrom('workspace').select('id').where('slug', '=', 'bad-states').executeTakeFirst()).toBeUndefined()
  })
})

describe('the page /w/<slug>/setup', () => {
  type Caller = 'secretariat' | 'focalPoint' | 'partner' | 'observer' | 'otherWorkspace' | 'anonymous'
  type Outcome = 'OK' | 403 | 404 | 'LOGIN'
  const expected: Record<Caller, Outcome> = { secretariat: 'OK', focalPoint: 403, partner: 403, observer: 403, otherWorkspace: 404, anonymous: 'LOGIN' }
  interface World {
    a: TestWorkspace
    cookies: Partial<Record<Caller, string>>
    adminCookie: string
  }
  let server: TestServer<World>
  let w: World

  beforeAll(async () => {
    server = await startTestServer(async () => {
      const a = await createWorkspace(db, { countries: ['AR', 'BR'] })
      const b = await createWorkspace(db, { countries: ['AR'] })
      const specs: [Exclude<Caller, 'anonymous'>, TestWorkspace, 'secretariat' | 'focal_point' | 'partner' | 'observer'][] = [
        ['secretariat', a, 'secretariat'],
        ['focalPoint', a, 'focal_point'],
        ['partner', a, 'partner'],
        ['observer', a, 'observer'],
        ['otherWorkspace', b, 'secretariat'],
      ]
      const cookies: World['cookies'] = {}
      for (const [caller, ws, role] of specs) {
        const { user } = await createMember(db, ws, role)
        const session = await createSession(user.id, { ip: '127.0.0.1', userAgent: 'setup-page' })
        cookies[caller] = session.cookie.split(';')[0]
      }
      const root = await createUser(db, { isAdmin: true, name: 'Root' })
      const adminSession = await createSession(root.id, { ip: '127.0.0.1', userAgent: 'setup-page' })
      return { a, cookies, adminCookie: adminSession.cookie.split(';')[0] }
    })
    w = server.seeded
  }, 300_000)

  afterAll(async () => {
    await server?.close()
  })

  async function request(caller: Caller, form?: Record<string, string>, lng = 'en') {
    const headers: Record<string, string> = {}
    const cookie = w.cookies[caller]
    if (cookie) headers.cookie = cookie
    const init: RequestInit = { headers, redirect: 'manual' }
    if (form) {
      init.method = 'POST'
      headers.origin = server.url
      headers['content-type'] = 'application/x-www-form-urlencoded'
      init.body = new URLSearchParams(form).toString()
    }
    const response = await fetch(`${server.url}/w/${w.a.slug}/setup?lng=${lng}`, init)
    const location = response.headers.get('location') ?? ''
    const outcome: Outcome | number = response.status === 303 && location.startsWith('/login') ? 'LOGIN' : response.status === 200 ? 'OK' : response.status
    return { outcome, status: response.status, html: await response.text() }
  }

  it('loader and action: the secretariat only; other members 403, other workspaces 404, anonymous callers to sign-in', async () => {
    for (const caller of Object.keys(expected) as Caller[]) {
      expect((await request(caller)).outcome, `GET ${caller}`).toBe(expected[caller])
    }
    for (const caller of Object.keys(expected) as Caller[]) {
      if (caller === 'secretariat') continue
      const post = await request(caller, { intent: 'addCountry', code: 'UY' })
      expect(post.outcome, `POST ${caller}`).toBe(expected[caller])
      const unknownIntent = await request(caller, { intent: 'nonsense' })
      expect(unknownIntent.outcome, `POST nonsense ${caller}`).toBe(expected[caller])
    }
    expect(await db.selectFrom('country').select('id').where('workspace_id', '=', w.a.id).where('code', '=', 'UY').executeTakeFirst()).toBeUndefined()
  })

  it('lists member states and organisations, and its forms work without JavaScript', async () => {
    const page = await request('secretariat')
    expect(page.html).toContain('<h1 id="setup-title">Member states and partners</h1>')
    expect(page.html).toContain('America/Sao_Paulo')
    expect(page.html).toMatch(/<th scope="row">IOM<\/th>/)

    const added = await request('secretariat', { intent: 'addCountry', code: 'py', nameEs: '', namePt: '', nameEn: '', locale: '', timeZone: '' })
    expect(added.status).toBe(200)
    expect(added.html).toContain('Paraguay (PY) was added.')
    expect(added.html).toMatch(/<th scope="row">PY<\/th>/)

    const duplicate = await request('secretariat', { intent: 'addCountry', code: 'PY', nameEs: '', namePt: '', nameEn: '', locale: '', timeZone: '' })
    expect(duplicate.status).toBe(400)
    expect(duplicate.html).toContain('PY is already a member state of this workspace.')
    expect(duplicate.html).toMatch(/id="add-country-code"[^>]*aria-invalid="true"/)

    const badZone = await request(
      'secretariat',
      { intent: 'updateCountry', countryId: w.a.countryId('BR'), nameEs: 'Brasil', namePt: 'Brasil', nameEn: 'Brazil', locale: 'pt', timeZone: 'Brasilia' },
      'es',
    )
    expect(badZone.status).toBe(400)
    expect(badZone.html).toContain('La zona horaria no es una zona IANA conocida')
    expect(badZone.html).toMatch(/timeZone"[^>]*value="Brasilia"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*value="Brasilia"/)

    const inUse = await request('secretariat', { intent: 'removeCountry', countryId: w.a.countryId('AR') })
    expect(inUse.status).toBe(409)
    expect(inUse.html).toContain('AR cannot be removed: 1 focal point(s)')

    const org = await request('secretariat', { intent: 'addOrganisation', code: 'UNHCR', name: 'UN Refugee Agency' })
    expect(org.html).toContain('UNHCR was added.')
    const rows = await db.selectFrom('activity').select('action').where('workspace_id', '=', w.a.id).where('action', 'in', ['country.added', 'organisation.added']).execute()
    expect(rows.map((r) => r.action).sort()).toEqual(['country.added', 'organisation.added'])
  })

  it('the admin’s create form offers the SACM member states and adds the chosen ones, without JavaScript', async () => {
    const get = await fetch(`${server.url}/admin?lng=en`, { headers: { cookie: w.adminCookie } })
    const form = await get.text()
    expect(form).toContain('<legend>Member states (optional)</legend>')
    expect(form).toMatch(/<input type="checkbox" name="countryCodes" value="SR"\/> <!-- -->Suriname<!-- --> \(<!-- -->SR<!-- -->\)/)

    const post = (fields: [string, string][]) =>
      fetch(`${server.url}/admin?index&lng=en`, {
        method: 'POST',
        redirect: 'manual',
        headers: { cookie: w.adminCookie, origin: server.url, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(fields).toString(),
      })
    const base: [string, string][] = [
      ['intent', 'create'],
      ['name', 'Regional Conference'],
      ['defaultLocale', 'es'],
      ['timeZone', 'America/Mexico_City'],
      ['secretariatEmail', 'rcm.sec@example.org'],
    ]
    const refused = await post([...base, ['slug', 'rcm-x'], ['countryCodes', 'AR'], ['countryCodesOther', 'mx, XX']])
    expect(refused.status).toBe(400)
    const html = await refused.text()
    expect(html).toContain('These are not two-letter ISO 3166-1 codes: XX.')
    expect(html).toMatch(/id="ws-countries-other"[^>]*value="mx, XX"[^>]*aria-invalid="true"|id="ws-countries-other"[^>]*aria-invalid="true"[^>]*value="mx, XX"/)
    expect(await db.selectFrom('workspace').select('id').where('slug', '=', 'rcm-x').executeTakeFirst()).toBeUndefined()

    const created = await post([...base, ['slug', 'rcm-y'], ['countryCodes', 'AR'], ['countryCodes', 'BR'], ['countryCodesOther', 'mx; CR gt']])
    expect(created.status).toBe(200)
    const ws = await db.selectFrom('workspace').select('id').where('slug', '=', 'rcm-y').executeTakeFirstOrThrow()
    const codes = await db.selectFrom('country').select('code').where('workspace_id', '=', ws.id).orderBy('code').execute()
    expect(codes.map((c) => c.code.trim())).toEqual(['AR', 'BR', 'CR', 'GT', 'MX'])
  })
})
