import { Button } from '@react-email/button'
import { Heading } from '@react-email/heading'
import { Link } from '@react-email/link'
import { Section } from '@react-email/section'
import { Text } from '@react-email/text'
import type { TFunction } from 'i18next'
import type { AppLocale } from '#app/i18n/config.ts'
import type { Role } from '#db/types.ts'
import { translator } from '#server/i18n.ts'
import { contentStyles as s, EmailLayout } from './_components/layout.tsx'
import type { EmailTemplate } from './types.ts'

export interface TInvitationEmailProps {
  workspaceName: string
  inviterName: string
  inviterEmail: string
  role: Role
  /** In the recipient's language; focal points only. */
  countryName?: string | null
  /** Partners only. */
  organisationName?: string | null
  acceptUrl: string
  /** ISO 8601 instant. */
  expiresAt: string
  /** Zone the expiry is shown in (the country's, else the workspace's). */
  timeZone: string
}

export function subject(t: TFunction, props: TInvitationEmailProps) {
  return t('invitation.subject', { ns: 'emails', workspace: props.workspaceName })
}

function roleLabel(t: TFunction, props: TInvitationEmailProps) {
  const role = t(`roles.${props.role}`, { ns: 'emails' })
  if (props.role === 'focal_point' && props.countryName) return t('invitation.roleCountry', { ns: 'emails', role, country: props.countryName })
  if (props.role === 'partner' && props.organisationName) return t('invitation.roleOrganisation', { ns: 'emails', role, organisation: props.organisationName })
  return role
}

export function formatInstant(locale: AppLocale, iso: string, timeZone: string) {
  return new Intl.DateTimeFormat(locale, {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZone,
    timeZoneName: 'short',
  }).format(new Date(iso))
}

export default function InvitationEmail(props: TInvitationEmailProps & { locale: AppLocale }) {
  const t = translator(props.locale)
  const values = { ns: 'emails', workspace: props.workspaceName, inviter: props.inviterName || props.inviterEmail, inviterEmail: props.inviterEmail }
  return (
    <EmailLayout locale={props.locale} preview={t('invitation.preview', values)} context={props.workspaceName} mandatory>
      <Heading as="h1" style={s.heading}>
        {t('invitation.heading', values)}
      </Heading>
      <Text style={s.text}>{t('invitation.intro', { ...values, role: roleLabel(t, props) })}</Text>
      <Section style={{ margin: '24px 0' }}>
        <Button href={props.acceptUrl} style={s.button}>
          {t('invitation.button', values)}
        </Button>
      </Section>
      <Text style={s.small}>{t('invitation.expires', { ...values, date: formatInstant(props.locale, props.expiresAt, props.timeZone) })}</Text>
      <Text style={s.small}>
        {t('invitation.fallback', values)}
        <br />
        <Link href={props.acceptUrl} style={s.link}>
          {props.acceptUrl}
        </Link>
      </Text>
      <Text style={s.small}>{t('invitation.ignore', values)}</Text>
    </EmailLayout>
  )
}

InvitationEmail.PreviewProps = {
  locale: 'es',
  workspaceName: 'South American Conference on Migration',
  inviterName: 'María Fernández',
  inviterEmail: 'secretariat@example.org',
  role: 'focal_point',
  countryName: 'Argentina',
  organisationName: null,
  acceptUrl: 'http://localhost:3000/invite/preview-token',
  expiresAt: '2026-12-11T15:00:00.000Z',
  timeZone: 'America/Argentina/Buenos_Aires',
} satisfies TInvitationEmailProps & { locale: AppLocale }

export const invitationEmail: EmailTemplate<TInvitationEmailProps> = { kind: 'invitation', Component: InvitationEmail, subject }
