import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { invitationEmail } from '#emails/invitation.tsx'
import { passwordResetEmail } from '#emails/password-reset.tsx'
import { renderEmail } from '#emails/render.ts'
import { sendEmail } from '#emails/send.ts'
import { deliver } from '#emails/transport.ts'
import { db } from '#server/db.ts'
import { resetEnvForTests } from '#server/env.ts'
import { startResendStandIn, type ResendStandIn } from '#tests/support/resend-stand-in.ts'

const invitationProps = {
  workspaceName: 'South American Conference on Migration',
  inviterName: 'María Fernández',
  inviterEmail: 'secretariat@example.org',
  role: 'focal_point' as const,
  countryName: 'Brasil',
  organisationName: null,
  acceptUrl: 'http://localhost:3000/invite/abc123',
  expiresAt: '2026-12-11T15:00:00.000Z',
  timeZone: 'America/Sao_Paulo',
}
const resetProps = { email: 'fp.br@example.org', resetUrl: 'http://localhost:3000/reset-password/def456', expiresInHours: 1 }

describe('templates', () => {
  const expected = {
    es: { invitation: 'Invitación a South American Conference on Migration en Ruta', button: 'Aceptar la invitación', role: 'Punto focal de Brasil', reset: 'Restablecer su contraseña de Ruta', hours: 'vence en 1 hora' },
    pt: { invitation: 'Convite para South American Conference on Migration no Ruta', button: 'Aceitar o convite', role: 'Ponto focal de Brasil', reset: 'Redefinir sua senha do Ruta', hours: 'vence em 1 hora' },
    en: { invitation: 'Invitation to South American Conference on Migration on Ruta', button: 'Accept the invitation', role: 'Focal point for Brasil', reset: 'Reset your Ruta password', hours: 'expires in 1 hour' },
  } as const

  for (const locale of ['es', 'pt', 'en'] as const) {
    it(`invitation in ${locale}: subject, HTML and a real text part`, async () => {
      const out = await renderEmail(invitationEmail, invitationProps, locale)
      expect(out.subject).toBe(expected[locale].invitation)
      expect(out.html).toContain(`lang="${locale}"`)
      expect(out.html).toContain('href="http://localhost:3000/invite/abc123"')
      expect(out.html).toContain(expected[locale].button)
      expect(out.text).toContain(expected[locale].button)
      expect(out.text).toContain(expected[locale].role)
      expect(out.text).toContain('http://localhost:3000/invite/abc123')
      expect(out.text).not.toMatch(/<[a-z]/i)
      // Mandatory notice: says so, and offers no unsubscribe.
      expect(out.text.toLowerCase()).not.toContain('unsubscribe')
    })

    it(`password reset in ${locale}`, async () => {
      const out = await renderEmail(passwordResetEmail, resetProps, locale)
      expect(out.subject).toBe(expected[locale].reset)
      expect(out.html).toContain('href="http://localhost:3000/reset-password/def456"')
      expect(out.text).toContain('http://localhost:3000/reset-password/def456')
      expect(out.text).toContain(expected[locale].hours)
      expect(out.text).toContain('fp.br@example.org')
    })
  }

  it('the shared layout links non-mandatory e-mail to the preferences page, and mandatory notices say they cannot be turned off', async () => {
    const { createElement } = await import('react')
    const { render } = await import('@react-email/render')
    const { EmailLayout } = await import('#emails/_components/layout.tsx')
    const optional = await render(createElement(EmailLayout, { locale: 'en', preview: 'p', mandatory: false, children: 'Body' }), { plainText: true })
    expect(optional).toMatch(/E-mail preferences\s*\[?http:\/\/localhost:\d+\/settings/)
    const mandatory = await render(createElement(EmailLayout, { locale: 'en', preview: 'p', mandatory: true, children: 'Body' }), { plainText: true })
    expect(mandatory).toContain('it cannot be turned off')
    expect(mandatory).not.toContain('/settings')
  })

  it('PreviewProps render', async () => {
    const { default: Invitation } = await import('#emails/invitation.tsx')
    const { default: Reset } = await import('#emails/password-reset.tsx')
    const { locale, ...props } = Invitation.PreviewProps
    expect((await renderEmail(invitationEmail, props, locale)).text).toContain('/invite/preview-token')
    const { locale: l2, ...p2 } = Reset.PreviewProps
    expect((await renderEmail(passwordResetEmail, p2, l2)).text).toContain('/reset-password/preview-token')
  })
})

describe('sendEmail to the local outbox (no RESEND_API_KEY)', () => {
  it('sends once per key: the second call is skipped and nothing is duplicated', async () => {
    const input = { key: 'test:local:1', kind: 'password_reset', to: 'someone@example.org', locale: 'en' as const, template: passwordResetEmail, props: resetProps }
    const first = await sendEmail(input)
    expect(first.status).toBe('sent')
    const second = await sendEmail(input)
    expect(second).toEqual({ status: 'skipped', logId: first.status === 'sent' ? first.logId : null })

    const mails = await db.selectFrom('local_mail').selectAll().where('email_key', '=', 'test:local:1').execute()
    expect(mails).toHaveLength(1)
    expect(mails[0]).toMatchObject({ to_address: 'someone@example.org', subject: 'Reset your Ruta password', from_address: 'Ruta <no-reply@ruta.local>' })
    expect(mails[0].text).toContain('/reset-password/def456')
    const log = await db.selectFrom('email_log').selectAll().where('key', '=', 'test:local:1').executeTakeFirstOrThrow()
    expect(log).toMatchObject({ status: 'sent', recipient: 'someone@example.org', kind: 'password_reset', attempts: 1, provider_id: mails[0].id })
    expect(log.sent_at).toBeInstanceOf(Date)
  })

  it('two concurrent sends of one key deliver one message', async () => {
    const input = { key: 'test:local:race', kind: 'invitation', to: 'race@example.org', locale: 'es' as const, template: invitationEmail, props: invitationProps }
    const results = await Promise.all([sendEmail(input), sendEmail(input), sendEmail(input)])
    expect(results.map((r) => r.status).sort()).toEqual(['sent', 'skipped', 'skipped'])
    const count = await db.selectFrom('local_mail').select((eb) => eb.fn.countAll<number>().as('n')).where('email_key', '=', 'test:local:race').executeTakeFirstOrThrow()
    expect(Number(count.n)).toBe(1)
  })

  it('refuses a non-mandatory e-mail without List-Unsubscribe headers', async () => {
    await expect(
      sendEmail({ key: 'test:local:digest', kind: 'digest', to: 'x@example.org', locale: 'es', template: passwordResetEmail, props: resetProps, category: 'digest' }),
    ).rejects.toThrow(/List-Unsubscribe/)
    expect(await db.selectFrom('email_log').select('id').where('key', '=', 'test:local:digest').executeTakeFirst()).toBeUndefined()
  })
})

describe('sendEmail through Resend (stand-in via RESEND_BASE_URL)', () => {
  let standIn: ResendStandIn
  beforeAll(async () => {
    standIn = await startResendStandIn()
    process.env.RESEND_API_KEY = standIn.apiKey
    process.env.RESEND_BASE_URL = standIn.url
    resetEnvForTests()
  })
  afterEach(() => standIn.reset())
  afterAll(async () => {
    delete process.env.RESEND_API_KEY
    delete process.env.RESEND_BASE_URL
    resetEnvForTests()
    await standIn.close()
  })

  it('posts HTML and text with the e-mail key as Idempotency-Key, and logs the provider id', async () => {
    const result = await sendEmail({ key: 'test:resend:1', kind: 'invitation', to: 'fp.br@example.org', locale: 'pt', template: invitationEmail, props: invitationProps })
    expect(result.status).toBe('sent')
    expect(standIn.requests).toHaveLength(1)
    const request = standIn.requests[0]
    expect(request).toMatchObject({ method: 'POST', path: '/emails', status: 200 })
    expect(request.headers['idempotency-key']).toBe('test:resend:1')
    expect(request.headers.authorization).toBe(`Bearer ${standIn.apiKey}`)
    expect(request.body).toMatchObject({ to: 'fp.br@example.org', from: 'Ruta <no-reply@ruta.local>', subject: 'Convite para South American Conference on Migration no Ruta' })
    const body = request.body as { html: string; text: string }
    expect(body.html).toContain('lang="pt"')
    expect(body.text).toContain('Aceitar o convite')

    const log = await db.selectFrom('email_log').selectAll().where('key', '=', 'test:resend:1').executeTakeFirstOrThrow()
    expect(log).toMatchObject({ status: 'sent', provider_id: standIn.sent[0].id })
    expect(await db.selectFrom('local_mail').select('id').where('email_key', '=', 'test:resend:1').executeTakeFirst()).toBeUndefined()

    // Sending again with the same key sends nothing: no second request at all.
    expect((await sendEmail({ key: 'test:resend:1', kind: 'invitation', to: 'fp.br@example.org', locale: 'pt', template: invitationEmail, props: invitationProps })).status).toBe('skipped')
    expect(standIn.requests).toHaveLength(1)
  })

  it('a retried delivery with the same key is one message at Resend', async () => {
    const message = { to: 'a@example.org', from: 'Ruta <no-reply@ruta.local>', subject: 'S', html: '<p>x</p>', text: 'x', idempotencyKey: 'test:resend:retry' }
    const first = await deliver(message)
    const second = await deliver(message)
    expect(second.providerId).toBe(first.providerId)
    expect(standIn.requests.map((r) => r.headers['idempotency-key'])).toEqual(['test:resend:retry', 'test:resend:retry'])
    expect(standIn.sent).toHaveLength(1)
  })

  it('a refused delivery is logged as failed with the reason, never dropped', async () => {
    standIn.failNext({ status: 500, message: 'upstream exploded' })
    const result = await sendEmail({ key: 'test:resend:fail', kind: 'password_reset', to: 'b@example.org', locale: 'es', template: passwordResetEmail, props: resetProps })
    expect(result).toMatchObject({ status: 'failed', retryable: true })
    const log = await db.selectFrom('email_log').selectAll().where('key', '=', 'test:resend:fail').executeTakeFirstOrThrow()
    expect(log.status).toBe('failed')
    expect(log.error).toContain('HTTP 500')
    expect(log.error).toContain('upstream exploded')
    expect(log.attempts).toBe(1)
  })

  it('a 429 says when to retry', async () => {
    standIn.failNext({ status: 429, retryAfter: 7 })
    const message = { to: 'c@example.org', from: 'Ruta <no-reply@ruta.local>', subject: 'S', html: '<p>x</p>', text: 'x', idempotencyKey: 'test:resend:429' }
    await expect(deliver(message)).rejects.toMatchObject({ name: 'DeliveryError', statusCode: 429, retryable: true, retryAfterSeconds: 7 })
    expect(standIn.sent).toHaveLength(0)
  })
})
