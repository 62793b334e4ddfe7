// The durable floor of the HTTP benchmark (SPEC §9 `http_floor_rps`): the least any durable settlement can cost on
// this machine. A fastify route that parses the same claim, appends its bytes to a SQLite WAL table with
// `synchronous=FULL` — every request of one event-loop turn in one transaction (one group commit, one fsync) — and
// answers a body as large as a settlement answer. No validation, no adjudication, no history, no accumulators: what
// is left is HTTP, one JSON parse, one durable append and one answer's bytes. SQL here is the baseline itself, not
// dipsettle's ledger (which keeps its SQL inside engine/ledger/).
import Database from 'better-sqlite3'
import Fastify, { type FastifyInstance } from 'fastify'

export interface FloorOptions {
  readonly file: string
  /** The answer's size in bytes: a real settlement answer's for the same claims (bench/http.ts measures it). */
  readonly answerBytes: number
}

interface Waiting { readonly resolve: (v: string) => void; readonly reject: (e: unknown) => void; readonly msgid: string; readonly body: Buffer }

export function buildFloorApp(o: FloorOptions): { app: FastifyInstance; close: () => void } {
  const db = new Database(o.file)
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = FULL')
  db.exec('CREATE TABLE IF NOT EXISTS claims (seq INTEGER PRIMARY KEY, msgid TEXT NOT NULL, body BLOB NOT NULL)')
  const insert = db.prepare('INSERT INTO claims (msgid, body) VALUES (?, ?)')
  const appendAll = db.transaction((batch: readonly Waiting[]) => { for (const w of batch) insert.run(w.msgid, w.body) })
  // the answer: the claim's msgid and a pad bringing it to a settlement answer's size (built by concatenation, the
  // least an answer can cost)
  const head = '{"status":"recorded","msgid":'
  const pad = (msgid: string): string => 'x'.repeat(Math.max(0, o.answerBytes - head.length - JSON.stringify(msgid).length - 10))
  let queue: Waiting[] = []
  const commit = (): void => {
    const batch = queue
    queue = []
    try {
      appendAll(batch)
    } catch (e) {
      for (const w of batch) w.reject(e)
      return
    }
    for (const w of batch) w.resolve(`${head}${JSON.stringify(w.msgid)},"pad":"${pad(w.msgid)}"}`)
  }

  const app = Fastify({ bodyLimit: 1024 * 1024 })
  // the body's bytes are kept (they are what is appended) and parsed once
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_req, body, done) => {
    try {
      done(null, { bytes: body, json: JSON.parse((body as Buffer).toString('utf8')) as unknown })
    } catch (e) {
      // a body that is not JSON is the client's error, as on the settlement route
      done(Object.assign(e as Error, { statusCode: 400 }), undefined)
    }
  })
  app.post('/floor', async (req, reply) => {
    const { bytes, json } = req.body as { bytes: Buffer; json: { msgid?: unknown } }
    const msgid = typeof json.msgid === 'string' ? json.msgid : ''
    const text = await new Promise<string>((resolve, reject) => {
      if (queue.length === 0) setImmediate(commit)
      queue.push({ resolve, reject, msgid, body: bytes })
    })
    return reply.type('application/json').send(text)
  })
  return { app, close: () => db.close() }
}
