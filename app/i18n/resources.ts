import admin from '../locales/admin.ts'
import assignments from '../locales/assignments.ts'
import auth from '../locales/auth.ts'
import board from '../locales/board.ts'
import common from '../locales/common.ts'
import emails from '../locales/emails.ts'
import errors from '../locales/errors.ts'
import followup from '../locales/followup.ts'
import plan from '../locales/plan.ts'
import settings from '../locales/settings.ts'
import tasks from '../locales/tasks.ts'
import activity from '../locales/activity.ts'
import workspace from '../locales/workspace.ts'
import type { AppLocale } from './config.ts'

/**
 * Every namespace, each file holding the three languages side by side so
 * that none is forgotten (a unit test checks that their keys match). Add a
 * namespace here when a feature brings one.
 */
export const namespaces = { common, errors, auth, plan, assignments, board, settings, admin, emails, followup, tasks, activity, workspace } as const

export type Namespace = keyof typeof namespaces
type Tree = { [key: string]: string | Tree }

export const resources = Object.fromEntries(
  (['es', 'pt', 'en'] as const).map((lng) => [
    lng,
    Object.fromEntries(Object.entries(namespaces).map(([ns, byLocale]) => [ns, (byLocale as Record<AppLocale, Tree>)[lng]])),
  ]),
) as Record<AppLocale, Record<Namespace, Tree>>
