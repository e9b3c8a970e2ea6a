import { describe, expect, it, vi } from 'vitest'
import type { AppLocale } from '#app/i18n/config.ts'
import type { AssignmentInfo, ReminderKind } from '#server/repositories/follow-up.ts'
import type { ReminderRenderRow } from '#server/repositories/reminders.ts'
import { composeAssignmentEmail, composeReminder, ReminderBodies } from '#server/services/follow-up/compose.ts'

/**
 * Delivery fills one rendered body per (kind, language, plural form) with
 * each reminder's values; the message must be byte for byte the one a whole
 * render gives (composeAssignmentEmail), whatever the names and titles hold.
 */
const names = ['Ana Pérez', 'Tom & Jerry <ops>', `O'Brien "Bob"`, '  Ana   María  ', 'Zoë\tTab', 'ana@example.org', 'Zero\u200bWidth', 'Nbsp\u00a0Name', 'straße ǆ']
const titles = ['Publicar el informe', 'Informe <b>anual</b> & "datos" \'x\'', 'Ley   de   migración ', 'Título\ncon salto', 'A']
const workspaces = ['South American Conference on Migration', 'R&D <Lab> "Q"']
const countries = [
  { es: 'Argentina', pt: 'Argentina', en: 'Argentina' },
  { es: 'Perú & Co', pt: 'Peru <P>', en: `Côte d'Ivoire` },
]
// due_date and today: 0, 1, 2, 3, 14 days before; 1, 8, 15 and 35 days after.
const offsets = [0, 1, 2, 3, 14, -1, -8, -15, -35]

function dayOffset(day: string, days: number) {
  const d = new Date(`${day}T00:00:00Z`)
  d.setUTCDate(d.getUTCDate() + days)
  return d.toISOString().slice(0, 10)
}

function kindOf(offset: number, i: number): ReminderKind {
  if (offset >= 0) return 'due_soon'
  return offset <= -30 && i % 2 === 0 ? 'overdue_escalation' : 'overdue'
}

describe('composeReminder', () => {
  it('gives the whole render byte for byte, across languages, kinds, plural forms and awkward names and titles', async () => {
    const error = vi.spyOn(console, 'error')
    const bodies = new ReminderBodies()
    const asOf = new Date('2027-03-12T16:00:00Z')
    const today = '2027-03-12'
    let n = 0
    for (const locale of ['es', 'pt', 'en'] as AppLocale[]) {
      for (const offset of offsets) {
        for (let i = 0; i < names.length; i++) {
          const name = names[i] as string
          const title = titles[(i + offset + 9) % titles.length] as string
          const country = countries[i % countries.length] as (typeof countries)[number]
          const kind = kindOf(offset, i)
          const info: AssignmentInfo = {
            assignment_id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
            workspace_id: '00000000-0000-4000-8000-000000000000',
            workspace_slug: 'sacm',
            workspace_name: workspaces[i % workspaces.length] as string,
            assignee_kind: i === 3 ? 'organisation' : 'country',
            country_code: 'AR',
            country_name_es: country.es,
            country_name_pt: country.pt,
            country_name_en: country.en,
            organisation_name: 'OIM & <ILO>',
            task_code: `1.${i}.${offset + 40}`,
            task_title: title,
            due_date: dayOffset(today, offset),
            status: 'in_progress',
            period: '',
            today,
          }
          const recipient = { user_id: `10000000-0000-4000-8000-${String(n).padStart(12, '0')}`, email: `u${n}@example.org`, name: i === 5 ? '' : name, locale }
          const row: ReminderRenderRow & { assignment_id: string; user_id: string } = {
            ...info,
            id: info.assignment_id,
            key: `k${n}`,
            kind,
            user_id: recipient.user_id,
            email: recipient.email,
            name: recipient.name,
            locale,
            as_of: asOf,
          }
          const expected = await composeAssignmentEmail(kind, recipient, info, asOf)
          const got = await composeReminder(row, bodies)
          expect(got).toEqual(expected)
          expect(got.html).toBe(expected.html)
          expect(got.text).toBe(expected.text)
          n++
        }
      }
    }
    // No template was found to differ from a whole render (it would be reported and dropped).
    expect(error).not.toHaveBeenCalled()
    // Most are filled in; those with white space the plain text would change are rendered whole.
    expect(bodies.counts.filled + bodies.counts.whole).toBe(n)
    expect(bodies.counts.filled).toBeGreaterThan(n / 4)
    expect(bodies.counts.whole).toBeGreaterThan(n / 10)
    error.mockRestore()
  })
})
