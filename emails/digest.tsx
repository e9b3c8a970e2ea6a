import { Heading } from '@react-email/heading'
import { Link } from '@react-email/link'
import { Section } from '@react-email/section'
import { Text } from '@react-email/text'
import type { TFunction } from 'i18next'
import type { AppLocale } from '#app/i18n/config.ts'
import { translator } from '#server/i18n.ts'
import { contentStyles as s, EmailLayout } from './_components/layout.tsx'
import type { EmailTemplate } from './types.ts'

export interface TDigestItem {
  code: string
  title: string
  assignee: string
  /** A formatted date (due date) or a translated status (changes). */
  detail: string
  url: string
}

export interface TDigestEmailProps {
  recipientName: string
  workspaceName: string
  /** The digest's day, formatted in the recipient's language. */
  date: string
  overdue: TDigestItem[]
  dueSoon: TDigestItem[]
  toVerify: TDigestItem[]
  changes: TDigestItem[]
  /** Secretariat only: assignees that nobody receives reminders for. */
  unreachable: string[]
  /** How many items each list left out (lists are capped). */
  more: { overdue: number; dueSoon: number; toVerify: number; changes: number }
  preferencesUrl: string
  unsubscribeUrl: string
}

export function subject(t: TFunction, props: TDigestEmailProps) {
  return t('digest.subject', { ns: 'followup', workspace: props.workspaceName, date: props.date })
}

const itemStyle = { ...s.text, margin: '4px 0' }

function List({ heading, items, more, t }: { heading: string; items: TDigestItem[]; more: number; t: TFunction }) {
  if (!items.length) return null
  return (
    <Section>
      <Heading as="h2" style={{ ...s.heading, fontSize: '17px' }}>
        {heading}
      </Heading>
      {/* Plain elements, not React Email components: a digest has dozens of rows and is built for thousands of people. */}
      {items.map((item) => (
        <p key={`${item.url}${item.detail}`} style={itemStyle}>
          <a href={item.url}>{`${item.code} ${item.title}`}</a>
          {` — ${item.assignee} — ${item.detail}`}
        </p>
      ))}
      {more > 0 ? <Text style={s.small}>{t('digest.more', { ns: 'followup', count: more })}</Text> : null}
    </Section>
  )
}

export default function DigestEmail(props: TDigestEmailProps & { locale: AppLocale }) {
  const t = translator(props.locale)
  const ns = { ns: 'followup', workspace: props.workspaceName }
  return (
    <EmailLayout locale={props.locale} preview={t('digest.intro', ns)} context={props.workspaceName} mandatory={false} preferencesUrl={props.preferencesUrl}>
      <Heading as="h1" style={s.heading}>
        {subject(t, props)}
      </Heading>
      <Text style={s.text}>{t('greeting', { ns: 'followup', name: props.recipientName })}</Text>
      <Text style={s.text}>{t('digest.intro', ns)}</Text>
      <List heading={t('digest.overdue', ns)} items={props.overdue} more={props.more.overdue} t={t} />
      <List heading={t('digest.dueSoon', ns)} items={props.dueSoon} more={props.more.dueSoon} t={t} />
      <List heading={t('digest.toVerify', ns)} items={props.toVerify} more={props.more.toVerify} t={t} />
      <List heading={t('digest.changes', ns)} items={props.changes} more={props.more.changes} t={t} />
      {props.unreachable.length ? (
        <Section>
          <Heading as="h2" style={{ ...s.heading, fontSize: '17px' }}>
            {t('digest.unreachable', ns)}
          </Heading>
          {props.unreachable.map((line) => (
            <p key={line} style={itemStyle}>
              {line}
            </p>
          ))}
        </Section>
      ) : null}
      <Text style={s.small}>
        <Link href={props.unsubscribeUrl} style={s.link}>
          {t('unsubscribe', ns)}
        </Link>
      </Text>
    </EmailLayout>
  )
}

/** The plain-text part, built from the same props (cheaper than converting the HTML, which matters at digest volume). */
export function digestText(props: TDigestEmailProps, locale: AppLocale): string {
  const t = translator(locale)
  const ns = { ns: 'followup', workspace: props.workspaceName }
  const lines: string[] = [subject(t, props), '', t('greeting', { ns: 'followup', name: props.recipientName }), '', t('digest.intro', ns)]
  const list = (heading: string, items: TDigestItem[], more: number) => {
    if (!items.length) return
    lines.push('', heading.toUpperCase(), '')
    for (const i of items) lines.push(`- ${i.code} ${i.title} — ${i.assignee} — ${i.detail}`, `  ${i.url}`)
    if (more > 0) lines.push(t('digest.more', { ns: 'followup', count: more }))
  }
  list(t('digest.overdue', ns), props.overdue, props.more.overdue)
  list(t('digest.dueSoon', ns), props.dueSoon, props.more.dueSoon)
  list(t('digest.toVerify', ns), props.toVerify, props.more.toVerify)
  list(t('digest.changes', ns), props.changes, props.more.changes)
  if (props.unreachable.length) lines.push('', t('digest.unreachable', ns).toUpperCase(), '', ...props.unreachable.map((l) => `- ${l}`))
  lines.push('', '--', `${t('layout.preferences', { ns: 'emails' })} ${props.preferencesUrl}`, `${t('unsubscribe', ns)}: ${props.unsubscribeUrl}`, t('layout.automatic', { ns: 'emails' }))
  return lines.join('\n')
}

const item = (code: string, title: string, assignee: string, detail: string): TDigestItem => ({ code, title, assignee, detail, url: 'http://localhost:3000/w/sacm/plan' })

DigestEmail.PreviewProps = {
  locale: 'es',
  recipientName: 'Secretaría técnica',
  workspaceName: 'South American Conference on Migration',
  date: '1 de marzo de 2027',
  overdue: [item('1.1.1.1', 'Informe nacional', 'Bolivia', '12 de febrero de 2027')],
  dueSoon: [item('2.1.1.2', 'Plan de regularización', 'Argentina', '10 de marzo de 2027')],
  toVerify: [item('3.1.2.1', 'Protocolo de trata', 'Chile', 'Presentada')],
  changes: [item('3.1.2.1', 'Protocolo de trata', 'Chile', 'Presentada')],
  unreachable: ['Surinam: no hay ningún miembro activo'],
  more: { overdue: 0, dueSoon: 0, toVerify: 0, changes: 2 },
  preferencesUrl: 'http://localhost:3000/settings',
  unsubscribeUrl: 'http://localhost:3000/unsubscribe/preview-token',
} satisfies TDigestEmailProps & { locale: AppLocale }

export const digestEmail: EmailTemplate<TDigestEmailProps> = { kind: 'digest', Component: DigestEmail, subject }
