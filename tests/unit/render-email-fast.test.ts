import { toPlainText } from '@react-email/render'
import { describe, expect, it } from 'vitest'
import { renderEmailFast } from '#emails/delivery/render.ts'
import ReminderEmail, { reminderEmail, type TReminderKind } from '#emails/reminder-assignment.tsx'

describe('renderEmailFast', () => {
  it('its plain text (converter compiled once) is what @react-email/render gives, for every kind and language', () => {
    const kinds: TReminderKind[] = ['due_soon', 'overdue', 'overdue_escalation', 'submitted', 'returned', 'verified', 'mentioned']
    for (const locale of ['es', 'pt', 'en'] as const) {
      for (const kind of kinds) {
        const props = { ...ReminderEmail.PreviewProps, kind, comment: 'Un  comentario <con> "marcas" & más', author: 'Ana' }
        const fast = renderEmailFast(reminderEmail, props, locale)
        expect(fast.text).toBe(toPlainText(fast.html))
        expect(fast.text).toContain(props.code)
      }
    }
  })
})
