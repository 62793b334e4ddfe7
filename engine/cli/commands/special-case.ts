// 特例单议 (seed 001: 特殊病例 专家评议; SPEC §5):
//   `dipsettle special-case apply --ledger FILE --setl-id S --hospital CODE [--note TEXT]` — a hospital applies for
//   expert review of one of its candidates (a settled discharge whose DIP deviation is "review", or a stay of an
//   alliance episode);
//   `dipsettle special-case decide --ledger FILE --setl-id S --decision approved|rejected [--note TEXT]` — the bureau's
//   decision. The next month-end run of its month pays an approved case, within the hospital's quota, at cost-based
//   points; `month-end` lists the ones still pending.
import type { Command } from 'commander'
import { openLedger } from '../../ledger/sqlite.js'
import { applyForSpecialCase, recordSpecialCaseDecision } from '../../settlement/index.js'
import { usageError } from '../usage.js'

interface DecideOpts { ledger: string; setlId: string; decision: string; note?: string; tables?: string }
interface ApplyOpts { ledger: string; setlId: string; hospital: string; note?: string; tables?: string }

export function register(program: Command): void {
  const sc = program.command('special-case').description('特例单议: hospitals apply, the bureau decides')
  sc.command('apply')
    .description('a hospital applies for expert review of one of its 特例单议 candidates')
    .requiredOption('--ledger <file>', 'the ledger holding the settlement')
    .requiredOption('--setl-id <id>', 'setl_id of the candidate discharge')
    .requiredOption('--hospital <code>', 'fixmedins_code of the applying hospital (the discharge must be its own)')
    .option('--note <text>', 'why the case needs review (kept with the application)')
    .option('--tables <file>', 'accepted for symmetry; applying needs only the ledger')
    .action(async (opts: ApplyOpts) => {
      const ledger = openLedger(opts.ledger)
      try {
        const out = await applyForSpecialCase(ledger, opts.setlId, opts.hospital, opts.note)
        if (out.status === 'refused') usageError(`special-case apply: ${out.refusal.message}`)
        process.stdout.write(JSON.stringify({ setl_id: opts.setlId, fixmedins_code: opts.hospital, status: 'applied', applied_at: out.applied_at, note: opts.note ?? null }) + '\n')
      } finally {
        ledger.close()
      }
    })
  sc.command('decide')
    .description('approve or reject a 特例单议 candidate (a settled discharge whose DIP deviation is "review")')
    .requiredOption('--ledger <file>', 'the ledger holding the settlement')
    .requiredOption('--setl-id <id>', 'setl_id of the candidate discharge')
    .requiredOption('--decision <approved|rejected>', 'the expert panel\'s decision')
    .option('--note <text>', 'why (kept with the decision)')
    .option('--tables <file>', 'accepted for symmetry; deciding needs only the ledger')
    .action(async (opts: DecideOpts) => {
      if (opts.decision !== 'approved' && opts.decision !== 'rejected') {
        usageError(`special-case decide: --decision must be approved or rejected, got "${opts.decision}"`)
      }
      const ledger = openLedger(opts.ledger)
      try {
        const out = await recordSpecialCaseDecision(ledger, opts.setlId, opts.decision, opts.note)
        if (out.status === 'refused') usageError(`special-case decide: ${out.refusal.message}`)
        process.stdout.write(JSON.stringify({ setl_id: opts.setlId, decision: opts.decision, note: opts.note ?? null }) + '\n')
      } finally {
        ledger.close()
      }
    })
}
