import { Button } from '@react-email/button'
import { Heading } from '@react-email/heading'
import { Link } from '@react-email/link'
import { Section } from '@react-email/section'
import { Text } from '@react-email/text'
import type { TFunction } from 'i18next'
import type { AppLocale } from '#app/i18n/config.ts'
import { translator } from '#server/i18n.ts'
import { contentStyles as s, EmailLayout } from './_components/layout.tsx'
import type { EmailTemplate } from './types.ts'

export interface TPasswordResetEmailProps {
  email: string
  resetUrl: string
  /** How long the link works (1 for a reset). */
  expiresInHours: number
}

export function subject(t: TFunction, _props: TPasswordResetEmailProps) {
  return t('passwordReset.subject', { ns: 'emails' })
}

export default function PasswordResetEmail(props: TPasswordResetEmailProps & { locale: AppLocale }) {
  const t = translator(props.locale)
  return (
    <EmailLayout locale={props.locale} preview={t('passwordReset.preview', { ns: 'emails' })} mandatory>
      <Heading as="h1" style={s.heading}>
        {t('passwordReset.heading', { ns: 'emails' })}
      </Heading>
      <Text style={s.text}>{t('passwordReset.intro', { ns: 'emails', email: props.email })}</Text>
      <Section style={{ margin: '24px 0' }}>
        <Button href={props.resetUrl} style={s.button}>
          {t('passwordReset.button', { ns: 'emails' })}
        </Button>
      </Section>
      <Text style={s.small}>{t('passwordReset.expires', { ns: 'emails', count: props.expiresInHours })}</Text>
      <Text style={s.small}>
        {t('passwordReset.fallback', { ns: 'emails' })}
        <br />
        <Link href={props.resetUrl} style={s.link}>
          {props.resetUrl}
        </Link>
      </Text>
      <Text style={s.small}>{t('passwordReset.ignore', { ns: 'emails' })}</Text>
    </EmailLayout>
  )
}

PasswordResetEmail.PreviewProps = {
  locale: 'es',
  email: 'fp.ar@example.org',
  resetUrl: 'http://localhost:3000/reset-password/preview-token',
  expiresInHours: 1,
} satisfies TPasswordResetEmailProps & { locale: AppLocale }

export const passwordResetEmail: EmailTemplate<TPasswordResetEmailProps> = { kind: 'password_reset', Component: PasswordResetEmail, subject }
