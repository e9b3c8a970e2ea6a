import { redirect, type LoaderFunctionArgs } from '@remix-run/node'

/** `/` goes to the caller's first workspace, or to sign-in. */
export async function loader({ context }: LoaderFunctionArgs) {
  const first = context.actor?.memberships[0]
  if (first) throw redirect(`/w/${first.slug}`)
  if (context.actor?.isAdmin) throw redirect('/admin')
  throw redirect('/login')
}
