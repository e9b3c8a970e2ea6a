import { parseArgs } from 'node:util'
import { importPlanFile, PLAN_LEVELS, type PlanImportReport } from '#db/import/plan-importer.ts'
import { migrateToLatest } from '#db/migrate.ts'
import { closeDb, db } from '#server/db.ts'
import { isAppError } from '#server/errors.ts'
import { checkPostgres, fail, loadConfig } from './lib/preflight.ts'

/**
 * `npm run import:plan -- <file> --workspace <slug>`: imports a plan of
 * action into the workspace's current plan and prints what it did.
 * Idempotent: a second run creates nothing.
 */
const USAGE = 'Usage: npm run import:plan -- <file> --workspace <slug>'

const LABELS: Record<(typeof PLAN_LEVELS)[number], string> = {
  general_objective: 'General objectives',
  specific_objective: 'Specific objectives',
  action_line: 'Action lines',
  task: 'Tasks',
}

function parseCommandLine() {
  try {
    const { values, positionals } = parseArgs({
      args: process.argv.slice(2),
      options: { workspace: { type: 'string', short: 'w' }, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
    })
    if (values.help) {
      console.log(USAGE)
      process.exit(0)
    }
    if (positionals.length !== 1) fail(`${positionals.length ? 'Give exactly one file.' : 'Give the plan file to import.'}\n${USAGE}`)
    if (!values.workspace) fail(`Name the workspace with --workspace <slug>.\n${USAGE}`)
    return { file: positionals[0] as string, workspace: values.workspace }
  } catch (error) {
    fail(`${(error as Error).message}\n${USAGE}`)
  }
}

function formatReport(report: PlanImportReport, file: string, workspace: string): string {
  const width = Math.max(...Object.values(LABELS).map((l) => l.length))
  const lines = [
    `Imported ${file} into workspace ${workspace}${report.planCreated ? ' (new plan created)' : ''}:`,
    ...PLAN_LEVELS.map((level) => `  ${LABELS[level].padEnd(width)}  ${report.levels[level].created} created, ${report.levels[level].unchanged} unchanged`),
    `  ${'Total'.padEnd(width)}  ${report.totals.created} created, ${report.totals.unchanged} unchanged`,
  ]
  if (report.warnings.length) {
    lines.push('', `${report.warnings.length} warning(s):`, ...report.warnings.map((w) => `  line ${w.line}: ${w.message}`))
  } else {
    lines.push('', 'No warnings.')
  }
  return lines.join('\n')
}

const args = parseCommandLine()
const config = loadConfig()
await checkPostgres(config)
try {
  await migrateToLatest(db)
  const report = await importPlanFile(db, args.file, args.workspace)
  console.log(formatReport(report, args.file, args.workspace))
} catch (error) {
  await closeDb()
  if (isAppError(error)) fail(error.message)
  if (/database ".*" does not exist/.test((error as Error).message)) {
    fail(`The database ${new URL(config.DATABASE_URL).pathname.slice(1)} does not exist: run \`npm start\` once (it creates and migrates it), or check DATABASE_URL.`)
  }
  fail(`The import failed: ${(error as Error).message}`)
}
await closeDb()
