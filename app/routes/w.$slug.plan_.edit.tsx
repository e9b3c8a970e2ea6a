import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { RouteError } from '#app/components/route-error.tsx'
import { fieldProps, FormMessage, Notice, type PageErrorData } from '#app/components/tasks/ui.tsx'
import { archivePlanItem, createPlanItem, formText, getPlanForEditing, movePlanItem, pageErrorOf, parseForm, restorePlanItem, throwAsResponse, updatePlanItem, ZCreatePlanItem, ZMovePlanItem, ZPlanItemRef, ZUpdatePlanItem } from '#app/utils/tasks.server.ts'
import { requireWorkspace } from '#app/utils/workspace.server.ts'
import type { EditorNode } from '#server/services/plan-editing/get-plan-for-editing.ts'
import { titleMeta } from '#app/utils/page-title.ts'

/**
 * The plan editor (secretariat only): every item with its controls — add a
 * child, rename, move up/down or to a position, archive — and the archived
 * items apart, with restore. Each control is its own small form, so the page
 * works without JavaScript; after each change the page reloads at the item.
 */
export const handle = { i18n: ['tasks', 'plan'] }

export const meta = titleMeta('tasks', 'planEditor.title')

const DONE = ['created', 'renamed', 'moved', 'archived', 'restored', 'unchanged'] as const
type Done = (typeof DONE)[number]

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { actor, membership } = requireWorkspace(context, params.slug, request)
  const plan = await getPlanForEditing(actor, { workspaceId: membership.workspaceId }).catch(throwAsResponse)
  const url = new URL(request.url)
  const done = url.searchParams.get('done') as Done | null
  return {
    slug: membership.slug,
    ...plan,
    notice: done && DONE.includes(done) ? { done, code: url.searchParams.get('code') ?? '' } : null,
  }
}

type ActionResult = { error: PageErrorData; itemId: string | null; intent: string; title?: string }

export async function action({ request, context, params }: ActionFunctionArgs) {
  const { actor, membership } = requireWorkspace(context, params.slug, request)
  const form = await request.formData()
  const intent = formText(form, 'intent')
  const id = formText(form, 'id')
  const back = (done: Done, item: { id: string; code: string }) =>
    redirect(`/w/${membership.slug}/plan/edit?done=${done}&code=${encodeURIComponent(item.code)}#item-${item.id}`, 303)
  try {
    switch (intent) {
      case 'create': {
        const parentId = formText(form, 'parentId')
        const position = formText(form, 'position').trim()
        const input = parseForm(ZCreatePlanItem, {
          workspaceId: membership.workspaceId,
          parentId: parentId || null,
          title: formText(form, 'title'),
          ...(position ? { position: Number(position) } : {}),
        })
        return back('created', await createPlanItem(actor, input))
      }
      case 'rename': {
        const input = parseForm(ZUpdatePlanItem, { id, version: Number(formText(form, 'version')), title: formText(form, 'title') })
        const item = await updatePlanItem(actor, input)
        return back(item.version === input.version ? 'unchanged' : 'renamed', item)
      }
      case 'move': {
        const direction = formText(form, 'direction')
        const position = formText(form, 'position').trim()
        const input = parseForm(ZMovePlanItem, direction ? { id, direction } : { id, position: position === '' ? undefined : Number(position) })
        const item = await movePlanItem(actor, input)
        return back(item.renumbered.length ? 'moved' : 'unchanged', item)
      }
      case 'archive':
        return back('archived', await archivePlanItem(actor, parseForm(ZPlanItemRef, { id })))
      case 'restore':
        return back('restored', await restorePlanItem(actor, parseForm(ZPlanItemRef, { id })))
      default:
        throw new Response('Unknown action', { status: 400, statusText: 'Bad Request' })
    }
  } catch (error) {
    const refused = pageErrorOf(error)
    const itemId = intent === 'create' ? formText(form, 'parentId') || null : id || null
    return data<ActionResult>({ error: refused.error, itemId, intent, title: formText(form, 'title') }, { status: refused.status })
  }
}


export default function PlanEditor() {
  // The tree is recursive, which the serialized-type helper cannot follow; its values are plain JSON already.
  const { slug, plan, tree, archived, notice } = useLoaderData() as Awaited<ReturnType<typeof loader>>
  const actionData = useActionData<ActionResult>()
  const { t } = useTranslation('tasks')
  const topError = actionData && actionData.itemId === null ? actionData : undefined
  return (
    <section aria-labelledby="plan-editor-title" className="plan-editor">
      <h1 id="plan-editor-title">{t('planEditor.title')}</h1>
      <p>{t('planEditor.intro')}</p>
      <p>
        <Link to={`/w/${slug}/plan`}>{t('planEditor.backToPlan')}</Link>
      </p>
      <Notice>{notice ? t(`planEditor.done.${notice.done}`, { code: notice.code }) : null}</Notice>
      {plan ? <h2>{plan.title}</h2> : null}
      {tree.length === 0 ? <p>{t('planEditor.empty')}</p> : null}
      <ol className="plan-editor-tree">
        {tree.map((node, index) => (
          <EditorItem key={node.id} node={node} slug={slug} first={index === 0} last={index === tree.length - 1} actionData={actionData} />
        ))}
      </ol>
      <AddForm parentId={null} label={t('planEditor.addGeneral')} actionData={topError?.intent === 'create' ? topError : undefined} />

      <section aria-labelledby="archived-title" className="archived-items">
        <h2 id="archived-title">{t('planEditor.archivedHeading')}</h2>
        <p className="muted">{t('planEditor.archivedHelp')}</p>
        {archived.length === 0 ? (
          <p>{t('planEditor.archivedNone')}</p>
        ) : (
          <ul>
            {archived.map((node) => (
              <ArchivedItem key={node.id} node={node} slug={slug} actionData={actionData} />
            ))}
          </ul>
        )}
      </section>
    </section>
  )
}

function EditorItem({ node, slug, first, last, actionData }: { node: EditorNode; slug: string; first: boolean; last: boolean; actionData?: ActionResult }) {
  const { t } = useTranslation('tasks')
  const mine = actionData?.itemId === node.id ? actionData : undefined
  const errorId = `error-${node.id}`
  const titleId = `title-${node.id}`
  const childKind = node.kind === 'general_objective' ? 'general_objective' : node.kind === 'specific_objective' ? 'specific_objective' : node.kind === 'action_line' ? 'action_line' : null
  return (
    <li id={`item-${node.id}`} className={`editor-item kind-${node.kind}`} aria-labelledby={titleId}>
      <div className="editor-row">
        <span id={titleId}>
          <span className="kind">{t(`kinds.${node.kind}`)}</span> <span className="code">{node.code}</span> {node.title}
        </span>
        <span className="editor-quick">
          <Form method="post" className="inline">
            <input type="hidden" name="intent" value="move" />
            <input type="hidden" name="id" value={node.id} />
            <input type="hidden" name="direction" value="up" />
            <button type="submit" className="secondary" disabled={first} aria-label={t('planEditor.moveUpLabel', { code: node.code })}>
              ↑ {t('planEditor.moveUp')}
            </button>
          </Form>
          <Form method="post" className="inline">
            <input type="hidden" name="intent" value="move" />
            <input type="hidden" name="id" value={node.id} />
            <input type="hidden" name="direction" value="down" />
            <button type="submit" className="secondary" disabled={last} aria-label={t('planEditor.moveDownLabel', { code: node.code })}>
              ↓ {t('planEditor.moveDown')}
            </button>
          </Form>
          {node.kind === 'task' ? <Link to={`/w/${slug}/tasks/${node.id}`}>{t('planEditor.editTask')}</Link> : null}
        </span>
      </div>
      {mine && mine.intent !== 'create' ? <FormMessage error={mine.error} id={errorId} /> : null}
      <details open={!!mine}>
        <summary>{t('planEditor.controls', { code: node.code })}</summary>
        <div className="editor-controls">
          <Form method="post">
            <input type="hidden" name="intent" value="rename" />
            <input type="hidden" name="id" value={node.id} />
            <input type="hidden" name="version" value={node.version} />
            <label htmlFor={`rename-${node.id}`}>{t('planEditor.rename')}</label>
            <input
              id={`rename-${node.id}`}
              name="title"
              required
              maxLength={2000}
              defaultValue={mine?.intent === 'rename' ? mine.title : node.title}
              {...(mine?.intent === 'rename' ? fieldProps(mine.error, 'title', errorId) : {})}
            />
            <button type="submit">{t('planEditor.save')}</button>
          </Form>
          <Form method="post">
            <input type="hidden" name="intent" value="move" />
            <input type="hidden" name="id" value={node.id} />
            <label htmlFor={`position-${node.id}`}>{t('planEditor.moveTo')}</label>
            <input id={`position-${node.id}`} name="position" type="number" min={1} inputMode="numeric" defaultValue={node.position} className="narrow" />
            <button type="submit" className="secondary">
              {t('planEditor.move')}
            </button>
          </Form>
          <Form method="post">
            <input type="hidden" name="intent" value="archive" />
            <input type="hidden" name="id" value={node.id} />
            <button type="submit" className="danger" aria-label={t('planEditor.archiveLabel', { code: node.code })}>
              {t('planEditor.archive')}
            </button>
          </Form>
        </div>
      </details>
      {node.children.length > 0 ? (
        <ol>
          {node.children.map((child, index) => (
            <EditorItem key={child.id} node={child} slug={slug} first={index === 0} last={index === node.children.length - 1} actionData={actionData} />
          ))}
        </ol>
      ) : null}
      {childKind ? <AddForm parentId={node.id} label={t(`planEditor.addChild.${childKind}`)} actionData={mine?.intent === 'create' ? mine : undefined} /> : null}
    </li>
  )
}

function AddForm({ parentId, label, actionData }: { parentId: string | null; label: string; actionData?: ActionResult }) {
  const { t } = useTranslation('tasks')
  const key = parentId ?? 'top'
  const errorId = `add-error-${key}`
  return (
    <details className="add-item" open={!!actionData}>
      <summary>{label}</summary>
      <Form method="post">
        <input type="hidden" name="intent" value="create" />
        <input type="hidden" name="parentId" value={parentId ?? ''} />
        <FormMessage error={actionData?.error} id={errorId} />
        <label htmlFor={`add-${key}`}>{t('planEditor.newTitle')}</label>
        <input id={`add-${key}`} name="title" required maxLength={2000} defaultValue={actionData?.title ?? ''} {...fieldProps(actionData?.error, 'title', errorId)} />
        <button type="submit">{t('planEditor.add')}</button>
      </Form>
    </details>
  )
}

function ArchivedItem({ node, slug, actionData }: { node: EditorNode; slug: string; actionData?: ActionResult }) {
  const { t } = useTranslation('tasks')
  const mine = actionData?.itemId === node.id ? actionData : undefined
  return (
    <li id={`item-${node.id}`}>
      <span className="kind">{t(`kinds.${node.kind}`)}</span> <span className="muted">({t('planEditor.wasCode', { code: node.code })})</span>{' '}
      {node.kind === 'task' ? <Link to={`/w/${slug}/tasks/${node.id}`}>{node.title}</Link> : node.title}
      <FormMessage error={mine?.error} id={`error-${node.id}`} />
      <Form method="post" className="inline">
        <input type="hidden" name="intent" value="restore" />
        <input type="hidden" name="id" value={node.id} />
        <button type="submit" className="secondary" aria-label={t('planEditor.restoreLabel', { code: node.code })}>
          {t('planEditor.restore')}
        </button>
      </Form>
      <ArchivedChildren nodes={node.children} />
    </li>
  )
}

function ArchivedChildren({ nodes }: { nodes: EditorNode[] }) {
  const { t } = useTranslation('tasks')
  if (!nodes.length) return null
  return (
    <ul>
      {nodes.map((child) => (
        <li key={child.id}>
          <span className="kind">{t(`kinds.${child.kind}`)}</span> <span className="muted">({t('planEditor.wasCode', { code: child.code })})</span> {child.title}
          <ArchivedChildren nodes={child.children} />
        </li>
      ))}
    </ul>
  )
}

export function ErrorBoundary() {
  return <RouteError id="plan-editor" />
}
