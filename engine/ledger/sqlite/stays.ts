// The stays port (engine/ledger/stays-port.ts) on the SQLite ledger file: tables of schema.ts STAYS_SCHEMA_SQL, on the
// ledger's own connection (ledger.db). Each change is one write transaction (BEGIN IMMEDIATE, so another process on
// the file waits rather than interleaves) holding the envelope msgid check, the state check, the change and the
// envelope's answer. Synchronous inside; the port's promises resolve at once.
import type { Database as Db, Statement } from 'better-sqlite3'
import { strict as assert } from 'node:assert'
import { STAYS_SCHEMA_SQL } from '../schema.js'
import type {
  EnvelopeRecord, NewStay, ReconcileTotal, SetlList, Stay, StayChange, StayFee, StayRefusal, StayStatus, StayTransition, StaysPort, StayVisit,
} from '../stays-port.js'

interface StayRow {
  mdtrt_id: string; fixmedins_code: string; psn_no: string; insutype: string; inpatient: number; status: StayStatus
  visit_json: string; setl_id: string | null
}

/** 'N' + the 12-digit zero-padded seq: gap-free per ledger, never the shape of a /v1 claim's own mdtrt_id examples. */
export function mdtrtIdOf(seq: number): string {
  return 'N' + String(seq).padStart(12, '0')
}

export class SqliteStays implements StaysPort {
  private readonly st: {
    envelope: Statement; insertEnvelope: Statement; stay: Statement; fees: Statement; maxSeq: Statement; insertStay: Statement
    updateStay: Statement; maxFeeSeq: Statement; insertFee: Statement; deleteFee: Statement; deleteFees: Statement
    upsertList: Statement; list: Statement; totals: Statement; live: Statement
  }

  constructor(private readonly db: Db, private readonly now: () => Date = () => new Date()) {
    // a ledger made before these tables existed gets them now (additive: nothing else of the file changes)
    db.exec(STAYS_SCHEMA_SQL)
    this.st = {
      envelope: db.prepare('SELECT body_hash, answer_json FROM national_envelopes WHERE msgid = ?'),
      insertEnvelope: db.prepare(`INSERT INTO national_envelopes (msgid, fixmedins_code, infno, body_hash, answer_json, recorded_at)
        VALUES (?, ?, ?, ?, ?, ?)`),
      stay: db.prepare(`SELECT mdtrt_id, fixmedins_code, psn_no, insutype, inpatient, status, visit_json, setl_id
        FROM national_stays WHERE mdtrt_id = ? AND fixmedins_code = ?`),
      fees: db.prepare('SELECT fee_json FROM national_stay_fees WHERE mdtrt_id = ? ORDER BY seq').pluck(),
      maxSeq: db.prepare('SELECT COALESCE(MAX(seq), 0) FROM national_stays').pluck(),
      insertStay: db.prepare(`INSERT INTO national_stays (mdtrt_id, seq, fixmedins_code, psn_no, insutype, inpatient, status,
        visit_json, setl_id, opened_at, changed_at) VALUES (?, ?, ?, ?, ?, ?, 'open', ?, NULL, ?, ?)`),
      updateStay: db.prepare('UPDATE national_stays SET status = ?, visit_json = ?, setl_id = ?, changed_at = ? WHERE mdtrt_id = ?'),
      maxFeeSeq: db.prepare('SELECT COALESCE(MAX(seq), 0) FROM national_stay_fees WHERE mdtrt_id = ?').pluck(),
      insertFee: db.prepare('INSERT INTO national_stay_fees (mdtrt_id, feedetl_sn, seq, fee_json) VALUES (?, ?, ?, ?)'),
      deleteFee: db.prepare('DELETE FROM national_stay_fees WHERE mdtrt_id = ? AND feedetl_sn = ?'),
      deleteFees: db.prepare('DELETE FROM national_stay_fees WHERE mdtrt_id = ?'),
      upsertList: db.prepare(`INSERT INTO national_setl_lists (setl_id, mdtrt_id, fixmedins_code, list_json, dip_json, recorded_at)
        VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (setl_id) DO UPDATE SET list_json = excluded.list_json,
        dip_json = excluded.dip_json, recorded_at = excluded.recorded_at`),
      list: db.prepare('SELECT setl_id, mdtrt_id, fixmedins_code, list_json, dip_json FROM national_setl_lists WHERE setl_id = ?'),
      live: db.prepare(`SELECT s.setl_id FROM settlements s WHERE s.psn_no = ? AND s.mdtrt_id = ? AND s.kind = 'settlement'
        AND NOT EXISTS (SELECT 1 FROM settlements r WHERE r.reverses = s.setl_id)`).pluck(),
      // settlement and reversal rows alike (a reversal's amounts are negated): sums net out; the day is the recording
      // day in China time (UTC+8), as the hospital's own books count it
      totals: db.prepare(`SELECT insutype, CASE WHEN inpatient = 1 THEN '21' ELSE '11' END AS clr_type,
          SUM(medfee_sumamt_fen) AS medfee_sumamt_fen, SUM(fund_pay_sumamt_fen) AS fund_pay_sumamt_fen,
          SUM(acct_pay_fen) AS acct_pay_fen, SUM(CASE WHEN kind = 'settlement' THEN 1 ELSE -1 END) AS count
        FROM settlements WHERE fixmedins_code = ? AND date(recorded_at, '+8 hours') BETWEEN ? AND ?
        GROUP BY insutype, clr_type ORDER BY insutype, clr_type`),
    }
  }

  async envelopeAnswer(msgid: string): Promise<{ bodyHash: string; answerJson: string } | undefined> {
    return this.envelopeSync(msgid)
  }

  async rememberAnswer(env: EnvelopeRecord<void>): Promise<StayChange<void>> {
    return this.change(env, () => ({ ok: undefined }))
  }

  async openStay(stay: NewStay, env: EnvelopeRecord<Stay>): Promise<StayChange<Stay>> {
    return this.change<Stay>(env, () => {
      const seq = (this.st.maxSeq.get() as number) + 1
      const at = this.now().toISOString()
      const mdtrtId = mdtrtIdOf(seq)
      this.st.insertStay.run(mdtrtId, seq, stay.fixmedins_code, stay.psn_no, stay.insutype, stay.inpatient ? 1 : 0,
        JSON.stringify(stay.visit), at, at)
      return { ok: this.staySync(stay.fixmedins_code, mdtrtId) as Stay }
    })
  }

  async stay(fixmedinsCode: string, mdtrtId: string): Promise<Stay | undefined> {
    return this.staySync(fixmedinsCode, mdtrtId)
  }

  async addFees(fixmedinsCode: string, mdtrtId: string, fees: readonly StayFee[], env: EnvelopeRecord<Stay>): Promise<StayChange<Stay>> {
    return this.change<Stay>(env, () => {
      const s = this.staySync(fixmedinsCode, mdtrtId)
      const refused = this.unsettled(s, mdtrtId)
      if (refused !== undefined) return refused
      const live = new Set(s!.fees.map((f) => f.feedetl_sn))
      const taken = fees.find((f) => live.has(f.feedetl_sn))
      if (taken !== undefined) return { refused: 'E_FEEDETL_SN_TAKEN', detail: taken.feedetl_sn }
      let seq = this.st.maxFeeSeq.get(mdtrtId) as number
      for (const f of fees) this.st.insertFee.run(mdtrtId, f.feedetl_sn, ++seq, JSON.stringify(f))
      this.touch(s!, {})
      return { ok: this.staySync(fixmedinsCode, mdtrtId) as Stay }
    })
  }

  async removeFees(fixmedinsCode: string, mdtrtId: string, feedetlSns: readonly string[] | null, env: EnvelopeRecord<Stay>): Promise<StayChange<Stay>> {
    return this.change<Stay>(env, () => {
      const s = this.staySync(fixmedinsCode, mdtrtId)
      const refused = this.unsettled(s, mdtrtId)
      if (refused !== undefined) return refused
      if (feedetlSns === null) {
        this.st.deleteFees.run(mdtrtId)
      } else {
        const live = new Set(s!.fees.map((f) => f.feedetl_sn))
        const unknown = feedetlSns.find((sn) => !live.has(sn))
        if (unknown !== undefined) return { refused: 'E_FEEDETL_SN_UNKNOWN', detail: unknown }
        for (const sn of feedetlSns) this.st.deleteFee.run(mdtrtId, sn)
      }
      this.touch(s!, {})
      return { ok: this.staySync(fixmedinsCode, mdtrtId) as Stay }
    })
  }

  async transition(fixmedinsCode: string, mdtrtId: string, t: StayTransition, env?: EnvelopeRecord<Stay>): Promise<StayChange<Stay>> {
    return this.change<Stay>(env, () => {
      const s = this.staySync(fixmedinsCode, mdtrtId)
      if (s === undefined) return { refused: 'E_STAY_UNKNOWN', detail: mdtrtId }
      if (!t.from.includes(s.status)) return { refused: 'E_STAY_STATE', detail: s.status }
      this.touch(s, { status: t.to, visit: t.visit, setl_id: t.setl_id })
      return { ok: this.staySync(fixmedinsCode, mdtrtId) as Stay }
    })
  }

  async recordSetlList(list: SetlList, env: EnvelopeRecord<void>): Promise<StayChange<void>> {
    return this.change<void>(env, () => {
      this.st.upsertList.run(list.setl_id, list.mdtrt_id, list.fixmedins_code, JSON.stringify(list.list),
        JSON.stringify(list.dip), this.now().toISOString())
      return { ok: undefined }
    })
  }

  async setlList(setlId: string): Promise<SetlList | undefined> {
    const row = this.st.list.get(setlId) as { setl_id: string; mdtrt_id: string; fixmedins_code: string; list_json: string; dip_json: string } | undefined
    return row === undefined ? undefined : {
      setl_id: row.setl_id, mdtrt_id: row.mdtrt_id, fixmedins_code: row.fixmedins_code,
      list: JSON.parse(row.list_json) as unknown, dip: JSON.parse(row.dip_json) as unknown,
    }
  }

  async liveSettlement(psnNo: string, mdtrtId: string): Promise<string | undefined> {
    return this.st.live.get(psnNo, mdtrtId) as string | undefined
  }

  async reconcileTotals(fixmedinsCode: string, fromDate: string, toDate: string): Promise<readonly ReconcileTotal[]> {
    return this.st.totals.all(fixmedinsCode, fromDate, toDate) as ReconcileTotal[]
  }

  // ---- inside ------------------------------------------------------------------------------------------------------

  private envelopeSync(msgid: string): { bodyHash: string; answerJson: string } | undefined {
    const row = this.st.envelope.get(msgid) as { body_hash: string; answer_json: string } | undefined
    return row === undefined ? undefined : { bodyHash: row.body_hash, answerJson: row.answer_json }
  }

  private staySync(fixmedinsCode: string, mdtrtId: string): Stay | undefined {
    const row = this.st.stay.get(mdtrtId, fixmedinsCode) as StayRow | undefined
    if (row === undefined) return undefined
    return {
      mdtrt_id: row.mdtrt_id, fixmedins_code: row.fixmedins_code, psn_no: row.psn_no, insutype: row.insutype,
      inpatient: row.inpatient === 1, status: row.status, visit: JSON.parse(row.visit_json) as StayVisit, setl_id: row.setl_id,
      fees: (this.st.fees.all(mdtrtId) as string[]).map((j) => JSON.parse(j) as StayFee),
    }
  }

  /** Fee lines change only on a stay that exists and is open or discharged. */
  private unsettled(s: Stay | undefined, mdtrtId: string): { refused: 'E_STAY_UNKNOWN' | 'E_STAY_STATE'; detail: string } | undefined {
    if (s === undefined) return { refused: 'E_STAY_UNKNOWN', detail: mdtrtId }
    if (s.status !== 'open' && s.status !== 'discharged') return { refused: 'E_STAY_STATE', detail: s.status }
    return undefined
  }

  private touch(s: Stay, p: { status?: StayStatus; visit?: StayVisit | undefined; setl_id?: string | null | undefined }): void {
    const setlId = p.setl_id !== undefined ? p.setl_id : s.setl_id
    this.st.updateStay.run(p.status ?? s.status, JSON.stringify(p.visit ?? s.visit), setlId, this.now().toISOString(), s.mdtrt_id)
  }

  /** One transaction: msgid seen? → the change (or its refusal, nothing written) → the envelope's answer stored. */
  private change<T>(env: EnvelopeRecord<T> | undefined, fn: () => { ok: T } | { refused: StayRefusal; detail: string }): StayChange<T> {
    const tx = this.db.transaction((): StayChange<T> => {
      const seen = env === undefined ? undefined : this.envelopeSync(env.msgid)
      if (seen !== undefined) return { status: 'seen', ...seen }
      const r = fn()
      if (!('ok' in r)) return { status: 'refused', code: r.refused, detail: r.detail }
      if (env === undefined) return { status: 'done', value: r.ok, answerJson: '' }
      const answerJson = env.answer(r.ok)
      assert(typeof answerJson === 'string', 'an envelope answer is JSON text')
      this.st.insertEnvelope.run(env.msgid, env.fixmedins_code, env.infno, env.bodyHash, answerJson, this.now().toISOString())
      return { status: 'done', value: r.ok, answerJson }
    })
    // a refusal returns (not throws): its transaction commits having written nothing
    return this.db.inTransaction ? tx() : tx.immediate()
  }
}
