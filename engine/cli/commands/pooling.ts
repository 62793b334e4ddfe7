// `dipsettle pooling --input FILE` (SPEC §7): 调剂金 contributions and distribution, 归集基金 sizing, and each city's
// shortfall under the Taizhou rule, from a JSON file of cities; prints the JSON report (last line).
import { readFileSync } from 'node:fs'
import type { Command } from 'commander'
import { Ajv } from 'ajv'
import { parseYuan } from '../../money.js'
import { FundPooling } from '../../policy/schema.js'
import { poolFunds, type PoolingCity, type PoolingPolicy } from '../../settlement/fund-pooling.js'
import { openContext } from '../context.js'
import { usageError } from '../usage.js'

const INPUT_HELP = `
Input file (money in yuan):
  { "fund_pooling": { … optional, overrides the policy's section … },
    "reserve_balance_yuan": 0,            (optional: the 归集基金 now; default its required size)
    "cities": [ { "city": "椒江", "prior_year_income_yuan": 1e8, "insured": 600000, "collection_rate": 0.95,
                  "performance": 0.9, "annual_payments_yuan": { "310": 1.2e6, "390": 6e5 },
                  "shortfall_yuan": 0, "surplus_yuan": 0 } ] }
Shortfalls are met in the order of "cities". Exit status: 0 done; 1 fault; 2 bad usage.`

function money(v: unknown, path: string): number {
  if (v === undefined) return 0
  const p = parseYuan(v)
  if (!p.ok) usageError(`${path}: must be yuan with at most 2 decimals, not negative (${p.problem})`)
  return p.fen
}

function num(v: unknown, path: string, max = Infinity): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > max) usageError(`${path}: must be a number 0–${max}`)
  return v
}

export function register(program: Command): void {
  program.command('pooling')
    .description('调剂金 distribution, 归集基金 sizing and city shortfalls (seeds 000, 003)')
    .requiredOption('--input <file>', 'JSON file of cities (see below)')
    .option('--tables <file>', 'lookup tables whose policy has a fund_pooling section (default: the demo region\'s)')
    .option('--policy <file>', 'policy file with a fund_pooling section')
    .addHelpText('after', INPUT_HELP)
    .action((opts: { input: string; tables?: string; policy?: string }) => {
      let doc: Record<string, unknown>
      try {
        doc = JSON.parse(readFileSync(opts.input, 'utf8')) as Record<string, unknown>
      } catch (e) {
        usageError(`--input ${opts.input}: ${(e as Error).message}`)
      }
      let fp: PoolingPolicy | undefined
      if (doc.fund_pooling !== undefined) {
        const check = new Ajv({ allErrors: true, strict: false }).compile(FundPooling)
        if (!check(doc.fund_pooling)) usageError(`fund_pooling: ${(check.errors ?? []).map((e) => `${e.instancePath || '(root)'} ${e.message}`).join('; ')}`)
        fp = doc.fund_pooling as PoolingPolicy
      } else {
        fp = openContext(opts).policy.fund_pooling
        if (!fp) usageError('the policy has no fund_pooling section: add one or put "fund_pooling" in the input file')
      }
      if (!Array.isArray(doc.cities) || doc.cities.length === 0) usageError('cities: a non-empty array is required')
      const cities: PoolingCity[] = (doc.cities as Record<string, unknown>[]).map((c, i) => {
        const p = `cities[${i}]`
        if (typeof c.city !== 'string') usageError(`${p}.city: a name is required`)
        const pay = c.annual_payments_yuan as Record<string, unknown> | undefined
        return {
          city: c.city,
          priorIncomeFen: money(c.prior_year_income_yuan, `${p}.prior_year_income_yuan`),
          insured: num(c.insured ?? 0, `${p}.insured`),
          collectionRate: num(c.collection_rate ?? 0, `${p}.collection_rate`, 1),
          performance: num(c.performance ?? 0, `${p}.performance`),
          ...(pay ? { annualPaymentsFen: { '310': money(pay['310'], `${p}.annual_payments_yuan.310`), '390': money(pay['390'], `${p}.annual_payments_yuan.390`) } } : {}),
          shortfallFen: money(c.shortfall_yuan, `${p}.shortfall_yuan`),
          surplusFen: money(c.surplus_yuan, `${p}.surplus_yuan`),
        }
      })
      const reserve = doc.reserve_balance_yuan === undefined ? undefined : money(doc.reserve_balance_yuan, 'reserve_balance_yuan')
      process.stdout.write(JSON.stringify(poolFunds(cities, fp, reserve)) + '\n')
    })
}
