import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { decodePlanFile, parsePlan, type ParsedPlanNode } from '#db/import/plan-importer.ts'
import { AppError } from '#server/errors.ts'

const SEED = readFileSync('db/seed/plan-of-action.txt', 'utf8')
const HEADER = 'OBJETIVOS GENERALES\tOBJETIVOS ESPECIFICOS\tLINEAS DE ACCION PROPUESTAS\tTAREAS REQUERIDAS'

function plan(...rows: string[]) {
  return ['My plan', 'v2', '', HEADER, ...rows].join('\n')
}

function countByKind(nodes: ParsedPlanNode[], counts: Record<string, number> = {}) {
  for (const node of nodes) {
    counts[node.kind] = (counts[node.kind] ?? 0) + 1
    countByKind(node.children, counts)
  }
  return counts
}

function badRequest(fn: () => unknown): string {
  try {
    fn()
  } catch (error) {
    expect(error).toBeInstanceOf(AppError)
    expect((error as AppError).code).toBe('BAD_REQUEST')
    return (error as AppError).message
  }
  throw new Error('expected a BAD_REQUEST')
}

describe('parsePlan on the seed', () => {
  const parsed = parsePlan(SEED)

  it('finds 5 general objectives, 12 specific objectives, 27 action lines and 29 tasks', () => {
    expect(countByKind(parsed.nodes)).toEqual({ general_objective: 5, specific_objective: 12, action_line: 27, task: 29 })
  })

  it('takes the title and version from the lines before the header row', () => {
    expect(parsed.title).toBe('PLAN OF ACTION OF INTERNATIONAL MIGRATION IN SOUTH AMERICA')
    expect(parsed.versionLabel).toBe('FINAL VERSION')
    expect(parsed.headerLine).toBe(5)
  })

  it('warns about the cell "5" and the two specific objectives that begin mid-sentence, with their lines', () => {
    expect(parsed.warnings.map((w) => w.line)).toEqual([6, 22, 37])
    expect(parsed.warnings[0]?.message).toMatch(/specific objective "of migrants and their" starts in lower case/)
    expect(parsed.warnings[1]?.message).toMatch(/specific objective "he information generation for the decision-making" starts in lower case/)
    expect(parsed.warnings[2]?.message).toMatch(/action line "5" is only a number/)
  })

  it('carries empty cells down and keeps rows without a task as parents only', () => {
    const go1 = parsed.nodes[0] as ParsedPlanNode
    expect(go1.title).toBe('Definition and coordination of strategies and regional programs in the migratory scope.')
    expect(go1.children.map((c) => c.title)).toEqual([
      'of migrants and their',
      'Strengthening of the governability of the regional migratory flows',
      'Development of national and bi-nationals migratory regulatory programs for migrants and their families.',
      'Entail the national people abroad with their countries of origin and support the decision of returning them.',
      'Promotion of the integration and insertion of migrants in the countries of destination.',
    ])
    const firstLine = go1.children[0]?.children[0] as ParsedPlanNode
    expect(firstLine.children).toHaveLength(3)
    // Line 28: "Attendance to the processing…" has no task but is an action line.
    const go3 = parsed.nodes[2] as ParsedPlanNode
    const lines = go3.children[0]?.children ?? []
    expect(lines.map((l) => [l.title.slice(0, 30), l.children.length])).toEqual([
      ['Support quality development of', 1],
      ['Attendance to the processing a', 0],
      ['Development of methodological ', 0],
    ])
    expect(parsed.rows.find((r) => r.line === 28)).toMatchObject({ task: null, actionLine: 'Attendance to the processing and analysis of data on migratory flows.' })
  })
})

describe('parsePlan rules', () => {
  it('a new value in a column clears the columns to its right', () => {
    const parsed = parsePlan(plan('G1\tS1\tA1\tT1', '\t\t\tT2', '\tS2\tA2\tT3', 'G2\tS3\tA3\tT4', '\t\tA4\tT5'))
    expect(parsed.rows.map((r) => [r.generalObjective, r.specificObjective, r.actionLine, r.task])).toEqual([
      ['G1', 'S1', 'A1', 'T1'],
      ['G1', 'S1', 'A1', 'T2'],
      ['G1', 'S2', 'A2', 'T3'],
      ['G2', 'S3', 'A3', 'T4'],
      ['G2', 'S3', 'A4', 'T5'],
    ])
    expect(countByKind(parsed.nodes)).toEqual({ general_objective: 2, specific_objective: 3, action_line: 4, task: 5 })
  })

  it('refuses a task whose action line was cleared by a new specific objective', () => {
    expect(badRequest(() => parsePlan(plan('G1\tS1\tA1\tT1', '\tS2\t\tT2')))).toMatch(/^Line 6: the task "T2" has no action line in column 3/)
  })

  it('refuses a first data row with no general objective', () => {
    expect(badRequest(() => parsePlan(plan('\tS1\tA1\tT1')))).toMatch(/^Line 5: the specific objective "S1" has no general objective in column 1/)
  })

  it('skips blank lines, trims and normalises white space, accepts CRLF and a byte-order mark', () => {
    const text = '\uFEFF' + plan('  G1 \t S1\t A1   with   spaces \tT1', '', '   ', '\t\t\tT2').replace(/\n/g, '\r\n')
    const parsed = parsePlan(text)
    expect(parsed.title).toBe('My plan')
    expect(parsed.rows.map((r) => r.line)).toEqual([5, 8])
    expect(parsed.nodes[0]?.children[0]?.children[0]?.title).toBe('A1 with spaces')
  })

  it('treats a repeated title under the same parent as the same node and warns for a repeated task', () => {
    const parsed = parsePlan(plan('G1\tS1\tA1\tT1', 'G1\tS1\tA1\tT1', '\t\t\tT2'))
    expect(countByKind(parsed.nodes)).toEqual({ general_objective: 1, specific_objective: 1, action_line: 1, task: 2 })
    expect(parsed.warnings).toEqual([{ line: 6, message: 'the task "T1" appears twice under the same action line; imported once' }])
  })

  it('finds the header row in other languages and spellings, and warns about cells after the fourth', () => {
    const parsed = parsePlan('Plano\n\nObjetivos gerais\tEspecíficos\tLinhas\tTarefas\nG1\tS1\tA1\tT1\textra')
    expect(parsed.versionLabel).toBe('')
    expect(parsed.warnings).toEqual([{ line: 4, message: '1 cell(s) after the fourth column ignored' }])
    expect(parsePlan('GENERAL OBJECTIVES\tb\tc\td\nG\tS\tA\tT').title).toBe('Plan of Action')
  })
})

describe('parsePlan refuses what is not a plan', () => {
  it.each([
    ['an empty text', '', /^The file is empty/],
    ['only white space', '  \n\n\t\n', /^The file is empty/],
    ['binary data', 'PK\u0003\u0004\u0000\u0000garbage\tmore', /^This is not a text file \(binary data at line 1\)/],
    ['text with no tabs', 'Plan of action\nObjetivos generales, objetivos específicos\nG1, S1, A1, T1', /^The file is not tab-separated/],
    ['no header row', 'My plan\nFINAL\nG1\tS1\tA1\tT1', /^No header row: line 3 holds tab-separated data/],
    ['a header with three columns', 'OBJETIVOS GENERALES\tOBJETIVOS ESPECIFICOS\tLINEAS', /^No header row: line 1 holds tab-separated data before any header/],
    ['tabs but never a header', 'My plan\t\nFINAL VERSION\t\t\n', /^No header row: expected a row of four tab-separated cells/],
    ['a header and nothing below', `My plan\n${HEADER}\n\n`, /^The file has a header row but no plan items below it/],
    ['a cell longer than 2000 characters', plan(`G1\tS1\tA1\t${'x'.repeat(2001)}`), /^Line 5, column 4: the text is longer than 2000 characters/],
  ])('%s', (_name, text, message) => {
    expect(badRequest(() => parsePlan(text))).toMatch(message)
  })
})

describe('decodePlanFile', () => {
  it('decodes UTF-8 and refuses empty, NUL-bearing and non-UTF-8 bytes', () => {
    expect(decodePlanFile(new TextEncoder().encode('Línea\tdos'))).toBe('Línea\tdos')
    expect(badRequest(() => decodePlanFile(new Uint8Array()))).toMatch(/^The file is empty/)
    expect(badRequest(() => decodePlanFile(new Uint8Array([0x50, 0x4b, 0x00, 0x09])))).toMatch(/NUL bytes/)
    expect(badRequest(() => decodePlanFile(new Uint8Array([0x4c, 0xed, 0x6e, 0x09, 0x61])))).toMatch(/^The file is not UTF-8 text/)
  })
})
