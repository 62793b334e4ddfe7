// Validate a policy document against the schema; every problem names its JSON path (e.g. `basic.310.ratio.retired.2`).
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv'
import { readFileSync } from 'node:fs'
import { PolicySchema } from './schema.js'
import type { Policy } from './types.js'

// compiled on first use, not at import: a pool worker or a CLI command that validates no policy file imports this
// module without paying the compile (bench/README.md, CLI scaling)
let compiled: ValidateFunction | undefined
function policyCheck(): ValidateFunction {
  compiled ??= new Ajv({ allErrors: true, strict: false, useDefaults: true }).compile(PolicySchema)
  return compiled
}

export interface PolicyProblem {
  /** Dotted path inside the document, '' for the root. */
  readonly path: string
  readonly message: string
}

function describe(e: ErrorObject): PolicyProblem {
  const base = e.instancePath.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
  if (e.keyword === 'additionalProperties') {
    const key = (e.params as { additionalProperty: string }).additionalProperty
    return { path: [...base, key].join('.'), message: `unknown key "${key}"` }
  }
  if (e.keyword === 'required') {
    const key = (e.params as { missingProperty: string }).missingProperty
    return { path: [...base, key].join('.'), message: 'is required' }
  }
  return { path: base.join('.'), message: e.message ?? e.keyword }
}

export type PolicyCheck = { ok: true; policy: Policy } | { ok: false; problems: PolicyProblem[] }

/** Validate a parsed document (defaults from the schema are filled in place). */
export function validatePolicy(doc: unknown): PolicyCheck {
  const copy: unknown = structuredClone(doc)
  const check = policyCheck()
  if (check(copy)) {
    const semantic = checkSemantics(copy as Policy)
    if (semantic.length > 0) return { ok: false, problems: semantic }
    return { ok: true, policy: copy as Policy }
  }
  return { ok: false, problems: (check.errors ?? []).map(describe) }
}

/** Rules a schema cannot say: ascending tiers and bands, thresholds in order. */
function checkSemantics(p: Policy): PolicyProblem[] {
  const out: PolicyProblem[] = []
  for (const ins of ['310', '390'] as const) {
    const tiers = p.serious_illness[ins].tiers
    tiers.forEach((t, i) => {
      if (i > 0 && t.above_yuan <= (tiers[i - 1]?.above_yuan ?? -1)) {
        out.push({ path: `serious_illness.${ins}.tiers.${i}.above_yuan`, message: 'tiers must ascend by above_yuan' })
      }
    })
    if (tiers[0] && tiers[0].above_yuan !== 0) {
      out.push({ path: `serious_illness.${ins}.tiers.0.above_yuan`, message: 'the first tier must start at 0' })
    }
  }
  if (!(p.dip.high <= p.dip.review)) out.push({ path: 'dip.review', message: 'must be at least dip.high' })
  out.push(...auxiliarySemantics(p))
  out.push(...monitoringSemantics(p))
  return out
}

/** 辅助目录 (SPEC §5): CCI bands ascend; each age band names exactly one bound. */
function auxiliarySemantics(p: Policy): PolicyProblem[] {
  const out: PolicyProblem[] = []
  const aux = p.dip.auxiliary
  aux?.cci_levels?.forEach((l, i, all) => {
    if (i > 0 && l.min <= (all[i - 1] as typeof l).min) out.push({ path: `dip.auxiliary.cci_levels.${i}.min`, message: 'levels must ascend by min' })
  })
  aux?.age_bands?.forEach((b, i) => {
    const bounds = [b.max_days, b.max_years, b.min_years].filter((x) => x !== undefined).length
    if (bounds !== 1) out.push({ path: `dip.auxiliary.age_bands.${i}`, message: 'needs exactly one of max_days, max_years, min_years' })
  })
  return out
}

/** 智能监控 (SPEC §14): a sex/age check names what it applies to and what it requires, its age bounds in order. */
function monitoringSemantics(p: Policy): PolicyProblem[] {
  const out: PolicyProblem[] = []
  p.monitoring?.M_SEX_AGE?.checks.forEach((c, i) => {
    const at = `monitoring.M_SEX_AGE.checks.${i}`
    if (c.dx_prefixes === undefined && c.item_prefixes === undefined) out.push({ path: at, message: 'needs dx_prefixes or item_prefixes' })
    if (c.gend === undefined && c.min_years === undefined && c.max_years === undefined) out.push({ path: at, message: 'needs gend, min_years or max_years' })
    if (c.min_years !== undefined && c.max_years !== undefined && c.min_years > c.max_years) out.push({ path: `${at}.max_years`, message: 'must be at least min_years' })
  })
  return out
}

export class PolicyError extends Error {
  constructor(readonly file: string, readonly problems: PolicyProblem[]) {
    super(problems.map((q) => `${file}: ${q.path || '(root)'}: ${q.message}`).join('\n'))
    this.name = 'PolicyError'
  }
}

/** Read and validate a policy file; throws PolicyError naming the file and each bad path. */
export function loadPolicyFile(file: string): Policy {
  let doc: unknown
  try {
    doc = JSON.parse(readFileSync(file, 'utf8'))
  } catch (e) {
    throw new PolicyError(file, [{ path: '', message: `not valid JSON: ${(e as Error).message}` }])
  }
  const r = validatePolicy(doc)
  if (!r.ok) throw new PolicyError(file, r.problems)
  return r.policy
}
