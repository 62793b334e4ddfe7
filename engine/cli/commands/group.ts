// `dipsettle group [--tables FILE] [--policy FILE] [--trace]` (SPEC §8): one claim per JSON line on stdin → one line
// `{ "msgid", "dip": {…} }` per claim, in order; a claim that fails validation answers
// `{ "msgid", "status": "rejected", "reasons" }`. Without --ledger grouping sees an empty history (no readmission
// flag); with --ledger FILE (opened read-only) it sees the ledger's stays, as settlement would.
import { existsSync } from 'node:fs'
import type { Command } from 'commander'
import { parseClaim } from '../../adjudicate/index.js'
import { groupClaim } from '../../grouping/index.js'
import { openLedger } from '../../ledger/sqlite.js'
import { withLedgerPersons } from '../../persons/attach.js'
import { EMPTY_HISTORY } from '../../history.js'
import { reason } from '../../reasons.js'
import { openContext } from '../context.js'
import { JsonLineWriter, readByteLines } from '../jsonl.js'
import { LineRefusal, parseJsonLine } from '../../pool/lines.js'
import { usageError } from '../usage.js'

interface GroupFlags { tables?: string; policy?: string; trace?: boolean; ledger?: string }

export function register(program: Command): void {
  program.command('group')
    .description('DIP-group claims: JSON lines of claims on stdin → one { msgid, dip } line per claim')
    .option('--tables <file>', 'lookup tables (default: the demo region\'s)')
    .option('--policy <file>', 'policy file (default: the policy stored in the tables)')
    .option('--trace', 'add the match trace: candidates, why each lost, the deciding rule')
    .option('--ledger <file>', 'group against this ledger\'s history (readmission, alliance merging); read only')
    .action(async (flags: GroupFlags) => {
      const run = openContext(flags)
      if (flags.ledger !== undefined && !existsSync(flags.ledger)) usageError(`group: --ledger ${flags.ledger} does not exist`)
      const ledger = flags.ledger !== undefined ? openLedger(flags.ledger, { readonly: true }) : undefined
      const ctx = { tables: withLedgerPersons(run.tables, flags.ledger), policy: run.policy, history: ledger ?? EMPTY_HISTORY }
      const out = new JsonLineWriter()
      for await (const line of readByteLines()) {
        const body = parseJsonLine(line)
        if (body instanceof LineRefusal) {
          await out.write({ msgid: null, status: 'rejected', reasons: [reason(body.code, body.field, body.message)] })
          continue
        }
        if (body === null || typeof body !== 'object' || Array.isArray(body)) {
          await out.write({ msgid: null, status: 'rejected', reasons: [reason('E_BAD_JSON', '')] })
          continue
        }
        const parsed = parseClaim(body, run.tables, { maxStayDays: run.policy.dip.max_stay_days })
        if (parsed.status === 'rejected') {
          await out.write({ msgid: parsed.msgid, status: 'rejected', reasons: parsed.reasons })
          continue
        }
        await out.write({ msgid: parsed.claim.msgid, dip: groupClaim(parsed.claim, ctx, { trace: flags.trace === true }) })
      }
      await out.flush()
      ledger?.close()
    })
}
