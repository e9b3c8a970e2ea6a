import { defineMessages } from '../i18n/define.ts'

export default defineMessages({
  es: {
    title: 'Plan de acción',
    empty: 'Este espacio de trabajo aún no tiene un plan de acción.',
    kinds: { general_objective: 'Objetivo general', specific_objective: 'Objetivo específico', action_line: 'Línea de acción', task: 'Tarea' },
    progress: '{{completed}} de {{total}} completadas',
    overdue_one: '{{count}} vencida',
    overdue_other: '{{count}} vencidas',
    noAssignments: 'Sin asignaciones',
  },
  pt: {
    title: 'Plano de ação',
    empty: 'Este espaço de trabalho ainda não tem um plano de ação.',
    kinds: { general_objective: 'Objetivo geral', specific_objective: 'Objetivo específico', action_line: 'Linha de ação', task: 'Tarefa' },
    progress: '{{completed}} de {{total}} concluídas',
    overdue_one: '{{count}} atrasada',
    overdue_other: '{{count}} atrasadas',
    noAssignments: 'Sem atribuições',
  },
  en: {
    title: 'Plan of Action',
    empty: 'This workspace has no plan of action yet.',
    kinds: { general_objective: 'General objective', specific_objective: 'Specific objective', action_line: 'Action line', task: 'Task' },
    progress: '{{completed}} of {{total}} completed',
    overdue_one: '{{count}} overdue',
    overdue_other: '{{count}} overdue',
    noAssignments: 'No assignments',
  },
})
