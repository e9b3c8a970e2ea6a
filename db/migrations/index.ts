import type { Migration } from 'kysely'
import * as initial from './20261204_000000_initial.ts'
import * as followUp from './20261204_160000_follow_up.ts'
import * as planEditingSearch from './20261204_170000_plan_editing_search.ts'
import * as activityFilters from './20261204_181500_activity_filters.ts'
import * as formDraft from './20261204_180000_form_draft.ts'
import * as emailLateRender from './20261204_190000_email_late_render.ts'
import * as emailPayloadLz4 from './20261204_200000_email_payload_lz4.ts'
import * as emailSkipped from './20261204_210000_email_skipped.ts'
import * as emailLogIndexes from './20261204_220000_email_log_indexes.ts'
import * as taskProgress from './20261204_230000_task_progress.ts'
import * as assignmentTaskWorkspace from './20261204_233000_assignment_task_workspace.ts'

/**
 * Every migration, in order. Listed by hand rather than read from the folder
 * so that tsx, Vitest and bundlers all load them the same way.
 */
export const migrations: Record<string, Migration> = {
  '20261204_000000_initial': initial,
  '20261204_160000_follow_up': followUp,
  '20261204_170000_plan_editing_search': planEditingSearch,
  '20261204_181500_activity_filters': activityFilters,
  '20261204_180000_form_draft': formDraft,
  '20261204_190000_email_late_render': emailLateRender,
  '20261204_200000_email_payload_lz4': emailPayloadLz4,
  '20261204_210000_email_skipped': emailSkipped,
  '20261204_220000_email_log_indexes': emailLogIndexes,
  '20261204_230000_task_progress': taskProgress,
  '20261204_233000_assignment_task_workspace': assignmentTaskWorkspace,
}
