// `dipsettle ledger copy --from FILE --to URL` (SPEC §11): an embedded ledger moved into PostgreSQL verifies there,
// answers every msgid with the file's answer, replays a resent claim identically, continues the setl_id numbering;
// a non-empty target or a file that is not a dipsettle ledger is refused with nothing written.
import { afterEach, beforeEach, expect, it } from 'vitest'
import Database from 'better-sqlite3'
import { PgLedger } from '../../engine/ledger/postgres/ledger.js'
import { settleClaim } from '../../engine/ledger/settle-port.js'
import { processClaim, processReversal } from '../../engine/ledger/settle.js'
import { SqliteLedger } from '../../engine/ledger/sqlite.js'
import type { Policy } from '../../engine/policy/types.js'
import type { Tables } from '../../engine/tables/types.js'
import { CredentialStore } from '../../server/auth/credentials.js'
import { sqliteAccounts } from '../../engine/ledger/sqlite/accounts.js'
import { cli } from '../cli/helpers.js'
import { env, fakeAdjudicate, mini, tempDir } from './fixtures.js'
import { overlapLoad } from './overlap-load.js'
import { describePg, freshDatabase } from './pg-server.js'

describePg('ledger copy into PostgreSQL', (server) => {
  let tmp: ReturnType<typeof tempDir>
  let db: Awaited<ReturnType<typeof freshDatabase>>
  let file: string
  const claims = overlapLoad()
  beforeEach(async () => {
    tmp = tempDir()
    db = await freshDatabase(server, 'copy')
    file = tmp.file('ledger.sqlite')
    const l = new SqliteLedger(file)
    for (const c of claims) expect(processClaim(c, env(l)).status).toBe('settled')
    expect(processReversal({ setl_id: 'S000000000007', msgid: 'REV-1' }, { ledger: l }).status).toBe('settled')
    new CredentialStore(l.db).add({ hospital: 'H15020300003' }, 'copy-test')
    // SPEC §15: a personal account credit moves with the ledger (and stays in the person's snapshot)
    await sqliteAccounts(l.db).creditMonth('2026-01', [{ psnNo: 'P0000', amountFen: 12_345, kind: 'in_service' }])
    l.close()
  })
  afterEach(async () => {
    await db.drop()
    tmp.cleanup()
  })

  it('copies every row, verifies, answers and replays as the file did, and continues the numbering', async () => {
    const r = cli(['ledger', 'copy', '--from', file, '--to', db.url])
    expect(r.stderr).toBe('')
    expect(r.status).toBe(0)
    // 240 settlements + 1 reversal; the reversal's line set too
    expect(r.stdout).toContain('copied 241 settlements, 241 settlement_line_sets, 12 accumulators')
    expect(r.stdout).toContain('1 credentials')
    expect(r.stdout).toContain('1 account_credits')
    expect(r.stdout).toMatch(/^ok: 241 settlement rows, 12 person-years agree$/m)
    expect(cli(['ledger', 'verify', '--ledger', db.url]).stdout).toMatch(/^ok: 241 settlement rows/m)

    const sqlite = new SqliteLedger(file, { readonly: true })
    const pg = await PgLedger.open(db.url)
    try {
      for (const msgid of [...claims.map((c) => c.msgid), 'REV-1']) {
        expect(await pg.answerOfMsgid(msgid), msgid).toEqual(sqlite.lookupMsgid(msgid))
      }
      const e = { tables: {} as Tables, policy: {} as Policy, adjudicate: fakeAdjudicate }
      // a resent claim replays the file's first answer
      expect(await settleClaim(claims[5], pg, e)).toEqual(sqlite.lookupMsgid(claims[5]!.msgid)?.result)
      // the reversed visit settles again; new rows continue after the file's last seq (241)
      const again = await settleClaim(mini(6, { msgid: 'AFTER-COPY', psn_no: 'P0000', mdtrt_id: 'V6' }), pg, e)
      expect(again).toMatchObject({ status: 'settled', setl_id: 'S000000000242' })
      expect(await pg.verify()).toEqual([])
      expect((await pg.readHistory('P0000')).history.accountNetFen('P0000')).toBe(sqlite.accountNetFen('P0000'))
      expect((await pg.accounts.accountEntries('P0000')).credits.map((c) => c.amountFen)).toEqual([12_345])
    } finally {
      sqlite.close()
      await pg.close()
    }
  })

  it('refuses a target that already holds settlements, and a file that is not a dipsettle ledger', async () => {
    expect(cli(['ledger', 'copy', '--from', file, '--to', db.url]).status).toBe(0)
    const twice = cli(['ledger', 'copy', '--from', file, '--to', db.url])
    expect(twice.status).toBe(1)
    expect(twice.stderr).toMatch(/already holds 241 settlement rows: copy only into an empty one; nothing was written/)
    const other = tmp.file('other.sqlite')
    new Database(other).exec('CREATE TABLE patients (id INTEGER)')
    const refused = cli(['ledger', 'copy', '--from', other, '--to', db.url])
    expect(refused.status).toBe(1)
    expect(refused.stderr).toMatch(/is not a dipsettle ledger of schema version/)
    expect(cli(['ledger', 'verify', '--ledger', db.url]).stdout).toMatch(/^ok: 241 settlement rows/m)
  })
})
