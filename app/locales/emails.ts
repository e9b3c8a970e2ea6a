import { defineMessages } from '../i18n/define.ts'

export default defineMessages({
  es: { title: '' },
  pt: { title: '' },
  en: { title: '' },
})
