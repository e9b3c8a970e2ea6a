import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely'

/** Columns the database fills in: optional on insert, always present on select. */
type Defaulted<T> = ColumnType<T, T | undefined, T>
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>
/** Calendar dates (`YYYY-MM-DD`); the pg driver is told to return them as strings. */
type CalendarDate = ColumnType<string, string, string>

export type Locale = 'es' | 'pt' | 'en'
export type Role = 'secretariat' | 'focal_point' | 'partner' | 'observer'
export type NodeKind = 'general_objective' | 'specific_objective' | 'action_line' | 'task'
export type LeadKind = 'all_countries' | 'secretariat' | 'country' | 'organisation'
export type AssigneeKind = 'country' | 'secretariat' | 'organisation'
export type Priority = 'low' | 'normal' | 'high'
export type AssignmentStatus =
  | 'not_started'
  | 'in_progress'
  | 'blocked'
  | 'submitted'
  | 'completed'
  | 'not_applicable'
export type DigestFrequency = 'daily' | 'weekly' | 'off'
/** skipped: a reminder not sent because its assignment was no longer open when delivery came to it. */
export type EmailStatus = 'pending' | 'sent' | 'failed' | 'bounced' | 'complained' | 'skipped'

export interface AppSettingTable {
  key: string
  value: string
  created_at: Timestamp
}

export interface WorkspaceTable {
  id: Generated<string>
  slug: string
  name: string
  default_locale: Defaulted<Locale>
  time_zone: Defaulted<string>
  created_at: Timestamp
}

export interface CountryTable {
  id: Generated<string>
  workspace_id: string
  code: string
  name_es: string
  name_pt: string
  name_en: string
  locale: Locale
  time_zone: string
  created_at: Timestamp
}

export interface OrganisationTable {
  id: Generated<string>
  workspace_id: string
  code: string
  name: string
  created_at: Timestamp
}

export interface AppUserTable {
  id: Generated<string>
  email: string
  name: Defaulted<string>
  locale: Locale | null
  time_zone: string | null
  password_hash: string | null
  is_admin: Defaulted<boolean>
  digest_frequency: Defaulted<DigestFrequency>
  email_bounced_at: NullableTimestamp
  created_at: Timestamp
  updated_at: Timestamp
}

export interface UserSessionTable {
  id: string
  user_id: string
  expires_at: Timestamp
  created_at: Timestamp
  last_seen_at: Timestamp
  ip: string | null
  user_agent: string | null
}

export interface ApiTokenTable {
  id: Generated<string>
  user_id: string
  name: string
  token_hash: string
  created_at: Timestamp
  last_used_at: NullableTimestamp
  revoked_at: NullableTimestamp
}

export interface FormDraftTable {
  id: string
  path: string
  fields: ColumnType<Record<string, string | string[]>, string, string>
  created_at: Timestamp
  expires_at: Timestamp
}

export interface MembershipTable {
  id: Generated<string>
  workspace_id: string
  user_id: string
  role: Role
  country_id: string | null
  organisation_id: string | null
  deactivated_at: NullableTimestamp
  created_at: Timestamp
  updated_at: Timestamp
  last_digest_at: NullableTimestamp
}

export interface InvitationTable {
  id: Generated<string>
  workspace_id: string
  email: string
  role: Role
  country_id: string | null
  organisation_id: string | null
  token_hash: string
  invited_by: string | null
  expires_at: Timestamp
  accepted_at: NullableTimestamp
  revoked_at: NullableTimestamp
  created_at: Timestamp
}

export interface PasswordResetTable {
  id: Generated<string>
  user_id: string
  token_hash: string
  expires_at: Timestamp
  used_at: NullableTimestamp
  created_at: Timestamp
}

export interface PlanTable {
  id: Generated<string>
  workspace_id: string
  title: string
  version_label: Defaulted<string>
  is_current: Defaulted<boolean>
  created_at: Timestamp
}

export interface PlanNodeTable {
  id: Generated<string>
  workspace_id: string
  plan_id: string
  parent_id: string | null
  kind: NodeKind
  position: number
  code: string
  title: string
  archived_at: NullableTimestamp
  created_at: Timestamp
  updated_at: Timestamp
  /** Optimistic concurrency for plan edits (migration 20261204_170000). */
  version: Defaulted<number>
  updated_by: ColumnType<string | null, string | null | undefined, string | null>
}

export interface TaskTable {
  id: string
  workspace_id: string
  description: Defaulted<string>
  lead_kind: Defaulted<LeadKind>
  lead_country_id: string | null
  lead_organisation_id: string | null
  start_date: CalendarDate | null
  due_date: CalendarDate | null
  priority: Defaulted<Priority>
  recurrence_months: number | null
}

export interface TaskPartnerTable {
  task_id: string
  organisation_id: string
}

export interface AssignmentTable {
  id: Generated<string>
  workspace_id: string
  task_id: string
  assignee_kind: AssigneeKind
  country_id: string | null
  organisation_id: string | null
  period: Defaulted<string>
  due_date: CalendarDate
  status: Defaulted<AssignmentStatus>
  progress_note: Defaulted<string>
  version: Defaulted<number>
  created_at: Timestamp
  updated_at: Timestamp
  updated_by: string | null
}

/**
 * Each task's assignment counts, kept by triggers on assignment (migration
 * 20261204_230000): total = not not_applicable, completed = completed. No
 * row, or zeros, when the task has no assignments. Read-only for the app.
 */
export interface TaskProgressTable {
  task_id: string
  workspace_id: string
  total: number
  completed: number
}

export interface AssignmentHistoryTable {
  id: Generated<string>
  assignment_id: string
  actor_id: string | null
  action: string
  from_status: AssignmentStatus | null
  to_status: AssignmentStatus | null
  note: Defaulted<string>
  version: number
  at: Timestamp
}

export interface EvidenceTable {
  id: Generated<string>
  assignment_id: string
  kind: 'link' | 'file'
  url: string | null
  file_name: string | null
  content_type: string | null
  size_bytes: number | null
  created_by: string | null
  created_at: Timestamp
}

export interface EvidenceFileTable {
  evidence_id: string
  data: Buffer
}

export interface CommentTable {
  id: Generated<string>
  assignment_id: string
  author_id: string | null
  body: string
  created_at: Timestamp
}

export interface ActivityTable {
  id: Generated<string>
  workspace_id: string | null
  actor_id: string | null
  action: string
  subject_type: string
  subject_id: string | null
  before: ColumnType<unknown, string | null | undefined, never>
  after: ColumnType<unknown, string | null | undefined, never>
  ip: string | null
  at: Timestamp
}

export interface OutboxTable {
  id: Generated<string>
  topic: string
  payload: ColumnType<unknown, string, string>
  created_at: Timestamp
  dispatched_at: NullableTimestamp
  attempts: Defaulted<number>
  last_error: string | null
}

export interface EmailLogTable {
  id: Generated<string>
  key: string
  workspace_id: string | null
  user_id: string | null
  recipient: string
  kind: string
  subject: string
  status: Defaulted<EmailStatus>
  provider_id: string | null
  error: string | null
  attempts: Defaulted<number>
  created_at: Timestamp
  sent_at: NullableTimestamp
  category: string | null
  occasion: string | null
  subject_id: string | null
  payload: ColumnType<unknown, string | null | undefined, string | null>
  has_attachments: Defaulted<boolean>
  batch_id: string | null
  batch_position: number | null
  leased_until: NullableTimestamp
  /** Rendered-later rows (reminders): the sweep's clock, for the signed links and the assignee's day. */
  as_of: NullableTimestamp
  /** Rendered-later rows: the recipient's language when claimed. */
  locale: Locale | null
}

export type NotificationCategory = 'reminders' | 'status' | 'mentions' | 'submissions' | 'escalations' | 'digest'
export type NotificationMode = 'immediate' | 'digest' | 'off'

export interface NotificationPreferenceTable {
  user_id: string
  category: NotificationCategory
  mode: NotificationMode
  updated_at: Timestamp
}

export interface EmailBatchTable {
  id: Generated<string>
  status: Defaulted<'pending' | 'sent' | 'failed'>
  size: number
  attempts: Defaulted<number>
  leased_until: NullableTimestamp
  last_error: string | null
  created_at: Timestamp
  sent_at: NullableTimestamp
}

export interface LocalMailTable {
  id: Generated<string>
  email_key: string | null
  to_address: string
  from_address: string
  subject: string
  html: string
  text: string
  headers: ColumnType<Record<string, string>, string | undefined, string>
  created_at: Timestamp
}

export interface DB {
  app_setting: AppSettingTable
  workspace: WorkspaceTable
  country: CountryTable
  organisation: OrganisationTable
  app_user: AppUserTable
  user_session: UserSessionTable
  api_token: ApiTokenTable
  form_draft: FormDraftTable
  membership: MembershipTable
  invitation: InvitationTable
  password_reset: PasswordResetTable
  plan: PlanTable
  plan_node: PlanNodeTable
  task: TaskTable
  task_partner: TaskPartnerTable
  assignment: AssignmentTable
  task_progress: TaskProgressTable
  assignment_history: AssignmentHistoryTable
  evidence: EvidenceTable
  evidence_file: EvidenceFileTable
  comment: CommentTable
  activity: ActivityTable
  outbox: OutboxTable
  email_log: EmailLogTable
  local_mail: LocalMailTable
  notification_preference: NotificationPreferenceTable
  email_batch: EmailBatchTable
}

export type Workspace = Selectable<WorkspaceTable>
export type Country = Selectable<CountryTable>
export type Organisation = Selectable<OrganisationTable>
export type User = Selectable<AppUserTable>
export type NewUser = Insertable<AppUserTable>
export type UserUpdate = Updateable<AppUserTable>
export type Membership = Selectable<MembershipTable>
export type PlanNode = Selectable<PlanNodeTable>
export type Task = Selectable<TaskTable>
export type Assignment = Selectable<AssignmentTable>
