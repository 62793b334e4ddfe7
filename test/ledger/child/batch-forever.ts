// Child process for the crash-safety test: group-commits batches of claims into a ledger forever, printing
// "committed <k> <rows>" after each commit, until the parent kills it (SIGKILL, mid-batch).
import { openLedger } from '../../../engine/ledger/sqlite.js'
import { processBatch } from '../../../engine/ledger/settle.js'
import { env, mini } from '../fixtures.js'

const [file, batchArg] = process.argv.slice(2)
if (file === undefined) throw new Error('usage: batch-forever FILE [BATCH]')
const batch = Number(batchArg ?? 200)
const ledger = openLedger(file)
const e = env(ledger)
let n = 0
for (let k = 0; ; k++) {
  const bodies = Array.from({ length: batch }, () => {
    n++
    return mini(n, { psn_no: `P${n % 37}`, inpatient: n % 3 !== 0, day: n % 360, total_fen: 1000 + (n * 7919) % 500_000, inscope_fen: 500 })
  })
  processBatch(bodies, e)
  process.stdout.write(`committed ${k} ${n}\n`)
}
