// 特例单议 (seed 001: 特殊病例 专家评议; SPEC §5):
//   `dipsettle special-case apply --ledger FILE|URL --setl-id S --hospital CODE [--note TEXT]` — a hospital applies for
//   expert review of one of its candidates (a settled discharge whose DIP deviation is "review", or a stay of an
//   alliance episode);
//   `dipsettle special-case decide --ledger FILE|URL --setl-id S --decision approved|rejected [--note TEXT]` — the bureau's
//   decision. The next month-end run of its month pays an approved case, within the hospital's quota, at cost-based
//   points; `month-end` lists the ones still pending.
import type { Command } from 'commander'
import { applyForSpecialCase, recordSpecialCaseDecision } from '../../settlement/index.js'
import { usageError } from '../usage.js'
import { LEDGER_FLAGS, requireLedger, withReportsLedger } from '../reports-ledger.js'

interface DecideOpts { ledger?: string; setlId: string; decision: string; note?: string; tables?: string }
interface ApplyOpts { ledger?: string; setlId: string; hospital: string; note?: string; tables?: string }

export function register(program: Command): void {
  const sc = program.command('special-case').description('特例单议: hospitals apply, the bureau decides')
  sc.command('apply')
    .description('a hospital applies for expert review of one of its 特例单议 candidates')
    .option(LEDGER_FLAGS, 'the ledger holding the settlement: a file or postgres:// URL (default: DIPSETTLE_LEDGER)')
    .requiredOption('--setl-id <id>', 'setl_id of the candidate discharge')
    .requiredOption('--hospital <code>', 'fixmedins_code of the applying hospital (the discharge must be its own)')
    .option('--note <text>', 'why the case needs review (kept with the application)')
    .option('--tables <file>', 'accepted for symmetry; applying needs only the ledger')
    .action(async (opts: ApplyOpts) => {
      await withReportsLedger(requireLedger(opts.ledger), async ({ reports }) => {
        const out = await applyForSpecialCase(reports, opts.setlId, opts.hospital, opts.note)
        if (out.status === 'refused') usageError(`special-case apply: ${out.refusal.message}`)
        process.stdout.write(JSON.stringify({ setl_id: opts.setlId, fixmedins_code: opts.hospital, status: 'applied', applied_at: out.applied_at, note: opts.note ?? null }) + '\n')
      }, { create: true })
    })
  sc.command('decide')
    .description('approve or reject a 特例单议 candidate (a settled discharge whose DIP deviation is "review")')
    .option(LEDGER_FLAGS, 'the ledger holding the settlement: a file or postgres:// URL (default: DIPSETTLE_LEDGER)')
    .requiredOption('--setl-id <id>', 'setl_id of the candidate discharge')
    .requiredOption('--decision <approved|rejected>', 'the expert panel\'s decision')
    .option('--note <text>', 'why (kept with the decision)')
    .option('--tables <file>', 'accepted for symmetry; deciding needs only the ledger')
    .action(async (opts: DecideOpts) => {
      if (opts.decision !== 'approved' && opts.decision !== 'rejected') {
        usageError(`special-case decide: --decision must be approved or rejected, got "${opts.decision}"`)
      }
      const decision = opts.decision
      await withReportsLedger(requireLedger(opts.ledger), async ({ reports }) => {
        const out = await recordSpecialCaseDecision(reports, opts.setlId, decision, opts.note)
        if (out.status === 'refused') usageError(`special-case decide: ${out.refusal.message}`)
        process.stdout.write(JSON.stringify({ setl_id: opts.setlId, decision, note: opts.note ?? null }) + '\n')
      }, { create: true })
    })
}
