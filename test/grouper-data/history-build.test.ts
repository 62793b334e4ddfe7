// The builder's hook: a sources directory with case-history.csv gets its DIP groups derived from it (instead of
// dip-groups.csv), scored against the policy's region average.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildTables, SourceError } from '../../grouper-data/build.js'
import { DEMO_SOURCES_DIR } from '../../engine/paths.js'
import { loadTables } from '../../engine/tables/load.js'

let dir: string
const HISTORY = [
  'group_code,main_dx_code,main_op_code,other_op_codes,year,cost_yuan,ipt_days,level',
  'J18.9,,,,2024,4000,6,3',
  'J18.9,,,,2025,6000,8,3',
  'J18.9,,,,2025,8000,10,2',
  ',C34.100,32.4100,"40.5914,33.3903",2025,50000,15,3',
  ',C34.100,32.4100,"33.3903,40.5914",2025,46000,17,3',
].join('\n') + '\n'

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'dipsettle-history-'))
  cpSync(DEMO_SOURCES_DIR, dir, { recursive: true })
  rmSync(join(dir, 'dip-groups.csv'))
  const policy = JSON.parse(readFileSync(join(dir, 'policy.json'), 'utf8'))
  // groups named by the demo policy do not exist in this small history
  policy.dip = { ...policy.dip, min_cases: 2, tcm_groups: [], primary_groups: [], per_diem_points: {} }
  writeFileSync(join(dir, 'policy.json'), JSON.stringify(policy))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('data build with case-history.csv', () => {
  it('derives the DIP groups from the history and scores them against the policy region average', () => {
    writeFileSync(join(dir, 'case-history.csv'), HISTORY)
    const out = join(dir, 'tables.sqlite')
    buildTables({ sourcesDir: dir, outFile: out, force: true })
    const t = loadTables(out)
    expect([...t.dipGroups.keys()].sort()).toEqual(['C34.1:32.4100_33.3903+40.5914', 'J18.9'])
    // J18.9: 2024 mean 4000 (weight 2), 2025 mean 7000 (weight 7); 2023 absent → (2·4000 + 7·7000) / 9 = 6333.333333
    const j = t.dipGroups.get('J18.9')
    expect(j?.avgCostFen).toBe(633333)
    // 6333.333333 / 5718.153489 × 1000 = 1107.583…
    expect(j?.scoreMicro).toBe(Math.round((6333.333333 / 5718.153489) * 1000 * 1e6))
    // both C34.1 cases form one group whatever the order of the other procedures: (50000 + 46000) / 2
    expect(t.dipGroups.get('C34.1:32.4100_33.3903+40.5914')?.avgCostFen).toBe(4_800_000)
  })

  it('names the file, row and column of a bad history row', () => {
    writeFileSync(join(dir, 'case-history.csv'), HISTORY + 'J18.9,,,,20x5,12.345,,4\n')
    let err: unknown
    try {
      buildTables({ sourcesDir: dir, outFile: join(dir, 'bad.sqlite'), force: true })
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(SourceError)
    expect((err as SourceError).problems).toEqual(expect.arrayContaining([
      expect.stringMatching(/^case-history\.csv:7:year: /),
      expect.stringMatching(/^case-history\.csv:7:cost_yuan: /),
      expect.stringMatching(/^case-history\.csv:7:level: /),
    ]))
  })
})
