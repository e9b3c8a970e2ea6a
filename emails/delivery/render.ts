import { plainTextSelectors } from '@react-email/render'
import { compile } from 'html-to-text'
import { createElement } from 'react'
import { renderToStaticMarkup } from 'react-dom/server'
import type { AppLocale } from '#app/i18n/config.ts'
import { translator } from '#server/i18n.ts'
import type { RenderedEmail } from '../render.ts'
import type { EmailTemplate } from '../types.ts'

/**
 * @react-email/render's toPlainText (html-to-text's convert with its
 * selectors) compiles the converter again for every message; compiled once
 * here, the same options give the same text at a fraction of the cost.
 */
const toPlainText = compile({ wordwrap: false, selectors: [...plainTextSelectors] })

const DOCTYPE = '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">'

/**
 * The same output as renderEmail (subject, HTML, plain text from the same
 * component), rendered synchronously: digests for thousands of recipients
 * must build at hundreds per second, and the streaming renderer costs
 * several times more per message. Templates here use no Suspense.
 */
export function renderEmailFast<P extends object>(
  template: EmailTemplate<P>,
  props: P,
  locale: AppLocale,
  /** A template's own plain-text builder; otherwise the HTML is converted. */
  textOf?: (props: P, locale: AppLocale) => string,
): RenderedEmail {
  const html = DOCTYPE + renderToStaticMarkup(createElement(template.Component, { ...props, locale }))
  return { subject: template.subject(translator(locale), props), html, text: textOf ? textOf(props, locale) : toPlainText(html) }
}
