import type { AssignmentStatus } from '#db/types.ts'

/** The list item of API.md: { id, taskId, taskCode, taskTitle, countryCode, status, dueDate, overdue, version, updatedAt }. */
export interface AssignmentItem {
  id: string
  taskId: string
  taskCode: string
  taskTitle: string
  countryCode: string | null
  status: AssignmentStatus
  dueDate: string
  overdue: boolean
  version: number
  updatedAt: string
}

export function toItem(row: {
  id: string
  task_id: string
  task_code: string
  task_title: string
  country_code: string | null
  status: AssignmentStatus
  due_date: string
  overdue: boolean
  version: number
  updated_at: Date
}): AssignmentItem {
  return {
    id: row.id,
    taskId: row.task_id,
    taskCode: row.task_code,
    taskTitle: row.task_title,
    countryCode: row.country_code?.trim() ?? null,
    status: row.status,
    dueDate: row.due_date,
    overdue: !!row.overdue,
    version: row.version,
    updatedAt: new Date(row.updated_at).toISOString(),
  }
}
