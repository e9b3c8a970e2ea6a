import { defineMessages } from '../i18n/define.ts'

/** Messages of AppError codes, in the caller's language (tRPC and pages). */
export default defineMessages({
  es: {
    notFound: 'No existe o no pertenece a un espacio de trabajo del que sea miembro.',
    forbidden: 'Su función no le permite hacer esto.',
    notYourAssignment: 'Solo puede actualizar las asignaciones de su propio país u organización.',
    signInFirst: 'Inicie sesión primero.',
    invalidCredentials: 'El correo electrónico o la contraseña no son correctos.',
    tooManySignInAttempts_one: 'Demasiados intentos. Vuelva a intentarlo en {{count}} minuto.',
    tooManySignInAttempts_other: 'Demasiados intentos. Vuelva a intentarlo en {{count}} minutos.',
    signInEmailMissing: 'Escriba su correo electrónico.',
    signInPasswordMissing: 'Escriba su contraseña.',
  },
  pt: {
    notFound: 'Não existe ou não pertence a um espaço de trabalho do qual você seja membro.',
    forbidden: 'Sua função não permite fazer isto.',
    notYourAssignment: 'Você só pode atualizar as atribuições do seu próprio país ou organização.',
    signInFirst: 'Entre primeiro.',
    invalidCredentials: 'O e-mail ou a senha não estão corretos.',
    tooManySignInAttempts_one: 'Tentativas demais. Tente novamente em {{count}} minuto.',
    tooManySignInAttempts_other: 'Tentativas demais. Tente novamente em {{count}} minutos.',
    signInEmailMissing: 'Digite seu e-mail.',
    signInPasswordMissing: 'Digite sua senha.',
  },
  en: {
    notFound: 'It does not exist or belongs to a workspace you are not a member of.',
    forbidden: 'Your role does not allow this.',
    notYourAssignment: 'You may only update the assignments of your own country or organisation.',
    signInFirst: 'Sign in first.',
    invalidCredentials: 'The email address or the password is not correct.',
    tooManySignInAttempts_one: 'Too many attempts. Try again in {{count}} minute.',
    tooManySignInAttempts_other: 'Too many attempts. Try again in {{count}} minutes.',
    signInEmailMissing: 'Enter your email address.',
    signInPasswordMissing: 'Enter your password.',
  },
})
