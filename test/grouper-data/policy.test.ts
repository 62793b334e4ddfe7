// The demo policy validates, carries the optional sections, and the published JSON Schema matches engine/policy/schema.ts.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { loadPolicyFile } from '../../engine/policy/validate.js'
import { DEMO_POLICY_FILE } from '../../grouper-data/generate-demo.js'
import { POLICY_SCHEMA_FILE, policySchemaText } from '../../grouper-data/policy-schema.js'
import { loadDemoTables } from '../fixtures/tables.js'

describe('the demo policy', () => {
  const p = loadPolicyFile(DEMO_POLICY_FILE)

  it('validates and fills in the optional sections the schema allows', () => {
    expect(p.region).toBe('demo')
    expect(p.outpatient?.['11']?.['310']?.ratio.retired?.['1']).toBeDefined()
    expect(p.outpatient?.['14']?.['390']?.annual_cap_yuan).toBeGreaterThan(0)
    expect(p.annual_clearing?.surplus_bands.length).toBeGreaterThan(0)
    expect(p.fund_pooling?.reserve_months).toEqual({ '310': 3, '390': 1 }) // seed 003: 3 months 职工, 1 month 居民
    expect(p.dip.low_standard_cost_ratio).toBeDefined()
    // seed 001: 甲类 items above 200 yuan fully in scope; 救助 cap 10 万
    expect(p.catalogue.jia_item_full_scope_above_yuan).toBe(200)
    expect(p.assistance.annual_cap_yuan).toBe(100_000)
  })

  it('names tcm, primary and per-diem groups that exist in the demo DIP catalogue', () => {
    const t = loadDemoTables()
    const codes = [...p.dip.tcm_groups, ...p.dip.primary_groups, ...Object.keys(p.dip.per_diem_points)]
    expect(codes.length).toBeGreaterThan(4)
    for (const c of codes) expect(t.dipGroups.has(c), c).toBe(true)
  })
})

it('grouper-data/policy.schema.json is the schema of engine/policy/schema.ts (regenerate: npx tsx grouper-data/policy-schema.ts)', () => {
  expect(readFileSync(POLICY_SCHEMA_FILE, 'utf8')).toBe(policySchemaText())
})
