import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, useLoaderData, useRouteLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { RouteError } from '#app/components/route-error.tsx'
import { requireWorkspace } from '#app/utils/workspace.server.ts'
import { getPlanTree } from '#app/utils/plan.server.ts'
import type { TPlanTreeNode } from '#server/services/plan/get-plan-tree.ts'

export const handle = { i18n: ['plan'] }

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { actor, membership } = requireWorkspace(context, params.slug, request)
  const tree = await getPlanTree(actor, { workspaceId: membership.workspaceId })
  return { slug: membership.slug, workspaceName: membership.name, tree }
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.tree.title ? `${data.tree.title} · Ruta` : 'Ruta' }]

/** Heading level by depth: the page title is h1, general objectives h2, specific objectives h3, action lines h4. */
const HEADINGS = ['h2', 'h3', 'h4'] as const

export default function PlanPage() {
  const { slug, workspaceName, tree } = useLoaderData<typeof loader>()
  const { t } = useTranslation('plan')
  const layout = useRouteLoaderData<{ role?: string }>('routes/w.$slug')
  return (
    <section aria-labelledby="plan-title">
      <h1 id="plan-title">{tree.title ?? t('title')}</h1>
      <p className="muted">{t('workspace', { name: workspaceName })}</p>
      {layout?.role === 'secretariat' ? (
        <p>
          <Link to={`/w/${slug}/plan/edit`}>{t('editPlan')}</Link>
        </p>
      ) : null}
      {tree.nodes.length === 0 ? (
        <p>{t('empty')}</p>
      ) : (
        <ol className="plan-tree" aria-label={t('treeLabel')}>
          {tree.nodes.map((node) => (
            <PlanNode key={node.id} node={node} depth={0} slug={slug} />
          ))}
        </ol>
      )}
    </section>
  )
}

function PlanNode({ node, depth, slug }: { node: TPlanTreeNode; depth: number; slug: string }) {
  const { t } = useTranslation('plan')
  const labelId = `node-${node.id}`
  const kind = <span className="kind">{t(`kinds.${node.kind}`)}</span>
  if (node.kind === 'task') {
    return (
      <li className="plan-node task" aria-labelledby={labelId}>
        {kind}
        <Link id={labelId} to={`/w/${slug}/tasks/${node.id}`}>
          <span className="code">{node.code}</span> {node.title}
        </Link>
        <Progress node={node} />
      </li>
    )
  }
  const Heading = HEADINGS[Math.min(depth, HEADINGS.length - 1)] ?? 'h4'
  return (
    <li className="plan-node" aria-labelledby={labelId}>
      <Heading id={labelId}>
        {kind} <span className="code">{node.code}</span> {node.title}
      </Heading>
      <Progress node={node} />
      {node.children.length > 0 ? (
        <ol aria-label={t('childrenOf', { code: node.code })}>
          {node.children.map((child) => (
            <PlanNode key={child.id} node={child} depth={depth + 1} slug={slug} />
          ))}
        </ol>
      ) : null}
    </li>
  )
}

function Progress({ node }: { node: TPlanTreeNode }) {
  const { t } = useTranslation('plan')
  const { total, completed, overdue } = node.progress
  return (
    <p className="progress">
      {total === 0 ? t('noAssignments') : t('progress', { completed, total })}
      {overdue > 0 ? (
        <>
          {' · '}
          <span className="overdue">{t('overdue', { count: overdue })}</span>
        </>
      ) : null}
    </p>
  )
}

export function ErrorBoundary() {
  return <RouteError id="plan" />
}
