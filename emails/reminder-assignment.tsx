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

/**
 * Every assignment notice of the follow-up engine: due soon, overdue, the
 * 30-day escalation, submitted, returned, verified and @mentions.
 */
export type TReminderKind = 'due_soon' | 'overdue' | 'overdue_escalation' | 'submitted' | 'returned' | 'verified' | 'mentioned'

export interface TReminderEmailProps {
  kind: TReminderKind
  recipientName: string
  workspaceName: string
  /** The assignee in the recipient's language (country, organisation or the secretariat). */
  assignee: string
  code: string
  title: string
  /** Already formatted in the recipient's language. */
  dueDate: string
  /** Days until the due date (due soon) or past it (overdue). */
  days: number
  /** How the number of days is written; `days` by default (delivery's shared bodies put a placeholder here, `days` still picks the plural form). */
  daysText?: string
  author?: string
  comment?: string
  assignmentUrl: string
  /** Signed link to the one-click status form (focal points' reminders). */
  statusUrl?: string
  preferencesUrl: string
  unsubscribeUrl: string
}

const KEY: Record<TReminderKind, string> = {
  due_soon: 'dueSoon',
  overdue: 'overdue',
  overdue_escalation: 'escalation',
  submitted: 'submitted',
  returned: 'returned',
  verified: 'verified',
  mentioned: 'mentioned',
}

function values(props: TReminderEmailProps) {
  return { ns: 'followup', country: props.assignee, code: props.code, title: props.title, date: props.dueDate, days: props.daysText ?? props.days, count: props.days, author: props.author ?? '' }
}

export function subject(t: TFunction, props: TReminderEmailProps) {
  return t(`${KEY[props.kind]}.subject`, values(props))
}

export default function ReminderEmail(props: TReminderEmailProps & { locale: AppLocale }) {
  const t = translator(props.locale)
  const v = values(props)
  return (
    <EmailLayout locale={props.locale} preview={t(`${KEY[props.kind]}.subject`, v)} context={props.workspaceName} mandatory={false} preferencesUrl={props.preferencesUrl}>
      <Heading as="h1" style={s.heading}>
        {props.code} {props.title}
      </Heading>
      <Text style={s.text}>{t('greeting', { ns: 'followup', name: props.recipientName })}</Text>
      <Text style={s.text}>{t(`${KEY[props.kind]}.body`, v)}</Text>
      {props.comment ? <Text style={{ ...s.text, borderLeft: '3px solid #d0d7de', paddingLeft: '12px' }}>{props.comment}</Text> : null}
      <Text style={s.small}>{t('dueDate', v)}</Text>
      <Section style={{ margin: '24px 0' }}>
        <Button href={props.statusUrl ?? props.assignmentUrl} style={s.button}>
          {props.statusUrl ? t('updateStatus', v) : t('openAssignment', v)}
        </Button>
      </Section>
      <Text style={s.small}>
        <Link href={props.assignmentUrl} style={s.link}>
          {t('openAssignment', v)}
        </Link>
        {' · '}
        <Link href={props.unsubscribeUrl} style={s.link}>
          {t('unsubscribe', v)}
        </Link>
      </Text>
    </EmailLayout>
  )
}

ReminderEmail.PreviewProps = {
  locale: 'es',
  kind: 'due_soon',
  recipientName: 'Ana Pérez',
  workspaceName: 'South American Conference on Migration',
  assignee: 'Argentina',
  code: '1.2.1.3',
  title: 'Publicar el informe nacional de migración laboral',
  dueDate: '15 de marzo de 2027',
  days: 3,
  assignmentUrl: 'http://localhost:3000/w/sacm/assignments/00000000-0000-0000-0000-000000000001',
  statusUrl: 'http://localhost:3000/a/preview-token',
  preferencesUrl: 'http://localhost:3000/settings',
  unsubscribeUrl: 'http://localhost:3000/unsubscribe/preview-token',
} satisfies TReminderEmailProps & { locale: AppLocale }

export const reminderEmail: EmailTemplate<TReminderEmailProps> = { kind: 'reminder', Component: ReminderEmail, subject }
