import { defineMessages } from '../i18n/define.ts'

export default defineMessages({
  es: { login: { title: 'Iniciar sesión', email: 'Correo electrónico', password: 'Contraseña', submit: 'Iniciar sesión' } },
  pt: { login: { title: 'Entrar', email: 'E-mail', password: 'Senha', submit: 'Entrar' } },
  en: { login: { title: 'Sign in', email: 'Email', password: 'Password', submit: 'Sign in' } },
})
