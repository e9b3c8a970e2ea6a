/**
 * Reporting periods of a recurring task. A period is `recurrence_months`
 * long and named by the month it starts in ('YYYY-MM'). Periods are anchored
 * at the task's start month, or — for a task without a start date — at
 * January, so quarterly periods fall on calendar quarters. Before the start
 * date, the current period is the first one.
 */
function monthIndex(date: string): number {
  const [year, month] = date.split('-').map(Number)
  return year * 12 + (month - 1)
}

function fromMonthIndex(index: number): string {
  const year = Math.floor(index / 12)
  const month = (index % 12) + 1
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-01`
}

/** The first day of the period that contains `day` (YYYY-MM-DD). */
export function periodStartOn(task: { startDate: string | null; recurrenceMonths: number }, day: string): string {
  const months = task.recurrenceMonths
  const today = monthIndex(day)
  if (task.startDate) {
    const anchor = monthIndex(task.startDate)
    if (today <= anchor) return fromMonthIndex(anchor)
    return fromMonthIndex(anchor + Math.floor((today - anchor) / months) * months)
  }
  return fromMonthIndex(today - (((today % months) + months) % months))
}

/** 'YYYY-MM' of a period start. */
export function periodName(periodStart: string): string {
  return periodStart.slice(0, 7)
}

/** The first day of the following period. */
export function nextPeriodStart(periodStart: string, recurrenceMonths: number): string {
  return fromMonthIndex(monthIndex(periodStart) + recurrenceMonths)
}

/** The last day of the period: the default due date of a period's assignments. */
export function periodEnd(periodStart: string, recurrenceMonths: number): string {
  const next = new Date(`${nextPeriodStart(periodStart, recurrenceMonths)}T00:00:00Z`)
  next.setUTCDate(next.getUTCDate() - 1)
  return next.toISOString().slice(0, 10)
}

/** The calendar date in a time zone at an instant. */
export function localDate(timeZone: string, at: Date = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at)
}
