// The stays port (engine/ledger/stays-port.ts) on the PostgreSQL ledger (SPEC §12): the national interface's stays
// between calls in the tables of schema.ts migration 1, so that any dipsettle process on the database can carry on a
// stay another began (2401 on one, 2301 … 2304 on another). Same semantics as sqlite/stays.ts; where SQLite has the
// file's one write lock (BEGIN IMMEDIATE), each change here is one transaction that locks what it changes:
//   - the stay's row (SELECT … FOR UPDATE): two changes of one stay run one after the other, each seeing the other's
//     result (a 2301 racing a 2304's discharged → settling finds the stay settling and is refused);
//   - opening a stay: a transaction-scoped advisory lock around MAX(seq) + 1, so mdtrt_ids stay gap-free;
//   - the envelope msgid: checked first, stored last under its primary key; two calls with one msgid at once — the
//     second's insert violates the key, its transaction (change included) rolls back and runs again, and then finds
//     the first's answer ('seen').
import { strict as assert } from 'node:assert'
import type pg from 'pg'
import type {
  EnvelopeRecord, NewStay, ReconcileTotal, SetlList, Stay, StayChange, StayFee, StayRefusal, StayStatus, StayTransition, StaysPort, StayVisit,
} from '../stays-port.js'
import { mdtrtIdOf } from '../sqlite/stays.js'
import type { PgLedger } from './ledger.js'
import { inTransaction } from './transaction.js'

interface StayRow {
  mdtrt_id: string; fixmedins_code: string; psn_no: string; insutype: string; inpatient: number; status: StayStatus
  visit_json: string; setl_id: string | null
}

/** pg_advisory_xact_lock keys of opening a stay ('dips' 'stay'): one MAX(seq) + 1 at a time. */
const OPEN_LOCK = '1684631667, 1937006969'
/** The envelope's primary key: a violation means the same msgid was answered meanwhile (run again → 'seen'). */
const ENVELOPE_KEY = 'national_envelopes_pkey'

type Outcome<T> = { ok: T } | { refused: StayRefusal; detail: string }

export class PgStays implements StaysPort {
  private readonly pool: pg.Pool

  constructor(ledger: PgLedger, private readonly now: () => Date = () => new Date()) {
    this.pool = ledger.connections
  }

  async envelopeAnswer(msgid: string): Promise<{ bodyHash: string; answerJson: string } | undefined> {
    return envelope(this.pool, msgid)
  }

  rememberAnswer(env: EnvelopeRecord<void>): Promise<StayChange<void>> {
    return this.change(env, async () => ({ ok: undefined }))
  }

  openStay(stay: NewStay, env: EnvelopeRecord<Stay>): Promise<StayChange<Stay>> {
    return this.change<Stay>(env, async (c) => {
      await c.query(`SELECT pg_advisory_xact_lock(${OPEN_LOCK})`)
      const seq = Number((await c.query<{ seq: number }>('SELECT COALESCE(MAX(seq), 0) + 1 AS seq FROM national_stays')).rows[0]!.seq)
      const at = this.now().toISOString()
      const mdtrtId = mdtrtIdOf(seq)
      await c.query(`INSERT INTO national_stays (mdtrt_id, seq, fixmedins_code, psn_no, insutype, inpatient, status, visit_json,
        setl_id, opened_at, changed_at) VALUES ($1, $2, $3, $4, $5, $6, 'open', $7, NULL, $8, $8)`,
      [mdtrtId, seq, stay.fixmedins_code, stay.psn_no, stay.insutype, stay.inpatient ? 1 : 0, JSON.stringify(stay.visit), at])
      return { ok: (await readStay(c, stay.fixmedins_code, mdtrtId))! }
    })
  }

  stay(fixmedinsCode: string, mdtrtId: string): Promise<Stay | undefined> {
    return readStay(this.pool, fixmedinsCode, mdtrtId)
  }

  addFees(fixmedinsCode: string, mdtrtId: string, fees: readonly StayFee[], env: EnvelopeRecord<Stay>): Promise<StayChange<Stay>> {
    return this.change<Stay>(env, async (c) => {
      const s = await readStay(c, fixmedinsCode, mdtrtId, true)
      const refused = unsettled(s, mdtrtId)
      if (refused !== undefined) return refused
      const live = new Set(s!.fees.map((f) => f.feedetl_sn))
      const taken = fees.find((f) => live.has(f.feedetl_sn))
      if (taken !== undefined) return { refused: 'E_FEEDETL_SN_TAKEN', detail: taken.feedetl_sn }
      // one statement, the lines numbered after the stay's last one in upload order; each line's JSON kept as its text
      await c.query(`INSERT INTO national_stay_fees (mdtrt_id, feedetl_sn, seq, fee_json)
        SELECT $1, f.sn, (SELECT COALESCE(MAX(seq), 0) FROM national_stay_fees WHERE mdtrt_id = $1) + f.n, f.fee
          FROM unnest($2::text[], $3::text[]) WITH ORDINALITY AS f(sn, fee, n)`,
      [mdtrtId, fees.map((f) => f.feedetl_sn), fees.map((f) => JSON.stringify(f))])
      await this.touch(c, s!, {})
      return { ok: (await readStay(c, fixmedinsCode, mdtrtId))! }
    })
  }

  removeFees(fixmedinsCode: string, mdtrtId: string, feedetlSns: readonly string[] | null, env: EnvelopeRecord<Stay>): Promise<StayChange<Stay>> {
    return this.change<Stay>(env, async (c) => {
      const s = await readStay(c, fixmedinsCode, mdtrtId, true)
      const refused = unsettled(s, mdtrtId)
      if (refused !== undefined) return refused
      if (feedetlSns === null) {
        await c.query('DELETE FROM national_stay_fees WHERE mdtrt_id = $1', [mdtrtId])
      } else {
        const live = new Set(s!.fees.map((f) => f.feedetl_sn))
        const unknown = feedetlSns.find((sn) => !live.has(sn))
        if (unknown !== undefined) return { refused: 'E_FEEDETL_SN_UNKNOWN', detail: unknown }
        await c.query('DELETE FROM national_stay_fees WHERE mdtrt_id = $1 AND feedetl_sn = ANY($2::text[])', [mdtrtId, feedetlSns])
      }
      await this.touch(c, s!, {})
      return { ok: (await readStay(c, fixmedinsCode, mdtrtId))! }
    })
  }

  transition(fixmedinsCode: string, mdtrtId: string, t: StayTransition, env?: EnvelopeRecord<Stay>): Promise<StayChange<Stay>> {
    return this.change<Stay>(env, async (c) => {
      const s = await readStay(c, fixmedinsCode, mdtrtId, true)
      if (s === undefined) return { refused: 'E_STAY_UNKNOWN', detail: mdtrtId }
      if (!t.from.includes(s.status)) return { refused: 'E_STAY_STATE', detail: s.status }
      await this.touch(c, s, { status: t.to, visit: t.visit, setl_id: t.setl_id })
      return { ok: (await readStay(c, fixmedinsCode, mdtrtId))! }
    })
  }

  recordSetlList(list: SetlList, env: EnvelopeRecord<void>): Promise<StayChange<void>> {
    return this.change<void>(env, async (c) => {
      await c.query(`INSERT INTO national_setl_lists (setl_id, mdtrt_id, fixmedins_code, list_json, dip_json, recorded_at)
        VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (setl_id) DO UPDATE SET list_json = excluded.list_json,
        dip_json = excluded.dip_json, recorded_at = excluded.recorded_at`,
      [list.setl_id, list.mdtrt_id, list.fixmedins_code, JSON.stringify(list.list), JSON.stringify(list.dip), this.now().toISOString()])
      return { ok: undefined }
    })
  }

  async setlList(setlId: string): Promise<SetlList | undefined> {
    const r = await this.pool.query<{ setl_id: string; mdtrt_id: string; fixmedins_code: string; list_json: string; dip_json: string }>({
      name: 'stays-setl-list', values: [setlId],
      text: 'SELECT setl_id, mdtrt_id, fixmedins_code, list_json, dip_json FROM national_setl_lists WHERE setl_id = $1',
    })
    const row = r.rows[0]
    return row === undefined ? undefined : {
      setl_id: row.setl_id, mdtrt_id: row.mdtrt_id, fixmedins_code: row.fixmedins_code,
      list: JSON.parse(row.list_json) as unknown, dip: JSON.parse(row.dip_json) as unknown,
    }
  }

  async liveSettlement(psnNo: string, mdtrtId: string): Promise<string | undefined> {
    const r = await this.pool.query<{ setl_id: string }>({
      name: 'stays-live', values: [psnNo, mdtrtId],
      text: `SELECT s.setl_id FROM settlements s WHERE s.psn_no = $1 AND s.mdtrt_id = $2 AND s.kind = 'settlement'
        AND NOT EXISTS (SELECT 1 FROM settlements r WHERE r.reverses = s.setl_id) ORDER BY s.seq LIMIT 1`,
    })
    return r.rows[0]?.setl_id
  }

  async reconcileTotals(fixmedinsCode: string, fromDate: string, toDate: string): Promise<readonly ReconcileTotal[]> {
    // settlement and reversal rows alike (a reversal's amounts are negated): sums net out; the day is the recording
    // day in China time (UTC+8), as the hospital's own books count it (SQLite: date(recorded_at, '+8 hours'))
    const r = await this.pool.query<ReconcileTotal>({
      name: 'stays-totals', values: [fixmedinsCode, fromDate, toDate],
      text: `SELECT insutype, CASE WHEN inpatient = 1 THEN '21' ELSE '11' END AS clr_type,
          SUM(medfee_sumamt_fen) AS medfee_sumamt_fen, SUM(fund_pay_sumamt_fen) AS fund_pay_sumamt_fen,
          SUM(acct_pay_fen) AS acct_pay_fen, SUM(CASE WHEN kind = 'settlement' THEN 1 ELSE -1 END) AS count
        FROM settlements
       WHERE fixmedins_code = $1
         AND to_char((recorded_at::timestamptz AT TIME ZONE 'UTC') + interval '8 hours', 'YYYY-MM-DD') COLLATE "C" BETWEEN $2 AND $3
       GROUP BY insutype, 2 ORDER BY insutype COLLATE "C", 2`,
    })
    return r.rows
  }

  // ---- inside ------------------------------------------------------------------------------------------------------

  private async touch(c: pg.ClientBase, s: Stay, p: { status?: StayStatus; visit?: StayVisit | undefined; setl_id?: string | null | undefined }): Promise<void> {
    const setlId = p.setl_id !== undefined ? p.setl_id : s.setl_id
    await c.query('UPDATE national_stays SET status = $1, visit_json = $2, setl_id = $3, changed_at = $4 WHERE mdtrt_id = $5',
      [p.status ?? s.status, JSON.stringify(p.visit ?? s.visit), setlId, this.now().toISOString(), s.mdtrt_id])
  }

  /** One transaction: msgid seen? → the change (or its refusal, nothing written) → the envelope's answer stored. */
  private change<T>(env: EnvelopeRecord<T> | undefined, fn: (c: pg.PoolClient) => Promise<Outcome<T>>): Promise<StayChange<T>> {
    return inTransaction(this.pool, async (c): Promise<StayChange<T>> => {
      const seen = env === undefined ? undefined : await envelope(c, env.msgid)
      if (seen !== undefined) return { status: 'seen', ...seen }
      const r = await fn(c)
      // a refusal returns (not throws): its transaction commits having written nothing
      if (!('ok' in r)) return { status: 'refused', code: r.refused, detail: r.detail }
      if (env === undefined) return { status: 'done', value: r.ok, answerJson: '' }
      const answerJson = env.answer(r.ok)
      assert(typeof answerJson === 'string', 'an envelope answer is JSON text')
      await c.query(`INSERT INTO national_envelopes (msgid, fixmedins_code, infno, body_hash, answer_json, recorded_at)
        VALUES ($1, $2, $3, $4, $5, $6)`, [env.msgid, env.fixmedins_code, env.infno, env.bodyHash, answerJson, this.now().toISOString()])
      return { status: 'done', value: r.ok, answerJson }
    }, [ENVELOPE_KEY])
  }
}

async function envelope(q: pg.Pool | pg.ClientBase, msgid: string): Promise<{ bodyHash: string; answerJson: string } | undefined> {
  const r = await q.query<{ body_hash: string; answer_json: string }>('SELECT body_hash, answer_json FROM national_envelopes WHERE msgid = $1', [msgid])
  const row = r.rows[0]
  return row === undefined ? undefined : { bodyHash: row.body_hash, answerJson: row.answer_json }
}

/** The stay with its live fee lines; `lock`: its row FOR UPDATE (a change's first read). */
async function readStay(q: pg.Pool | pg.ClientBase, fixmedinsCode: string, mdtrtId: string, lock = false): Promise<Stay | undefined> {
  const r = await q.query<StayRow>(`SELECT mdtrt_id, fixmedins_code, psn_no, insutype, inpatient, status, visit_json, setl_id
    FROM national_stays WHERE mdtrt_id = $1 AND fixmedins_code = $2${lock ? ' FOR UPDATE' : ''}`, [mdtrtId, fixmedinsCode])
  const row = r.rows[0]
  if (row === undefined) return undefined
  const fees = await q.query<{ fee_json: string }>('SELECT fee_json FROM national_stay_fees WHERE mdtrt_id = $1 ORDER BY seq', [mdtrtId])
  return {
    mdtrt_id: row.mdtrt_id, fixmedins_code: row.fixmedins_code, psn_no: row.psn_no, insutype: row.insutype,
    inpatient: row.inpatient === 1, status: row.status, visit: JSON.parse(row.visit_json) as StayVisit, setl_id: row.setl_id,
    fees: fees.rows.map((f) => JSON.parse(f.fee_json) as StayFee),
  }
}

/** Fee lines change only on a stay that exists and is open or discharged. */
function unsettled(s: Stay | undefined, mdtrtId: string): { refused: 'E_STAY_UNKNOWN' | 'E_STAY_STATE'; detail: string } | undefined {
  if (s === undefined) return { refused: 'E_STAY_UNKNOWN', detail: mdtrtId }
  if (s.status !== 'open' && s.status !== 'discharged') return { refused: 'E_STAY_STATE', detail: s.status }
  return undefined
}
