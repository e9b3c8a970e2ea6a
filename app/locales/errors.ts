import { defineMessages } from '../i18n/define.ts'

/** Messages of AppError codes, in the caller's language (tRPC and pages). */
export default defineMessages({
  es: {
    notFound: 'No existe o no pertenece a un espacio de trabajo del que sea miembro.',
    forbidden: 'Su función no le permite hacer esto.',
    notYourAssignment: 'Solo puede actualizar las asignaciones de su propio país u organización.',
    signInFirst: 'Inicie sesión primero.',
  },
  pt: {
    notFound: 'Não existe ou não pertence a um espaço de trabalho do qual você seja membro.',
    forbidden: 'Sua função não permite fazer isto.',
    notYourAssignment: 'Você só pode atualizar as atribuições do seu próprio país ou organização.',
    signInFirst: 'Entre primeiro.',
  },
  en: {
    notFound: 'It does not exist or belongs to a workspace you are not a member of.',
    forbidden: 'Your role does not allow this.',
    notYourAssignment: 'You may only update the assignments of your own country or organisation.',
    signInFirst: 'Sign in first.',
  },
})
