import { defineMessages } from '../i18n/define.ts'

export default defineMessages({
  es: {
    appName: 'Ruta',
    skipToContent: 'Saltar al contenido',
    language: 'Idioma',
    languages: { es: 'Español', pt: 'Português', en: 'English' },
    nav: { main: 'Navegación principal', home: 'Inicio', board: 'Tablero', search: 'Buscar', activity: 'Actividad', otherWorkspace: 'Otro espacio de trabajo', plan: 'Plan de acción', settings: 'Configuración', signIn: 'Iniciar sesión', signOut: 'Cerrar sesión' },
    errors: {
      title: 'Algo salió mal',
      notFound: 'No encontramos esta página.',
      forbidden: 'No tiene permiso para ver esta página.',
      unexpected: 'Ocurrió un error inesperado. Inténtelo de nuevo; si persiste, indique este código al equipo técnico: {{requestId}}',
      backHome: 'Volver al inicio',
    },
    workspaceNotFound: 'No existe este espacio de trabajo o no es miembro de él.',
  },
  pt: {
    appName: 'Ruta',
    skipToContent: 'Pular para o conteúdo',
    language: 'Idioma',
    languages: { es: 'Español', pt: 'Português', en: 'English' },
    nav: { main: 'Navegação principal', home: 'Início', board: 'Quadro', search: 'Pesquisar', activity: 'Atividade', otherWorkspace: 'Outro espaço de trabalho', plan: 'Plano de ação', settings: 'Configurações', signIn: 'Entrar', signOut: 'Sair' },
    errors: {
      title: 'Algo deu errado',
      notFound: 'Não encontramos esta página.',
      forbidden: 'Você não tem permissão para ver esta página.',
      unexpected: 'Ocorreu um erro inesperado. Tente novamente; se persistir, informe este código à equipe técnica: {{requestId}}',
      backHome: 'Voltar ao início',
    },
    workspaceNotFound: 'Este espaço de trabalho não existe ou você não é membro dele.',
  },
  en: {
    appName: 'Ruta',
    skipToContent: 'Skip to content',
    language: 'Language',
    languages: { es: 'Español', pt: 'Português', en: 'English' },
    nav: { main: 'Main navigation', home: 'Home', board: 'Board', search: 'Search', activity: 'Activity', otherWorkspace: 'Another workspace', plan: 'Plan of Action', settings: 'Settings', signIn: 'Sign in', signOut: 'Sign out' },
    errors: {
      title: 'Something went wrong',
      notFound: 'We could not find this page.',
      forbidden: 'You do not have permission to see this page.',
      unexpected: 'An unexpected error occurred. Please try again; if it persists, give this code to the technical team: {{requestId}}',
      backHome: 'Back to home',
    },
    workspaceNotFound: 'This workspace does not exist or you are not a member of it.',
  },
})
