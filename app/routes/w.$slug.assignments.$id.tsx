import { data, MaxPartSizeExceededError, redirect, unstable_createMemoryUploadHandler, unstable_parseMultipartFormData, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useEffect, useRef } from 'react'
import { useTranslation } from 'react-i18next'
import { RouteError } from '#app/components/route-error.tsx'
import { CommentBody, formatBytes, formatters, OverdueBadge, StatusBadge } from '#app/components/assignment-ui.tsx'
import { requireActorForAction, restoreDraft } from '#app/utils/auth.server.ts'
import { addComment, addEvidence, type AppError, type AssignmentDetail, getAssignment, HTTP_STATUS, isAppError, MAX_EVIDENCE_BYTES, returnAssignment, translator, type TUpdateAssignment, updateAssignment, verifyAssignment } from '#app/utils/assignments.server.ts'
import { requireWorkspace } from '#app/utils/workspace.server.ts'
import type { AppLocale } from '#app/i18n/config.ts'
import { describedField } from '#app/components/field.ts'
import { PlanBreadcrumb } from '#app/components/plan-breadcrumb.tsx'

export const handle = { i18n: ['assignments'] }

const INTENTS = ['update', 'verify', 'return', 'comment', 'evidence'] as const
type Intent = (typeof INTENTS)[number]
/** Where each form lives on the page, to come back to it after saving. */
const ANCHOR: Record<Intent, string> = { update: 'update', verify: 'review', return: 'review', comment: 'comments', evidence: 'evidence' }

/** One field of a restored draft, as a string. */
function draftText(draft: Record<string, string | string[]> | null, name: string): string | undefined {
  const value = draft?.[name]
  return Array.isArray(value) ? value[0] : value
}

function notFound(): never {
  throw new Response('Not Found', { status: 404, statusText: 'Not Found' })
}

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { actor, membership } = requireWorkspace(context, params.slug, request)
  let detail
  try {
    detail = await getAssignment(actor, { assignmentId: params.id ?? '' })
  } catch (error) {
    if (isAppError(error) && (error.code === 'NOT_FOUND' || error.code === 'BAD_REQUEST')) notFound()
    throw error
  }
  if (detail.workspaceId !== membership.workspaceId) notFound()
  const { draft, headers } = await restoreDraft(request)
  const saved = new URL(request.url).searchParams.get('saved')
  const t = translator(context.locale)
  const assignee = detail.country ? detail.country.name[context.locale] : (detail.organisation?.code ?? t('assignee.secretariat', { ns: 'assignments' }))
  const page: PageData = {
    slug: membership.slug,
    detail,
    locale: context.locale,
    timeZone: actor.timeZone,
    saved: INTENTS.includes(saved as Intent) ? (saved as Intent) : null,
    draft: draft ? { progressNote: draftText(draft, 'progressNote'), comment: draftText(draft, 'comment'), body: draftText(draft, 'body') } : null,
    pageTitle: `${t('title', { ns: 'assignments' })} ${detail.taskCode} — ${assignee} · Ruta`,
    assignee,
  }
  return data(page, { headers })
}

/** What the loader sends: plain JSON already (instants are ISO strings). */
interface PageData {
  slug: string
  detail: AssignmentDetail
  locale: AppLocale
  timeZone: string
  saved: Intent | null
  draft: { progressNote?: string; comment?: string; body?: string } | null
  pageTitle: string
  assignee: string
}
const usePageData = () => useLoaderData() as PageData

export const meta: MetaFunction = ({ data }) => [{ title: (data as PageData | undefined)?.pageTitle ?? 'Ruta' }]

interface ActionError {
  code: string
  field?: string
  key?: string
  values?: Record<string, unknown>
  message: string
  allowed?: string[]
  conflict?: { by: string; at: string }
}
interface ActionResult {
  intent: Intent
  error: ActionError
  values: Record<string, string>
}

function toActionError(error: AppError, values: Record<string, string>): ActionError {
  const details = error.details
  let key = details.i18n?.key
  const field = details.field
  // Errors from input validation carry no translation key: name the problem by field.
  if (!key && (field === 'evidenceUrl' || field === 'url')) key = 'assignments:errors.invalidUrl'
  if (!key && (field === 'body' || field === 'comment')) key = (values[field] ?? '').length > 10_000 ? 'assignments:errors.tooLong' : 'assignments:errors.empty'
  if (!key && field === 'progressNote') key = 'assignments:errors.tooLong'
  return {
    code: error.code,
    field,
    key,
    values: { max: field === 'progressNote' ? '20 000' : '10 000', ...details.i18n?.values },
    message: error.message,
    allowed: Array.isArray(details.allowed) ? (details.allowed as string[]) : undefined,
    conflict: details.conflict,
  }
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const actor = await requireActorForAction(request, context)
  const { membership } = requireWorkspace(context, params.slug, request)
  const assignmentId = params.id ?? ''
  const multipart = /^multipart\/form-data/i.test(request.headers.get('content-type') ?? '')
  let form: FormData
  let tooLarge = false
  try {
    form = multipart
      ? await unstable_parseMultipartFormData(request, unstable_createMemoryUploadHandler({ maxPartSize: MAX_EVIDENCE_BYTES }))
      : await request.formData()
  } catch (error) {
    if (!(error instanceof MaxPartSizeExceededError)) throw error
    form = new FormData()
    form.set('intent', 'evidence')
    tooLarge = true
  }
  const text = (name: string) => {
    const value = form.get(name)
    return typeof value === 'string' ? value : ''
  }
  const intent = INTENTS.find((i) => i === text('intent'))
  if (!intent) throw new Response('Unknown form', { status: 400 })
  const version = Number(text('version'))
  const values: Record<string, string> = {}
  for (const name of ['status', 'progressNote', 'evidenceUrl', 'comment', 'body', 'url']) if (form.has(name)) values[name] = text(name)

  try {
    if (tooLarge) {
      return data<ActionResult>(
        { intent, error: { code: 'BAD_REQUEST', field: 'file', key: 'assignments:errors.fileTooLarge', message: 'file: larger than 20 MB' }, values },
        { status: 400 },
      )
    }
    if (intent === 'update') {
      await updateAssignment(actor, {
        assignmentId,
        version,
        // Any string: the service validates it against the statuses (BAD_REQUEST naming the field).
        status: (text('status') || undefined) as TUpdateAssignment['status'],
        progressNote: form.has('progressNote') ? text('progressNote') : undefined,
        evidenceUrl: text('evidenceUrl').trim() || undefined,
        comment: text('comment').trim() ? text('comment') : undefined,
      })
    } else if (intent === 'verify') {
      await verifyAssignment(actor, { assignmentId, version })
    } else if (intent === 'return') {
      await returnAssignment(actor, { assignmentId, version, comment: text('comment') })
    } else if (intent === 'comment') {
      await addComment(actor, { assignmentId, body: text('body') })
    } else {
      const file = form.get('file')
      const url = text('url').trim()
      if (file instanceof File && file.size > 0) {
        await addEvidence(actor, { assignmentId, version, file: { name: file.name, data: Buffer.from(await file.arrayBuffer()) } })
      } else if (url) {
        await addEvidence(actor, { assignmentId, version, url })
      } else {
        return data<ActionResult>(
          { intent, error: { code: 'BAD_REQUEST', field: 'file', key: 'assignments:errors.fileOrLink', message: 'file: choose a file or type a link' }, values },
          { status: 400 },
        )
      }
    }
  } catch (error) {
    if (!isAppError(error)) throw error
    if (error.code === 'NOT_FOUND') notFound()
    if (error.code === 'FORBIDDEN') throw new Response('Forbidden', { status: 403, statusText: 'Forbidden' })
    return data<ActionResult>({ intent, error: toActionError(error, values), values }, { status: HTTP_STATUS[error.code] })
  }
  return redirect(`/w/${membership.slug}/assignments/${assignmentId}?saved=${intent}#${ANCHOR[intent]}`, 303)
}

type Detail = AssignmentDetail

/** The message of an action error, in the page's language. */
function useErrorMessage() {
  const { t } = useTranslation('assignments')
  return (error: ActionError) => {
    if (error.key === 'assignments:errors.transition') {
      const allowed = (error.allowed ?? []).map((s) => t(`statuses.${s}`)).join(', ') || '—'
      return t('errors.transition', { from: t(`statuses.${String(error.values?.from)}`), to: t(`statuses.${String(error.values?.to)}`), allowed })
    }
    if (error.key) return t(error.key, { ...error.values, defaultValue: error.message })
    return t('errors.generic', { message: error.message })
  }
}

export default function AssignmentPage() {
  const { slug, detail, locale, timeZone, saved, assignee } = usePageData()
  const actionData = useActionData<ActionResult>()
  const { t } = useTranslation('assignments')
  const fmt = formatters(locale, timeZone)
  const statusRef = useRef<HTMLDivElement>(null)
  const errorMessage = useErrorMessage()
  const topError = actionData && !actionData.error.field ? errorMessage(actionData.error) : null

  useEffect(() => {
    if (actionData?.error.code === 'CONFLICT' || topError) statusRef.current?.focus()
  }, [actionData, topError])

  return (
    <article className="assignment-page" aria-labelledby="assignment-title">
      <PlanBreadcrumb slug={slug} label={t('breadcrumb')} planLabel={t('plan')} path={detail.task.path} task={detail.task} />

      <h1 id="assignment-title">
        <span className="code">{detail.taskCode}</span> {detail.taskTitle}
        <span className="assignee"> — {assignee}</span>
      </h1>

      <div ref={statusRef} tabIndex={-1} aria-live="polite" aria-atomic="true" className="live-region">
        {saved && !actionData ? (
          <p className="notice" role="status">
            {t(`saved.${saved}`)}
          </p>
        ) : null}
        {topError && actionData?.error.code !== 'CONFLICT' ? (
          <p className="form-error" role="alert">
            {topError}
          </p>
        ) : null}
        {actionData?.error.code === 'CONFLICT' ? <ConflictBox detail={detail} result={actionData} /> : null}
      </div>

      <dl className="assignment-facts">
        <div>
          <dt>{t('status')}</dt>
          <dd>
            <StatusBadge status={detail.status} /> {detail.overdue ? <OverdueBadge /> : null}
          </dd>
        </div>
        <div>
          <dt>{t('dueDate')}</dt>
          <dd>
            <time dateTime={detail.dueDate}>{fmt.day(detail.dueDate)}</time>
          </dd>
        </div>
        <div>
          <dt>{t('version', { version: detail.version })}</dt>
          <dd>{detail.updatedByName ? t('lastChange', { who: detail.updatedByName, when: fmt.instant(detail.updatedAt) }) : fmt.instant(detail.updatedAt)}</dd>
        </div>
      </dl>

      {detail.task.description ? (
        <section aria-labelledby="description-heading">
          <h2 id="description-heading">{t('description')}</h2>
          <p className="prewrap">{detail.task.description}</p>
        </section>
      ) : null}

      <section aria-labelledby="note-heading">
        <h2 id="note-heading">{t('progressNote')}</h2>
        {detail.progressNote ? <p className="prewrap">{detail.progressNote}</p> : <p className="muted">{t('noProgressNote')}</p>}
      </section>

      <ReviewSection detail={detail} />
      <UpdateSection detail={detail} />
      <EvidenceSection detail={detail} slug={slug} />
      <CommentsSection detail={detail} />
      <HistorySection detail={detail} />
    </article>
  )
}

/** The current values next to what the user typed; the form keeps the typed text. */
function ConflictBox({ detail, result }: { detail: Detail; result: ActionResult }) {
  const { t } = useTranslation('assignments')
  const { locale, timeZone } = usePageData()
  const fmt = formatters(locale, timeZone)
  const conflict = result.error.conflict
  const typed = Object.entries(result.values).filter(([, v]) => v.trim() !== '')
  return (
    <section className="conflict form-error" aria-labelledby="conflict-heading">
      <h2 id="conflict-heading">{t('conflict.heading')}</h2>
      <p>{conflict ? t('errors.conflict', { by: conflict.by, at: fmt.instant(conflict.at) }) : result.error.message}</p>
      <div className="conflict-columns">
        <div>
          <h3>{t('conflict.current')}</h3>
          <dl>
            <dt>{t('status')}</dt>
            <dd>
              <StatusBadge status={detail.status} />
            </dd>
            <dt>{t('progressNote')}</dt>
            <dd className="prewrap">{detail.progressNote || '—'}</dd>
          </dl>
        </div>
        <div>
          <h3>{t('conflict.yours')}</h3>
          <dl>
            {typed.map(([name, value]) => (
              <div key={name}>
                <dt>{name === 'status' ? t('status') : name === 'progressNote' ? t('progressNote') : name === 'evidenceUrl' || name === 'url' ? t('evidence.url') : t('update.comment')}</dt>
                <dd className="prewrap">{name === 'status' ? t(`statuses.${value}`) : value}</dd>
              </div>
            ))}
          </dl>
        </div>
      </div>
      <p>{t('conflict.retry')}</p>
    </section>
  )
}

/** Field error next to its field, referenced by aria-describedby. */
function FieldError({ id, result, intent, field }: { id: string; result: ActionResult | undefined; intent: Intent; field: string }) {
  const message = useErrorMessage()
  if (!result || result.intent !== intent || result.error.field !== field || result.error.code === 'CONFLICT') return null
  return (
    <p id={id} className="field-error" role="alert">
      {message(result.error)}
    </p>
  )
}

function fieldProps(result: ActionResult | undefined, intent: Intent, field: string, errorId: string, helpId?: string) {
  const invalid = !!result && result.intent === intent && result.error.field === field && result.error.code !== 'CONFLICT'
  return describedField(invalid, errorId, ...(helpId ? [helpId] : []))
}

/** What to show in a field: the text typed before an error, else a kept draft, else the stored value. */
function useTyped(intent: Intent) {
  const actionData = useActionData<ActionResult>()
  const { draft } = usePageData()
  return (name: string, fallback = '') => {
    if (actionData?.intent === intent && actionData.values[name] !== undefined) return actionData.values[name]
    const kept = draft?.[name as 'progressNote' | 'comment' | 'body']
    return kept ?? fallback
  }
}

function UpdateSection({ detail }: { detail: Detail }) {
  const { t } = useTranslation('assignments')
  const result = useActionData<ActionResult>()
  const navigation = useNavigation()
  const typed = useTyped('update')
  const options = detail.allowedTransitions.filter((tr) => tr.via === 'update')
  const needsComment = options.some((o) => o.needs === 'comment')
  const chosen = typed('status')
  if (!detail.can.update) {
    return (
      <section aria-labelledby="update-heading" id="update">
        <h2 id="update-heading">{t('update.heading')}</h2>
        <p className="muted">{detail.can.verify || detail.status !== 'completed' ? t('update.readOnly') : t('update.completedLocked')}</p>
      </section>
    )
  }
  return (
    <section aria-labelledby="update-heading" id="update">
      <h2 id="update-heading">{t('update.heading')}</h2>
      <Form method="post" key={`update-${detail.version}`} className="assignment-form">
        <input type="hidden" name="intent" value="update" />
        <input type="hidden" name="version" value={detail.version} />
        <fieldset {...fieldProps(result, 'update', 'status', 'update-status-error')}>
          <legend>{t('update.newStatus')}</legend>
          <FieldError id="update-status-error" result={result} intent="update" field="status" />
          <label className="choice">
            <input type="radio" name="status" value="" defaultChecked={!chosen} /> {t('update.keep', { status: t(`statuses.${detail.status}`) })}
          </label>
          {options.map((o) => (
            <label className="choice" key={`${o.action}-${o.to}`}>
              <input type="radio" name="status" value={o.to} defaultChecked={chosen === o.to} /> {t(`actions.${o.action}`)} → {t(`statuses.${o.to}`)}
              {o.needs ? <span className="muted"> ({o.needs === 'note' ? t('update.needsNote') : t('update.needsComment')})</span> : null}
            </label>
          ))}
        </fieldset>
        <label htmlFor="update-progressNote">{t('progressNote')}</label>
        <p id="update-progressNote-help" className="help">
          {t('update.noteHelp')}
        </p>
        <textarea
          id="update-progressNote"
          name="progressNote"
          rows={6}
          maxLength={20000}
          defaultValue={typed('progressNote', detail.progressNote)}
          {...fieldProps(result, 'update', 'progressNote', 'update-progressNote-error', 'update-progressNote-help')}
        />
        <FieldError id="update-progressNote-error" result={result} intent="update" field="progressNote" />
        <label htmlFor="update-evidenceUrl">{t('update.evidenceUrl')}</label>
        <input
          id="update-evidenceUrl"
          name="evidenceUrl"
          type="url"
          inputMode="url"
          placeholder="https://"
          defaultValue={typed('evidenceUrl')}
          {...fieldProps(result, 'update', 'evidenceUrl', 'update-evidenceUrl-error')}
        />
        <FieldError id="update-evidenceUrl-error" result={result} intent="update" field="evidenceUrl" />
        {needsComment ? (
          <>
            <label htmlFor="update-comment">{t('update.comment')}</label>
            <p id="update-comment-help" className="help">
              {t('update.commentHelp')}
            </p>
            <textarea
              id="update-comment"
              name="comment"
              rows={3}
              maxLength={10000}
              defaultValue={typed('comment')}
              {...fieldProps(result, 'update', 'comment', 'update-comment-error', 'update-comment-help')}
            />
            <FieldError id="update-comment-error" result={result} intent="update" field="comment" />
          </>
        ) : null}
        <p>
          <button type="submit" disabled={navigation.state === 'submitting'}>
            {t('update.save')}
          </button>
        </p>
      </Form>
    </section>
  )
}

function ReviewSection({ detail }: { detail: Detail }) {
  const { t } = useTranslation('assignments')
  const result = useActionData<ActionResult>()
  const typed = useTyped('return')
  if (!detail.can.verify || detail.status !== 'submitted') return null
  return (
    <section aria-labelledby="review-heading" id="review" className="review">
      <h2 id="review-heading">{t('review.heading')}</h2>
      <p>{t('review.waiting')}</p>
      <Form method="post" key={`verify-${detail.version}`}>
        <input type="hidden" name="intent" value="verify" />
        <input type="hidden" name="version" value={detail.version} />
        <button type="submit">{t('review.verify')}</button>
      </Form>
      <Form method="post" key={`return-${detail.version}`} className="assignment-form">
        <input type="hidden" name="intent" value="return" />
        <input type="hidden" name="version" value={detail.version} />
        <label htmlFor="return-comment">{t('review.returnComment')}</label>
        <p id="return-comment-help" className="help">
          {t('review.returnHelp')}
        </p>
        <textarea
          id="return-comment"
          name="comment"
          rows={4}
          maxLength={10000}
          required
          defaultValue={typed('comment')}
          {...fieldProps(result, 'return', 'comment', 'return-comment-error', 'return-comment-help')}
        />
        <FieldError id="return-comment-error" result={result} intent="return" field="comment" />
        <p>
          <button type="submit" className="secondary">
            {t('review.return')}
          </button>
        </p>
      </Form>
    </section>
  )
}

function EvidenceSection({ detail, slug }: { detail: Detail; slug: string }) {
  const { t } = useTranslation('assignments')
  const { locale, timeZone } = usePageData()
  const result = useActionData<ActionResult>()
  const typed = useTyped('evidence')
  const fmt = formatters(locale, timeZone)
  return (
    <section aria-labelledby="evidence-heading" id="evidence">
      <h2 id="evidence-heading">{t('evidence.heading')}</h2>
      {detail.evidence.length === 0 ? (
        <p className="muted">{t('evidence.none')}</p>
      ) : (
        <ul className="evidence-list">
          {detail.evidence.map((e) => (
            <li key={e.id}>
              {e.kind === 'link' && e.url ? (
                <a href={e.url} rel="noopener noreferrer nofollow" target="_blank">
                  {e.url}
                </a>
              ) : (
                <a href={`/w/${slug}/evidence/${e.id}`} download={e.fileName ?? undefined}>
                  {t('evidence.download', { name: e.fileName, size: formatBytes(e.sizeBytes, locale) })}
                </a>
              )}{' '}
              <span className="muted">{t('evidence.added', { who: e.createdByName ?? '—', when: fmt.instant(e.createdAt) })}</span>
            </li>
          ))}
        </ul>
      )}
      {detail.can.update ? (
        <Form method="post" encType="multipart/form-data" key={`evidence-${detail.version}`} className="assignment-form">
          <h3>{t('evidence.addHeading')}</h3>
          <input type="hidden" name="intent" value="evidence" />
          <input type="hidden" name="version" value={detail.version} />
          <label htmlFor="evidence-file">{t('evidence.fileLabel')}</label>
          <p id="evidence-file-help" className="help">
            {t('evidence.fileHelp')}
          </p>
          <input
            id="evidence-file"
            name="file"
            type="file"
            accept=".pdf,.doc,.docx,.xls,.xlsx,.ppt,.pptx,.odt,.ods,.png,.jpg,.jpeg,.gif,.webp"
            {...fieldProps(result, 'evidence', 'file', 'evidence-file-error', 'evidence-file-help')}
          />
          <FieldError id="evidence-file-error" result={result} intent="evidence" field="file" />
          <label htmlFor="evidence-url">{t('evidence.url')}</label>
          <input id="evidence-url" name="url" type="url" inputMode="url" placeholder="https://" defaultValue={typed('url')} {...fieldProps(result, 'evidence', 'url', 'evidence-url-error')} />
          <FieldError id="evidence-url-error" result={result} intent="evidence" field="url" />
          <p>
            <button type="submit">{t('evidence.upload')}</button>
          </p>
        </Form>
      ) : null}
    </section>
  )
}

function CommentsSection({ detail }: { detail: Detail }) {
  const { t } = useTranslation('assignments')
  const { locale, timeZone } = usePageData()
  const result = useActionData<ActionResult>()
  const typed = useTyped('comment')
  const fmt = formatters(locale, timeZone)
  return (
    <section aria-labelledby="comments-heading" id="comments">
      <h2 id="comments-heading">{t('comments.heading')}</h2>
      {detail.comments.length === 0 ? (
        <p className="muted">{t('comments.none')}</p>
      ) : (
        <ol className="comment-list">
          {detail.comments.map((c) => (
            <li key={c.id} id={`comment-${c.id}`}>
              <p className="muted">{t('comments.by', { who: c.authorName ?? '—', when: fmt.instant(c.createdAt) })}</p>
              <CommentBody body={c.body} />
            </li>
          ))}
        </ol>
      )}
      {detail.can.comment ? (
        <Form method="post" key={`comment-${detail.comments.length}`} className="assignment-form">
          <input type="hidden" name="intent" value="comment" />
          <label htmlFor="comment-body">{t('comments.body')}</label>
          <p id="comment-body-help" className="help">
            {t('comments.help')}
          </p>
          <textarea
            id="comment-body"
            name="body"
            rows={4}
            maxLength={10000}
            required
            defaultValue={typed('body')}
            {...fieldProps(result, 'comment', 'body', 'comment-body-error', 'comment-body-help')}
          />
          <FieldError id="comment-body-error" result={result} intent="comment" field="body" />
          <p>
            <button type="submit">{t('comments.add')}</button>
          </p>
        </Form>
      ) : null}
    </section>
  )
}

function HistorySection({ detail }: { detail: Detail }) {
  const { t } = useTranslation('assignments')
  const { locale, timeZone } = usePageData()
  const fmt = formatters(locale, timeZone)
  return (
    <section aria-labelledby="history-heading" id="history">
      <h2 id="history-heading">{t('history.heading')}</h2>
      {detail.history.length === 0 ? (
        <p className="muted">{t('history.none')}</p>
      ) : (
        <table className="history-table">
          <thead>
            <tr>
              <th scope="col">{t('history.when')}</th>
              <th scope="col">{t('history.who')}</th>
              <th scope="col">{t('history.what')}</th>
              <th scope="col">{t('history.change')}</th>
              <th scope="col">{t('history.note')}</th>
            </tr>
          </thead>
          <tbody>
            {detail.history.map((h) => (
              <tr key={h.id}>
                <td>
                  <time dateTime={h.at}>{fmt.instant(h.at)}</time>
                </td>
                <td>{h.actorName ?? '—'}</td>
                <td>{t(`actions.${h.action}`, { defaultValue: h.action })}</td>
                <td>{h.fromStatus && h.toStatus && h.fromStatus !== h.toStatus ? `${t(`statuses.${h.fromStatus}`)} → ${t(`statuses.${h.toStatus}`)}` : ''}</td>
                <td className="prewrap">{h.note}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  )
}

export function ErrorBoundary() {
  return <RouteError id="assignment" />
}
