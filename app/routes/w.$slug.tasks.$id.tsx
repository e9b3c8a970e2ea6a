import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { RouteError } from '#app/components/route-error.tsx'
import { fieldProps, FormMessage, Notice, useFormatters, type PageErrorData } from '#app/components/tasks/ui.tsx'
import { assignTask, formText, getTask, optionalText, pageErrorOf, parseForm, throwAsResponse, updatePlanItem, UUID, ZAssignTask, ZUpdatePlanItem } from '#app/utils/tasks.server.ts'
import { requireWorkspace } from '#app/utils/workspace.server.ts'
import { PlanBreadcrumb } from '#app/components/plan-breadcrumb.tsx'

export const handle = { i18n: ['tasks', 'plan'] }

async function loadTask(context: LoaderFunctionArgs['context'], request: Request, params: LoaderFunctionArgs['params']) {
  const { actor, membership } = requireWorkspace(context, params.slug, request)
  if (!UUID.test(params.id ?? '')) throw new Response('Not Found', { status: 404, statusText: 'Not Found' })
  const task = await getTask(actor, { taskId: params.id as string }).catch(throwAsResponse)
  // The task must belong to the workspace in the URL, not merely to one the caller can see.
  if (task.workspaceId !== membership.workspaceId) throw new Response('Not Found', { status: 404, statusText: 'Not Found' })
  return { actor, membership, task }
}

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { actor, membership, task } = await loadTask(context, request, params)
  const url = new URL(request.url)
  const assigned = Number(url.searchParams.get('assigned'))
  return {
    slug: membership.slug,
    task,
    timeZone: actor.timeZone,
    notice: url.searchParams.has('saved') ? ({ kind: 'saved' } as const) : Number.isInteger(assigned) && assigned > 0 ? ({ kind: 'assigned', count: assigned } as const) : null,
  }
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.task.code} ${data.task.title} · Ruta` : 'Ruta' }]

type FormValues = Record<string, string | string[]>
type ActionResult = { intent: 'assign' | 'update'; error: PageErrorData; values: FormValues }

function valuesOf(form: FormData): FormValues {
  const values: FormValues = {}
  for (const key of new Set(form.keys())) {
    const all = form.getAll(key).filter((v): v is string => typeof v === 'string')
    values[key] = key === 'countryCodes' || key === 'partnerCodes' ? all : (all[0] ?? '')
  }
  return values
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const { actor, membership, task } = await loadTask(context, request, params)
  const form = await request.formData()
  const intent = formText(form, 'intent')
  const here = `/w/${membership.slug}/tasks/${task.id}`
  if (intent === 'assign') {
    try {
      const codes = form.get('all') === '1' ? task.countries.map((c) => c.code) : form.getAll('countryCodes').map(String)
      const dueDates: Record<string, string> = {}
      for (const code of codes) {
        const date = formText(form, `dueDate_${code}`).trim()
        if (date) dueDates[code] = date
      }
      const input = parseForm(ZAssignTask, { taskId: task.id, countryCodes: codes, dueDate: formText(form, 'dueDate').trim(), dueDates })
      const result = await assignTask(actor, input)
      return redirect(`${here}?assigned=${result.length}#assignments`, 303)
    } catch (error) {
      const refused = pageErrorOf(error)
      return data<ActionResult>({ intent, error: refused.error, values: valuesOf(form) }, { status: refused.status })
    }
  }
  if (intent === 'update') {
    try {
      const recurrence = formText(form, 'recurrenceMonths').trim()
      const input = parseForm(ZUpdatePlanItem, {
        id: task.id,
        version: Number(formText(form, 'version')),
        title: formText(form, 'title'),
        description: formText(form, 'description').replace(/\r\n/g, '\n'),
        leadKind: formText(form, 'leadKind') || undefined,
        leadCountryCode: optionalText(form, 'leadCountryCode', true),
        leadOrganisationCode: optionalText(form, 'leadOrganisationCode', true),
        partnerCodes: form.getAll('partnerCodes').map(String),
        startDate: optionalText(form, 'startDate', true),
        dueDate: optionalText(form, 'dueDate', true),
        priority: formText(form, 'priority') || undefined,
        recurrenceMonths: recurrence === '' ? null : Number(recurrence),
      })
      await updatePlanItem(actor, input)
      return redirect(`${here}?saved=1`, 303)
    } catch (error) {
      const refused = pageErrorOf(error)
      return data<ActionResult>({ intent, error: refused.error, values: valuesOf(form) }, { status: refused.status })
    }
  }
  throw new Response('Unknown action', { status: 400, statusText: 'Bad Request' })
}

type Task = ReturnType<typeof useLoaderData<typeof loader>>['task']

function useCountryName() {
  const { i18n } = useTranslation()
  const lang = (i18n.language === 'pt' || i18n.language === 'en' ? i18n.language : 'es') as 'es' | 'pt' | 'en'
  return (names: { es: string; pt: string; en: string } | null, code: string | null) => (names ? names[lang] : (code ?? ''))
}

export default function TaskPage() {
  const { slug, task, timeZone, notice } = useLoaderData<typeof loader>()
  const actionData = useActionData<ActionResult>()
  const { t } = useTranslation('tasks')
  const format = useFormatters(timeZone)
  const countryName = useCountryName()

  const leadLabel =
    task.leadKind === 'country'
      ? countryName(task.leadCountryNames, task.leadCountryCode)
      : task.leadKind === 'organisation'
        ? (task.leadOrganisationName ?? task.leadOrganisationCode ?? '')
        : t(`lead.${task.leadKind}`)

  return (
    <article className="task-page" aria-labelledby="task-title">
      <PlanBreadcrumb slug={slug} label={t('breadcrumb')} planLabel={t('plan')} path={task.path} />
      <h1 id="task-title">
        <span className="kind">{t('kinds.task')}</span> <span className="code">{task.code}</span> {task.title}
      </h1>
      {task.archivedAt ? <p className="notice archived">{t('archivedNotice')}</p> : null}
      <Notice>{notice?.kind === 'saved' ? t('edit.saved') : notice?.kind === 'assigned' ? t('assign.done', { count: notice.count }) : null}</Notice>

      <section aria-labelledby="details-title">
        <h2 id="details-title">{t('details')}</h2>
        <p className="task-description">{task.description || <span className="muted">{t('noDescription')}</span>}</p>
        <dl className="task-fields">
          <dt>{t('fields.lead')}</dt>
          <dd>{leadLabel}</dd>
          <dt>{t('fields.partners')}</dt>
          <dd>{task.partners.length ? task.partners.map((p) => p.name).join(', ') : t('none')}</dd>
          <dt>{t('fields.startDate')}</dt>
          <dd>{task.startDate ? format.day(task.startDate) : t('notSet')}</dd>
          <dt>{t('fields.dueDate')}</dt>
          <dd>{task.dueDate ? format.day(task.dueDate) : t('notSet')}</dd>
          <dt>{t('fields.priority')}</dt>
          <dd>{t(`priority.${task.priority}`)}</dd>
          <dt>{t('fields.recurrence')}</dt>
          <dd>
            {task.recurrenceMonths ? t('recurrenceEvery', { count: task.recurrenceMonths }) : t('recurrenceNone')}
            {task.currentPeriod ? ` · ${t('currentPeriod', { period: task.currentPeriod })}` : null}
          </dd>
        </dl>
      </section>

      <Assignments slug={slug} task={task} timeZone={timeZone} />

      {task.canAssign && !task.archivedAt ? <AssignForm task={task} actionData={actionData?.intent === 'assign' ? actionData : undefined} timeZone={timeZone} /> : null}
      {task.canEdit && !task.archivedAt ? <EditForm slug={slug} task={task} actionData={actionData?.intent === 'update' ? actionData : undefined} /> : null}
    </article>
  )
}

function Assignments({ slug, task, timeZone }: { slug: string; task: Task; timeZone: string }) {
  const { t } = useTranslation('tasks')
  const format = useFormatters(timeZone)
  const countryName = useCountryName()
  const recurring = task.recurrenceMonths !== null || task.assignments.some((a) => a.period)
  return (
    <section aria-labelledby="assignments-title" id="assignments">
      <h2 id="assignments-title">{t('assignments.heading')}</h2>
      {task.assignments.length === 0 ? (
        <p>{t('assignments.empty')}</p>
      ) : (
        <div className="table-scroll">
          <table className="task-assignments">
            <thead>
              <tr>
                <th scope="col">{t('assignments.assignee')}</th>
                {recurring ? <th scope="col">{t('assignments.period')}</th> : null}
                <th scope="col">{t('assignments.status')}</th>
                <th scope="col">{t('assignments.dueDate')}</th>
                <th scope="col">{t('assignments.lastUpdate')}</th>
                <th scope="col">
                  <span className="visually-hidden">{t('assignments.open')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {task.assignments.map((a) => {
                const assignee =
                  a.assigneeKind === 'country'
                    ? `${countryName(a.countryNames, a.countryCode)} (${a.countryCode})`
                    : a.assigneeKind === 'organisation'
                      ? (a.organisationName ?? a.organisationCode ?? '')
                      : t('assignments.secretariat')
                return (
                  <tr key={a.id} className={a.overdue ? 'overdue' : undefined}>
                    <th scope="row">{assignee}</th>
                    {recurring ? <td>{a.period || '—'}</td> : null}
                    <td>
                      <span className={`status status-${a.status}`}>{t(`status.${a.status}`)}</span>
                    </td>
                    <td>
                      {format.day(a.dueDate)}
                      {a.overdue ? (
                        <>
                          {' '}
                          <strong className="overdue-label">{t('assignments.overdue')}</strong>
                        </>
                      ) : null}
                    </td>
                    <td>{a.updatedByName ? t('assignments.lastUpdateBy', { when: format.instant(a.updatedAt), who: a.updatedByName }) : format.instant(a.updatedAt)}</td>
                    <td>
                      <Link to={`/w/${slug}/assignments/${a.id}`} aria-label={t('assignments.openLabel', { assignee })}>
                        {t('assignments.open')}
                      </Link>
                    </td>
                  </tr>
                )
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  )
}

function AssignForm({ task, actionData, timeZone }: { task: Task; actionData?: ActionResult; timeZone: string }) {
  const { t } = useTranslation('tasks')
  const navigation = useNavigation()
  const format = useFormatters(timeZone)
  const countryName = useCountryName()
  const error = actionData?.error
  const values = actionData?.values
  const checked = new Set(Array.isArray(values?.countryCodes) ? values.countryCodes : [])
  const toLead = task.leadKind === 'secretariat' || task.leadKind === 'organisation'
  const current = (code: string) => task.assignments.find((a) => a.countryCode === code && (a.period === (task.currentPeriod ?? '')))
  const errorId = 'assign-error'
  const leadName = task.leadKind === 'organisation' ? (task.leadOrganisationName ?? '') : t('lead.secretariat')
  return (
    <section aria-labelledby="assign-title" className="panel">
      <h2 id="assign-title">{t('assign.heading')}</h2>
      <FormMessage error={error} id={errorId} />
      <Form method="post" key={JSON.stringify(values ?? {})} noValidate>
        <input type="hidden" name="intent" value="assign" />
        {toLead ? (
          <p>{t('assign.leadNotice', { lead: leadName })}</p>
        ) : (
          <fieldset {...fieldProps(error, 'countryCodes', errorId)}>
            <legend>{t('assign.countries')}</legend>
            <p className="muted">{t('assign.reassignHelp')}</p>
            <label className="checkbox all-countries">
              <input type="checkbox" name="all" value="1" defaultChecked={values?.all === '1'} /> {t('assign.allMemberStates')}
            </label>
            <ul className="country-choices">
              {task.countries.map((c) => {
                const existing = current(c.code)
                return (
                  <li key={c.code}>
                    <label className="checkbox">
                      <input type="checkbox" name="countryCodes" value={c.code} defaultChecked={checked.has(c.code)} /> {countryName(c.names, c.code)} ({c.code})
                      {existing ? <span className="muted"> — {t('assign.alreadyAssigned', { date: format.day(existing.dueDate) })}</span> : null}
                    </label>
                  </li>
                )
              })}
            </ul>
          </fieldset>
        )}
        {task.recurrenceMonths && task.currentPeriod ? <p className="muted">{t('assign.recurringHelp', { period: task.currentPeriod })}</p> : null}
        <label htmlFor="assign-due">{t('assign.dueDate')}</label>
        <input
          id="assign-due"
          type="date"
          name="dueDate"
          required
          defaultValue={typeof values?.dueDate === 'string' ? values.dueDate : (task.dueDate ?? '')}
          {...fieldProps(error, 'dueDate', errorId)}
        />
        {toLead ? null : (
          <details className="per-country" open={Object.keys(values ?? {}).some((k) => k.startsWith('dueDate_') && values?.[k]) || error?.field?.startsWith('dueDates')}>
            <summary>{t('assign.perCountry')}</summary>
            <p className="muted">{t('assign.perCountryHelp')}</p>
            <div className="per-country-dates">
              {task.countries.map((c) => (
                <div key={c.code}>
                  <label htmlFor={`due-${c.code}`}>{t('assign.perCountryLabel', { country: countryName(c.names, c.code) })}</label>
                  <input
                    id={`due-${c.code}`}
                    type="date"
                    name={`dueDate_${c.code}`}
                    defaultValue={typeof values?.[`dueDate_${c.code}`] === 'string' ? (values[`dueDate_${c.code}`] as string) : ''}
                    {...fieldProps(error, `dueDates.${c.code}`, errorId)}
                  />
                </div>
              ))}
            </div>
          </details>
        )}
        <p>
          <button type="submit" disabled={navigation.state === 'submitting'}>
            {t('assign.submit')}
          </button>
        </p>
      </Form>
    </section>
  )
}

function EditForm({ slug, task, actionData }: { slug: string; task: Task; actionData?: ActionResult }) {
  const { t } = useTranslation('tasks')
  const navigation = useNavigation()
  const countryName = useCountryName()
  const error = actionData?.error
  const values = actionData?.values
  const errorId = 'edit-error'
  const text = (name: string, fallback: string | number | null) => (typeof values?.[name] === 'string' ? (values[name] as string) : fallback === null ? '' : String(fallback))
  const partners = new Set(Array.isArray(values?.partnerCodes) ? values.partnerCodes : values ? [] : task.partners.map((p) => p.code))
  return (
    <section aria-labelledby="edit-title" className="panel">
      <h2 id="edit-title">{t('edit.heading')}</h2>
      <p>
        <Link to={`/w/${slug}/plan/edit#item-${task.id}`}>{t('edit.editPlan')}</Link>
      </p>
      {error?.conflict ? (
        <div className="form-error" role="alert">
          <p>{t('edit.conflict', { by: error.conflict.by, at: error.conflict.at })}</p>
          {values ? <ConflictTable task={task} values={values} /> : null}
        </div>
      ) : (
        <FormMessage error={error} id={errorId} />
      )}
      <Form method="post" key={JSON.stringify(values ?? {}) + task.version} noValidate>
        <input type="hidden" name="intent" value="update" />
        {/* Always the version the page shows: after a conflict, saving again applies to the current one. */}
        <input type="hidden" name="version" value={task.version} />
        <label htmlFor="edit-title-input">{t('fields.title')}</label>
        <input id="edit-title-input" name="title" required maxLength={2000} defaultValue={text('title', task.title)} {...fieldProps(error, 'title', errorId)} />
        <label htmlFor="edit-description">{t('fields.description')}</label>
        <textarea id="edit-description" name="description" maxLength={20000} defaultValue={text('description', task.description)} {...fieldProps(error, 'description', errorId)} />
        <label htmlFor="edit-lead">{t('fields.lead')}</label>
        <select id="edit-lead" name="leadKind" defaultValue={text('leadKind', task.leadKind)} {...fieldProps(error, 'leadKind', errorId)}>
          {(['all_countries', 'secretariat', 'country', 'organisation'] as const).map((kind) => (
            <option key={kind} value={kind}>
              {t(`lead.${kind}`)}
            </option>
          ))}
        </select>
        <div className="field-row">
          <div>
            <label htmlFor="edit-lead-country">{t('fields.leadCountry')}</label>
            <select id="edit-lead-country" name="leadCountryCode" defaultValue={text('leadCountryCode', task.leadCountryCode)} {...fieldProps(error, 'leadCountryCode', errorId)}>
              <option value="">{t('choose')}</option>
              {task.countries.map((c) => (
                <option key={c.code} value={c.code}>
                  {countryName(c.names, c.code)}
                </option>
              ))}
            </select>
          </div>
          <div>
            <label htmlFor="edit-lead-organisation">{t('fields.leadOrganisation')}</label>
            <select
              id="edit-lead-organisation"
              name="leadOrganisationCode"
              defaultValue={text('leadOrganisationCode', task.leadOrganisationCode)}
              {...fieldProps(error, 'leadOrganisationCode', errorId)}
            >
              <option value="">{t('choose')}</option>
              {task.organisations.map((o) => (
                <option key={o.code} value={o.code}>
                  {o.name}
                </option>
              ))}
            </select>
          </div>
        </div>
        <fieldset {...fieldProps(error, 'partnerCodes', errorId)}>
          <legend>{t('fields.partners')}</legend>
          <p className="muted">{t('edit.partnersHelp')}</p>
          {task.organisations.map((o) => (
            <label key={o.code} className="checkbox">
              <input type="checkbox" name="partnerCodes" value={o.code} defaultChecked={partners.has(o.code)} /> {o.name}
            </label>
          ))}
        </fieldset>
        <div className="field-row">
          <div>
            <label htmlFor="edit-start">{t('fields.startDate')}</label>
            <input id="edit-start" type="date" name="startDate" defaultValue={text('startDate', task.startDate)} {...fieldProps(error, 'startDate', errorId)} />
          </div>
          <div>
            <label htmlFor="edit-due">{t('fields.dueDate')}</label>
            <input id="edit-due" type="date" name="dueDate" defaultValue={text('dueDate', task.dueDate)} {...fieldProps(error, 'dueDate', errorId)} />
          </div>
        </div>
        <div className="field-row">
          <div>
            <label htmlFor="edit-priority">{t('fields.priority')}</label>
            <select id="edit-priority" name="priority" defaultValue={text('priority', task.priority)}>
              {(['low', 'normal', 'high'] as const).map((p) => (
                <option key={p} value={p}>
                  {t(`priority.${p}`)}
                </option>
              ))}
            </select>
          </div>
          <div>
            <label htmlFor="edit-recurrence">{t('fields.recurrence')}</label>
            <select id="edit-recurrence" name="recurrenceMonths" defaultValue={text('recurrenceMonths', task.recurrenceMonths)} {...fieldProps(error, 'recurrenceMonths', errorId)}>
              <option value="">{t('recurrenceNone')}</option>
              {[1, 2, 3, 4, 6, 12].map((m) => (
                <option key={m} value={m}>
                  {t('recurrenceEvery', { count: m })}
                </option>
              ))}
            </select>
          </div>
        </div>
        <p>
          <button type="submit" disabled={navigation.state === 'submitting'}>
            {t('edit.submit')}
          </button>
        </p>
      </Form>
    </section>
  )
}

/** After a CONFLICT: each field whose current value differs from what was typed, side by side. */
function ConflictTable({ task, values }: { task: Task; values: FormValues }) {
  const { t } = useTranslation('tasks')
  const current: Record<string, string> = {
    title: task.title,
    description: task.description,
    leadKind: task.leadKind,
    leadCountryCode: task.leadCountryCode ?? '',
    leadOrganisationCode: task.leadOrganisationCode ?? '',
    partnerCodes: task.partners.map((p) => p.code).join(', '),
    startDate: task.startDate ?? '',
    dueDate: task.dueDate ?? '',
    priority: task.priority,
    recurrenceMonths: task.recurrenceMonths === null ? '' : String(task.recurrenceMonths),
  }
  const typed = (name: string) => {
    const value = values[name]
    return Array.isArray(value) ? [...value].sort().join(', ') : (value ?? '')
  }
  const labels: Record<string, string> = {
    leadKind: 'lead',
    leadCountryCode: 'leadCountry',
    leadOrganisationCode: 'leadOrganisation',
    partnerCodes: 'partners',
    recurrenceMonths: 'recurrence',
  }
  const label = (name: string) => t(`fields.${labels[name] ?? name}`)
  const rows = Object.keys(current).filter((name) => name in values || name === 'partnerCodes').filter((name) => typed(name).replace(/\r\n/g, '\n') !== current[name])
  if (!rows.length) return null
  return (
    <table className="conflict-table">
      <caption>{t('edit.compare.caption')}</caption>
      <thead>
        <tr>
          <th scope="col">{t('edit.compare.field')}</th>
          <th scope="col">{t('edit.compare.current')}</th>
          <th scope="col">{t('edit.compare.yours')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((name) => (
          <tr key={name}>
            <th scope="row">{label(name)}</th>
            <td className="prewrap">{current[name] || '—'}</td>
            <td className="prewrap">{typed(name) || '—'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}

export function ErrorBoundary() {
  return <RouteError id="task" />
}
