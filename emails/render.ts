import { render } from '@react-email/render'
import { createElement } from 'react'
import type { AppLocale } from '#app/i18n/config.ts'
import { translator } from '#server/i18n.ts'
import type { EmailTemplate } from './types.ts'

export interface RenderedEmail {
  subject: string
  html: string
  /** A real plain-text part, derived from the same component. */
  text: string
}

/** Renders one template in the recipient's language: subject, HTML and plain text. */
export async function renderEmail<P extends object>(template: EmailTemplate<P>, props: P, locale: AppLocale): Promise<RenderedEmail> {
  const element = createElement(template.Component, { ...props, locale })
  const [html, text] = await Promise.all([render(element), render(element, { plainText: true })])
  return { subject: template.subject(translator(locale), props), html, text }
}
