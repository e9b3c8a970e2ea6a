import { useTranslation } from 'react-i18next'

/** A plan item's roll-up, as the plan page and an item's page show it: "3 of 12 completed · 2 overdue". */
export function PlanProgress({ progress }: { progress: { total: number; completed: number; overdue: number } }) {
  const { t } = useTranslation('plan')
  const { total, completed, overdue } = progress
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
