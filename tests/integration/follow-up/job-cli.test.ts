import { describe, expect, it } from 'vitest'
import { seedDemo } from '#db/seed/demo.ts'
import { db } from '#server/db.ts'
import { loadActor } from '#server/repositories/actors.ts'
import { updateAssignment } from '#server/services/assignments/update-assignment.ts'
import { runScript } from '#tests/support/process.ts'

const env = () => ({ DATABASE_URL: process.env.DATABASE_URL, QUEUE_PREFIX: process.env.QUEUE_PREFIX, APP_URL: 'http://localhost:3000', DEMO: undefined, RESEND_API_KEY: undefined })

describe('npm run job', { timeout: 120_000 }, () => {
  it('refuses bad arguments with a clear message and exit 1', async () => {
    const [unknown, badDate, notDemo] = await Promise.all([
      runScript('scripts/job.ts', ['remind'], env()),
      runScript('scripts/job.ts', ['reminders', '--as-of', '2027-02-30'], env()),
      runScript('scripts/job.ts', ['reminders'], { ...env(), APP_URL: 'https://ruta.example.org', SESSION_SECRET: 'x'.repeat(40) }),
    ])
    expect(unknown.code).toBe(1)
    expect(unknown.stderr).toContain('Unknown job "remind"')
    expect(badDate.code).toBe(1)
    expect(badDate.stderr).toContain('--as-of is not a real date')
    expect(notDemo.code).toBe(1)
    expect(notDemo.stderr).toContain('add --force')
  })

  it('on the demo workspace: the right reminders to the right focal points in their languages; run again, nothing', async () => {
    await seedDemo(db)
    const ws = await db.selectFrom('workspace').select(['id', 'slug']).where('slug', '=', 'sacm').executeTakeFirstOrThrow()
    const countries = await db.selectFrom('country').select(['id', 'code']).where('workspace_id', '=', ws.id).execute()
    const countryId = (code: string) => countries.find((c) => c.code.trim() === code)?.id ?? ''
    // Uruguay's only focal point has left: no one to send its reminder to.
    await db.updateTable('membership').set({ deactivated_at: new Date() }).where('country_id', '=', countryId('UY')).execute()
    // The demo assigns 1.1.1.2 to every member state due 3 days after the
    // seed day, and 2.1.4.1 due 14 days after it: on the seed day both
    // due-soon reminders are reached.
    const demo = await db
      .selectFrom('assignment as a')
      .innerJoin('plan_node as n', 'n.id', 'a.task_id')
      .innerJoin('country as c', 'c.id', 'a.country_id')
      .select(['a.id', 'a.due_date', 'n.code', 'c.code as country'])
      .where('a.workspace_id', '=', ws.id)
      .execute()
    expect(demo).toHaveLength(36)
    const soon = demo.filter((a) => a.code === '1.1.1.2')
    const seedDay = new Date(`${soon[0].due_date}T12:00:00Z`)
    seedDay.setUTCDate(seedDay.getUTCDate() - 3)
    const asOf = seedDay.toISOString().slice(0, 10)
    // Chile's is submitted: no reminder for it.
    await db.updateTable('assignment').set({ status: 'submitted' }).where('id', '=', soon.find((a) => a.country.trim() === 'CL')!.id).execute()

    const first = await runScript('scripts/job.ts', ['reminders', '--as-of', asOf], env())
    expect(first.stderr).toBe('')
    // 1.1.1.2: 12 countries less Chile (submitted) and Uruguay (no one to receive); 2.1.4.1: all but Uruguay.
    expect(first.stdout.trim()).toBe('sent 21, skipped 0, failed 0')
    const mail = await db.selectFrom('local_mail').select(['to_address', 'subject']).orderBy('to_address').orderBy('subject').execute()
    expect(mail.filter((m) => m.to_address === 'fp.cl@example.org').map((m) => m.subject)).toEqual(['[Chile] 2.1.4.1 vence en 14 días'])
    expect(mail.filter((m) => m.to_address === 'fp.uy@example.org')).toEqual([])
    expect(mail.filter((m) => ['fp.ar@example.org', 'fp.br@example.org', 'fp.gy@example.org'].includes(m.to_address))).toEqual([
      { to_address: 'fp.ar@example.org', subject: '[Argentina] 1.1.1.2 vence en 3 días' },
      { to_address: 'fp.ar@example.org', subject: '[Argentina] 2.1.4.1 vence en 14 días' },
      { to_address: 'fp.br@example.org', subject: '[Brasil] 1.1.1.2 vence em 3 dias' },
      { to_address: 'fp.br@example.org', subject: '[Brasil] 2.1.4.1 vence em 14 dias' },
      { to_address: 'fp.gy@example.org', subject: '[Guyana] 1.1.1.2 is due in 3 days' },
      { to_address: 'fp.gy@example.org', subject: '[Guyana] 2.1.4.1 is due in 14 days' },
    ])

    const again = await runScript('scripts/job.ts', ['reminders', '--as-of', asOf], env())
    expect(again.stdout.trim()).toBe('sent 0, skipped 21, failed 0')
    expect(await db.selectFrom('local_mail').select('id').execute()).toHaveLength(21)
  })

  it('outbox: handles pending events in the foreground and delivers them', async () => {
    const fp = await db.selectFrom('app_user').select('id').where('email', '=', 'fp.ar@example.org').executeTakeFirstOrThrow()
    const actor = await loadActor(db, fp.id)
    const assignment = await db
      .selectFrom('assignment as a')
      .innerJoin('country as c', 'c.id', 'a.country_id')
      .select(['a.id', 'a.version'])
      .where('c.code', '=', 'AR')
      .orderBy('a.due_date')
      .executeTakeFirstOrThrow()
    if (!actor) throw new Error('no actor')
    const started = await updateAssignment(actor, { assignmentId: assignment.id, version: assignment.version, status: 'in_progress' })
    await updateAssignment(actor, { assignmentId: assignment.id, version: started.version, status: 'submitted', progressNote: 'Listo' })
    const run = await runScript('scripts/job.ts', ['outbox', '--as-of', '2027-03-13'], env())
    expect(run.stdout.trim()).toBe('sent 1, skipped 0, failed 0')
    const mail = await db.selectFrom('local_mail').select(['to_address', 'subject']).where('to_address', '=', 'secretariat@example.org').execute()
    expect(mail.map((m) => m.subject)).toEqual([expect.stringMatching(/^\[Argentina\] \S+ presentada para verificación$/)])
  })
})
