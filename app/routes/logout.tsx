import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import { Form } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { signOut } from '#app/utils/auth.server.ts'

export const handle = { i18n: ['auth'] }

/** GET never signs anyone out (a link or a prefetch must not): it shows the button. */
export async function loader({ context }: LoaderFunctionArgs) {
  if (!context.actor) throw redirect('/login', 303)
  return null
}

export async function action({ context }: ActionFunctionArgs) {
  const { cookie } = await signOut(context.actor, { ip: context.clientIp ?? null })
  return redirect('/login', { status: 303, headers: { 'Set-Cookie': cookie } })
}

export default function Logout() {
  const { t } = useTranslation('auth')
  return (
    <section aria-labelledby="logout-title">
      <h1 id="logout-title">{t('logout.title')}</h1>
      <p>{t('logout.confirm')}</p>
      <Form method="post" action="/logout">
        <button type="submit">{t('logout.submit')}</button>
      </Form>
    </section>
  )
}
