import { Body } from '@react-email/body'
import { Container } from '@react-email/container'
import { Head } from '@react-email/head'
import { Hr } from '@react-email/hr'
import { Html } from '@react-email/html'
import { Link } from '@react-email/link'
import { Preview } from '@react-email/preview'
import { Section } from '@react-email/section'
import { Text } from '@react-email/text'
import type { ReactNode } from 'react'
import type { AppLocale } from '#app/i18n/config.ts'
import { env } from '#server/env.ts'
import { translator } from '#server/i18n.ts'

interface LayoutProps {
  locale: AppLocale
  /** The inbox preview line. */
  preview: string
  /** Shown in the header under the brand, e.g. the workspace name. */
  context?: string
  /**
   * Mandatory notices (invitation, password reset) say that they cannot be
   * turned off; every other e-mail links to the preferences page instead.
   */
  mandatory: boolean
  /** The preferences page linked from non-mandatory e-mail; default `<APP_URL>/settings#notifications`. */
  preferencesUrl?: string
  children: ReactNode
}

const styles = {
  body: { backgroundColor: '#f6f8fa', fontFamily: "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif", margin: 0, padding: '24px 0' },
  container: { backgroundColor: '#ffffff', border: '1px solid #d0d7de', borderRadius: '8px', maxWidth: '560px', margin: '0 auto', padding: '24px 32px' },
  brand: { fontSize: '20px', fontWeight: 700, color: '#1b1f24', margin: 0 },
  tagline: { fontSize: '13px', color: '#57606a', margin: '4px 0 0' },
  footer: { fontSize: '12px', lineHeight: '18px', color: '#57606a', margin: '8px 0' },
} as const

/** Shared frame of every e-mail: brand header, content, footer. */
export function EmailLayout({ locale, preview, context, mandatory, preferencesUrl, children }: LayoutProps) {
  const t = translator(locale)
  const preferences = mandatory ? null : (preferencesUrl ?? `${env().APP_URL}/settings#notifications`)
  return (
    <Html lang={locale} dir="ltr">
      <Head />
      <Preview>{preview}</Preview>
      <Body style={styles.body}>
        <Container style={styles.container}>
          <Section>
            <Text style={styles.brand}>Ruta</Text>
            <Text style={styles.tagline}>{context ?? t('layout.tagline', { ns: 'emails' })}</Text>
          </Section>
          <Hr />
          {children}
          <Hr />
          <Section>
            {mandatory ? (
              <Text style={styles.footer}>{t('layout.mandatory', { ns: 'emails' })}</Text>
            ) : preferences ? (
              <Text style={styles.footer}>
                {t('layout.preferences', { ns: 'emails' })} <Link href={preferences}>{t('layout.preferencesLink', { ns: 'emails' })}</Link>
              </Text>
            ) : null}
            <Text style={styles.footer}>{t('layout.automatic', { ns: 'emails' })}</Text>
          </Section>
        </Container>
      </Body>
    </Html>
  )
}

export const contentStyles = {
  heading: { fontSize: '22px', lineHeight: '28px', color: '#1b1f24', margin: '16px 0 8px' },
  text: { fontSize: '15px', lineHeight: '22px', color: '#1b1f24' },
  button: { backgroundColor: '#0b5cad', borderRadius: '6px', color: '#ffffff', fontSize: '15px', fontWeight: 600, padding: '12px 20px', textDecoration: 'none' },
  small: { fontSize: '13px', lineHeight: '20px', color: '#57606a' },
  link: { fontSize: '13px', color: '#0b5cad', wordBreak: 'break-all' },
} as const
