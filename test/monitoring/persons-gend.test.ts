// persons.csv may carry gend (SPEC §14: 1 male, 2 female, for M_SEX_AGE); anything else is refused naming the row.
import { join } from 'node:path'
import { expect, it } from 'vitest'
import { buildTables, SourceError } from '../../grouper-data/build.js'
import { loadTables } from '../../engine/tables/load.js'
import { MINI_FILES, writeMiniSources } from '../grouper-data/mini-sources.js'

it('persons.csv gend is 1, 2 or empty, loaded as the person\'s sex', () => {
  const persons = MINI_FILES['persons.csv'].split('\n')
  const header = `${persons[0]},gend`
  const rows = persons.slice(1).filter((l) => l !== '').map((l, i) => `${l},${['1', '2', ''][i % 3]}`)
  const dir = writeMiniSources({ 'persons.csv': [header, ...rows].join('\n') + '\n' })
  const out = join(dir, 'tables.sqlite')
  buildTables({ sourcesDir: dir, outFile: out })
  expect([...loadTables(out).persons.values()].map((p) => p.gend)).toEqual(rows.map((_, i) => ['1', '2', null][i % 3]))
  const bad = writeMiniSources({ 'persons.csv': [header, ...rows.map((l, i) => (i === 0 ? l.replace(/,1$/, ',M') : l))].join('\n') + '\n' })
  let err: unknown
  try { buildTables({ sourcesDir: bad, outFile: join(bad, 'x.sqlite') }) } catch (e) { err = e }
  expect((err as SourceError).problems).toEqual(['persons.csv:2:gend: must be 1 (male), 2 (female) or empty, got "M"'])
})
