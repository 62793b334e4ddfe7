// `dipsettle special-case decide --ledger FILE --setl-id S --decision approved|rejected [--note TEXT]` (seed 001:
// 特殊病例 专家评议): records the bureau's decision on a 特例单议 candidate. The next month-end run of its month pays an
// approved case, within the hospital's quota, at cost-based points; `month-end` lists the ones still pending.
import type { Command } from 'commander'
import { openLedger } from '../../ledger/sqlite.js'
import { recordSpecialCaseDecision } from '../../settlement/index.js'
import { usageError } from '../usage.js'

interface Opts { ledger: string; setlId: string; decision: string; note?: string }

export function register(program: Command): void {
  const sc = program.command('special-case').description('特例单议: the bureau\'s decisions on special-case candidates')
  sc.command('decide')
    .description('approve or reject a 特例单议 candidate (a settled discharge whose DIP deviation is "review")')
    .requiredOption('--ledger <file>', 'the ledger holding the settlement')
    .requiredOption('--setl-id <id>', 'setl_id of the candidate discharge')
    .requiredOption('--decision <approved|rejected>', 'the expert panel\'s decision')
    .option('--note <text>', 'why (kept with the decision)')
    .option('--tables <file>', 'accepted for symmetry (SPEC §8); a decision needs only the ledger')
    .action((opts: Opts) => {
      if (opts.decision !== 'approved' && opts.decision !== 'rejected') {
        usageError(`special-case decide: --decision must be approved or rejected, got "${opts.decision}"`)
      }
      const ledger = openLedger(opts.ledger)
      try {
        const row = ledger.db.prepare(`SELECT s.kind, s.dip_deviation,
            EXISTS (SELECT 1 FROM settlements r WHERE r.reverses = s.setl_id) AS reversed
          FROM settlements s WHERE s.setl_id = ?`).get(opts.setlId) as { kind: string; dip_deviation: string | null; reversed: number } | undefined
        if (row === undefined) usageError(`special-case decide: --setl-id ${opts.setlId} is not in the ledger`)
        if (row.kind !== 'settlement' || row.reversed === 1) usageError(`special-case decide: ${opts.setlId} is a reversal or reversed`)
        if (row.dip_deviation !== 'review') {
          usageError(`special-case decide: ${opts.setlId} is not a 特例单议 candidate (its deviation is ${row.dip_deviation ?? 'none'})`)
        }
        recordSpecialCaseDecision(ledger.db, opts.setlId, opts.decision, opts.note)
        process.stdout.write(JSON.stringify({ setl_id: opts.setlId, decision: opts.decision, note: opts.note ?? null }) + '\n')
      } finally {
        ledger.close()
      }
    })
}
