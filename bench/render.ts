import { readFileSync, writeFileSync } from 'node:fs'
import { evaluateBudgets, renderMarkdown, type Results } from './report.ts'

/** Re-renders bench/results.md (and the verdicts) from bench/results.json, e.g. after the report changed. */
const results = JSON.parse(readFileSync('bench/results.json', 'utf8')) as Results
results.budgets = evaluateBudgets(results)
writeFileSync('bench/results.md', renderMarkdown(results))
console.log(renderMarkdown(results))
