import { defineMessages } from '../i18n/define.ts'

export default defineMessages({
  es: {
    login: {
      title: 'Iniciar sesión',
      email: 'Correo electrónico',
      password: 'Contraseña',
      submit: 'Iniciar sesión',
      forgot: '¿Olvidó su contraseña?',
      invalid: 'El correo electrónico o la contraseña no son correctos.',
      throttled_one: 'Demasiados intentos. Vuelva a intentarlo en {{count}} minuto.',
      throttled_other: 'Demasiados intentos. Vuelva a intentarlo en {{count}} minutos.',
      emailMissing: 'Escriba su correo electrónico.',
      passwordMissing: 'Escriba su contraseña.',
      sessionExpired: 'Su sesión expiró. Inicie sesión de nuevo: lo que escribió se conservó.',
    },
    logout: {
      title: 'Cerrar sesión',
      confirm: '¿Desea cerrar la sesión en este navegador?',
      submit: 'Cerrar sesión',
    },
    password: {
      tooShort: 'La contraseña debe tener al menos {{min}} caracteres.',
      tooLong: 'La contraseña no puede tener más de {{max}} caracteres.',
      tooCommon: 'Esta contraseña es demasiado común y fácil de adivinar. Elija otra.',
    },
  },
  pt: {
    login: {
      title: 'Entrar',
      email: 'E-mail',
      password: 'Senha',
      submit: 'Entrar',
      forgot: 'Esqueceu sua senha?',
      invalid: 'O e-mail ou a senha não estão corretos.',
      throttled_one: 'Tentativas demais. Tente novamente em {{count}} minuto.',
      throttled_other: 'Tentativas demais. Tente novamente em {{count}} minutos.',
      emailMissing: 'Digite seu e-mail.',
      passwordMissing: 'Digite sua senha.',
      sessionExpired: 'Sua sessão expirou. Entre novamente: o que você digitou foi guardado.',
    },
    logout: {
      title: 'Sair',
      confirm: 'Deseja encerrar a sessão neste navegador?',
      submit: 'Sair',
    },
    password: {
      tooShort: 'A senha deve ter pelo menos {{min}} caracteres.',
      tooLong: 'A senha não pode ter mais de {{max}} caracteres.',
      tooCommon: 'Esta senha é comum demais e fácil de adivinhar. Escolha outra.',
    },
  },
  en: {
    login: {
      title: 'Sign in',
      email: 'Email',
      password: 'Password',
      submit: 'Sign in',
      forgot: 'Forgot your password?',
      invalid: 'The email address or the password is not correct.',
      throttled_one: 'Too many attempts. Try again in {{count}} minute.',
      throttled_other: 'Too many attempts. Try again in {{count}} minutes.',
      emailMissing: 'Enter your email address.',
      passwordMissing: 'Enter your password.',
      sessionExpired: 'Your session expired. Sign in again: what you typed was kept.',
    },
    logout: {
      title: 'Sign out',
      confirm: 'Do you want to sign out in this browser?',
      submit: 'Sign out',
    },
    password: {
      tooShort: 'The password must have at least {{min}} characters.',
      tooLong: 'The password may not have more than {{max}} characters.',
      tooCommon: 'This password is too common and easy to guess. Choose another.',
    },
  },
})
