// SPEC §13 (异地就医): the insuring regions' policies, `other-regions/<admdvs>.json` in the sources directory — the same
// schema as policy.json, checked the same way (errors name the file and the path inside it). A visitor settles under
// this region's catalogue and its insuring region's deductibles, ratios and caps (engine/adjudicate/visitor.ts).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { validatePolicy } from '../engine/policy/validate.js'
import type { Policy } from '../engine/policy/types.js'
import type { Problems } from './source-fields.js'

export const OTHER_REGIONS_DIR = 'other-regions'
/** 医保区划 code: 6 digits (national admdvs). */
export const ADMDVS = /^[0-9]{6}$/

/** The `other-regions/*.json` files of a sources directory, sorted by name (none when the directory is absent). */
export function otherRegionFiles(sourcesDir: string): string[] {
  const dir = join(sourcesDir, OTHER_REGIONS_DIR)
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return []
  return readdirSync(dir).filter((f) => f.endsWith('.json')).sort()
}

/** Every insuring region's policy by its admdvs; each file validated, problems named `other-regions/<file>: <path>`. */
export function readOtherRegions(sourcesDir: string, own: Policy | null, p: Problems): Map<string, Policy> {
  const out = new Map<string, Policy>()
  for (const name of otherRegionFiles(sourcesDir)) {
    const label = `${OTHER_REGIONS_DIR}/${name}`
    const admdvs = name.slice(0, -'.json'.length)
    if (!ADMDVS.test(admdvs)) { p.add(`${label}: the file name must be the region's 6-digit admdvs (e.g. 150400.json)`); continue }
    if (own?.admdvs === admdvs) { p.add(`${label}: ${admdvs} is this region's own admdvs (policy.json admdvs)`); continue }
    let doc: unknown
    try {
      doc = JSON.parse(readFileSync(join(sourcesDir, OTHER_REGIONS_DIR, name), 'utf8'))
    } catch (e) {
      p.add(`${label}: (root): not valid JSON: ${(e as Error).message}`)
      continue
    }
    const r = validatePolicy(doc)
    if (!r.ok) {
      for (const q of r.problems) p.add(`${label}: ${q.path || '(root)'}: ${q.message}`)
      continue
    }
    if (r.policy.admdvs !== undefined && r.policy.admdvs !== admdvs) {
      p.add(`${label}: admdvs: "${r.policy.admdvs}" differs from the file name's ${admdvs}`)
      continue
    }
    out.set(admdvs, r.policy)
  }
  return out
}
