// Which PostgreSQL driver for the ledger (issue 15): `pg` against `postgres` on the ledger's own write — one
// transaction that locks the person row (SELECT … FOR UPDATE), checks the msgid, inserts a settlements row (~60
// columns) and its line set, upserts the person-year accumulators and bumps the person's version — at 1 and 4
// concurrent connections, each driver with its statements prepared once per connection.
//
//   node dist/bench/pg-drivers.js postgres://user@host:port/db [transactions per run, default 2000]
//
// Creates and drops a database of its own. Figures go to engine/ledger/README.md ("PostgreSQL driver").
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import postgres from 'postgres'
import { ACCUM_FIELDS } from '../engine/ledger/schema.js'
import { COL, SETTLEMENT_COLUMNS } from '../engine/ledger/codec.js'
import { ADD_ACCUM_SQL, INSERT_SETTLEMENT_SQL } from '../engine/ledger/postgres/statements.js'
import { MIGRATIONS, SCHEMA_TABLE_SQL } from '../engine/ledger/postgres/schema.js'

const LOCK = 'SELECT version FROM ledger_persons WHERE psn_no = $1 FOR UPDATE'
const NEW_PERSON = 'INSERT INTO ledger_persons (psn_no, version) VALUES ($1, 0) ON CONFLICT (psn_no) DO NOTHING'
const BY_MSGID = 'SELECT setl_id, body_hash FROM settlements WHERE msgid = $1'
const NEXT_SEQ = `SELECT nextval('settlement_seq') AS seq`
const LINES = 'INSERT INTO settlement_line_sets (setl_id, lines) VALUES ($1, $2)'
const BUMP = 'UPDATE ledger_persons SET version = $2 WHERE psn_no = $1'

/** One synthetic settlement: realistic widths (40 fee lines, an answer of ~1.5 kB). */
function record(i: number, persons: number): { row: (string | number | null)[]; lines: string; psn: string; accum: number[] } {
  const psn = `P${String(i % persons).padStart(8, '0')}`
  const row: (string | number | null)[] = SETTLEMENT_COLUMNS.map((c: string) => (c.endsWith('_fen') || c === 'admissions' ? 1_000 + (i % 97) : null))
  const set = (c: string, v: string | number | null): void => { row[(SETTLEMENT_COLUMNS as readonly string[]).indexOf(c)] = v }
  for (const [c, v] of Object.entries({
    msgid: `M${i}-${randomBytes(4).toString('hex')}`, body_hash: randomBytes(32).toString('hex'), kind: 'settlement',
    fixmedins_code: 'H15020300003', psn_no: psn, insutype: '390', mdtrt_id: `V${i}`, med_type: '21', inpatient: 1,
    begndate: '2026-03-01', enddate: '2026-03-05', year: 2026, month: '2026-03', dip_group_code: 'J18.9-A',
    dip_kind: 'core', dip_points_1e4: 5_000_000, dip_deviation: 'normal', dip_flags: '[]', level: 2,
    episode_id: `V${i}`, episode_n: 1, episode_dedc_fen: 50_000, dx_category: 'J18', begn_day: 20_500, end_day: 20_504,
  })) set(c, v)
  row[COL.result_json] = JSON.stringify({ msgid: row[2], status: 'settled', pad: 'x'.repeat(1_400) })
  const lines = JSON.stringify(Array.from({ length: 40 }, (_, k) => [String(k + 1), 'SD001', 'A', 12_345, 0, 0, 0, 12_345, []]))
  return { row, lines, psn, accum: ACCUM_FIELDS.map(() => 100) }
}

interface Driver {
  settle(r: ReturnType<typeof record>): Promise<void>
  end(): Promise<void>
}

function pgDriver(url: string): Driver {
  const c = new pg.Client({ connectionString: url })
  const ready = c.connect()
  const q = async (name: string, text: string, values: unknown[]): Promise<pg.QueryResult> => c.query({ name, text, values })
  return {
    async settle(r) {
      await ready
      await c.query('BEGIN')
      try {
        if ((await q('lock', LOCK, [r.psn])).rowCount === 0) { await q('new', NEW_PERSON, [r.psn]); await q('lock', LOCK, [r.psn]) }
        const prior = await q('msgid', BY_MSGID, [r.row[2]])
        if (prior.rowCount !== 0) throw new Error('msgid seen')
        const seq = Number((await q('seq', NEXT_SEQ, [])).rows[0].seq)
        const row = r.row.slice()
        row[COL.seq] = seq; row[COL.setl_id] = 'S' + String(seq).padStart(12, '0'); row[COL.recorded_at] = new Date().toISOString()
        await q('ins', INSERT_SETTLEMENT_SQL, row)
        await q('lines', LINES, [row[COL.setl_id], r.lines])
        await q('accum', ADD_ACCUM_SQL, [r.psn, 2026, ...r.accum])
        await q('bump', BUMP, [r.psn, seq])
        await c.query('COMMIT')
      } catch (e) {
        await c.query('ROLLBACK')
        throw e
      }
    },
    end: () => c.end(),
  }
}

function postgresDriver(url: string): Driver {
  const sql = postgres(url, { max: 1, prepare: true, onnotice: () => {} })

  return {
    async settle(r) {
      await sql.begin(async (tx) => {
        const t = (text: string, values: unknown[]): postgres.PendingQuery<postgres.Row[]> => tx.unsafe(text, values as postgres.ParameterOrJSON<never>[], { prepare: true })
        if ((await t(LOCK, [r.psn])).length === 0) { await t(NEW_PERSON, [r.psn]); await t(LOCK, [r.psn]) }
        const prior = await t(BY_MSGID, [r.row[2]])
        if (prior.length !== 0) throw new Error('msgid seen')
        const seq = Number((await t(NEXT_SEQ, []))[0]!['seq'])
        const row = r.row.slice()
        row[COL.seq] = seq; row[COL.setl_id] = 'S' + String(seq).padStart(12, '0'); row[COL.recorded_at] = new Date().toISOString()
        await t(INSERT_SETTLEMENT_SQL, row)
        await t(LINES, [row[COL.setl_id], r.lines])
        await t(ADD_ACCUM_SQL, [r.psn, 2026, ...r.accum])
        await t(BUMP, [r.psn, seq])
      })
    },
    end: () => sql.end(),
  }

}

const cpuPerTx: Record<string, number> = {}

async function run(name: string, make: (url: string) => Driver, url: string, clients: number, n: number): Promise<number> {
  const drivers = Array.from({ length: clients }, () => make(url))
  // persons overlap across connections (n / 4 persons for n claims): the row lock is exercised
  const recs = Array.from({ length: n }, (_, i) => record(i, Math.max(1, n >> 2)))
  // warm-up: connect and prepare
  await Promise.all(drivers.map((d, k) => d.settle(record(n + k, 1 << 30))))
  let next = 0
  const t0 = process.hrtime.bigint()
  const cpu0 = process.cpuUsage()
  await Promise.all(drivers.map(async (d) => {
    for (let i = next++; i < n; i = next++) await d.settle(recs[i]!)
  }))
  const s = Number(process.hrtime.bigint() - t0) / 1e9
  const cpu = process.cpuUsage(cpu0)
  await Promise.all(drivers.map((d) => d.end()))
  const perS = n / s
  // the driver's own cost, little changed by the machine's load: this process's CPU time per transaction
  const cpuUs = (cpu.user + cpu.system) / n
  console.log(`${name.padEnd(9)} clients ${clients}: ${n} tx in ${s.toFixed(2)} s = ${perS.toFixed(0)} tx/s, client CPU ${cpuUs.toFixed(0)} µs/tx`)
  cpuPerTx[`${name} ${clients}`] = Math.min(cpuPerTx[`${name} ${clients}`] ?? Infinity, cpuUs)
  return perS
}

async function main(): Promise<void> {
  const base = process.argv[2]
  if (!base) throw new Error('usage: pg-drivers.js postgres://… [n]')
  const n = Number(process.argv[3] ?? 2000)
  const name = `dipsettle_drivers_${randomBytes(4).toString('hex')}`
  const admin = new pg.Client({ connectionString: base })
  await admin.connect()
  await admin.query(`CREATE DATABASE ${name}`)
  const u = new URL(base); u.pathname = '/' + name
  const url = u.toString()
  try {
    const c = new pg.Client({ connectionString: url })
    await c.connect()
    await c.query(SCHEMA_TABLE_SQL)
    await c.query(MIGRATIONS.get(1)!)
    await c.end()
    const figures: Record<string, number> = {}
    // alternate the drivers, twice each, so that a load change on the machine hits both
    for (const round of [1, 2]) {
      for (const clients of [1, 4]) {
        for (const [dn, make] of [['pg', pgDriver], ['postgres', postgresDriver]] as const) {
          const k = `${dn} ${clients}`
          figures[k] = Math.max(figures[k] ?? 0, await run(dn, make, url, clients, n))
        }
      }
      void round
    }
    for (const clients of [1, 4]) {
      const f = (d: string): number => figures[`${d} ${clients}`]!
      const c = (d: string): number => cpuPerTx[`${d} ${clients}`]!
      console.log(`best of 2, ${clients} client(s): pg ${f('pg').toFixed(0)} tx/s (${c('pg').toFixed(0)} µs CPU/tx), ` +
        `postgres ${f('postgres').toFixed(0)} tx/s (${c('postgres').toFixed(0)} µs CPU/tx); postgres/pg throughput ${(f('postgres') / f('pg')).toFixed(2)}`)
    }
  } finally {
    await admin.query(`DROP DATABASE ${name} WITH (FORCE)`)
    await admin.end()
  }
}

await main()
