// An adjudicator thread of the HTTP service (server/adjudicators.ts): it takes real-time claim bodies as text, and
// does for each what the inline route does — parse, validate against the route's schema (the same Ajv set-up, so
// the same 400s), check the caller's hospital (403), then read the person's history, adjudicate, group, prepare the
// ledger row (engine/ledger/writer.ts readForAppend, as the inline path) and serialise the answer. It writes nothing: the ledger writer thread appends what it prepares.
import { parentPort, workerData } from 'node:worker_threads'
import { Buffer } from 'node:buffer'
import { parseStrictJson } from '../engine/strict-json.js'
import { refusal } from './plugins/body-parsers.js'
import { bodyHash } from '../engine/ledger/settle.js'
import { openLedger } from '../engine/ledger/sqlite.js'
import { readForAppend } from '../engine/ledger/writer.js'
import { PSN_NO_ONCE } from '../engine/pool/lines.js'
import { loadPolicyFile } from '../engine/policy/validate.js'
import type { AdjudicationResult } from '../engine/result.js'
import { loadTables } from '../engine/tables/load.js'
import type { AdjudicationBatch, AdjudicationBatchReply, AdjudicationReply, AdjudicationRequest, AdjudicatorConfig } from './adjudicator-protocol.js'
import { serviceAjv } from './ajv.js'
import { HttpError, fromAjvError } from './errors.js'
import { Claim } from './schemas/claim.js'
import { errorReply, foreignMsgid, replyOf } from './claim-checks.js'
import { hospitalRefusal } from './plugins/auth.js'

const config = workerData as AdjudicatorConfig
if (parentPort === null) throw new Error('adjudicator: run me as a worker thread (server/adjudicators.ts)')
const port = parentPort
const tables = loadTables(config.tablesFile)
const policy = config.policyFile !== null ? loadPolicyFile(config.policyFile) : tables.policy
const ledger = openLedger(config.ledgerFile)
const validate = serviceAjv().compile(Claim)

function error(id: number, e: HttpError): AdjudicationReply {
  return { id, ...errorReply(e) }
}

/** A final answer, or the route's error for it (SPEC §9: a msgid conflict is a 409, a fault a 500). */
function answer(id: number, r: AdjudicationResult): AdjudicationReply {
  return { id, ...replyOf(r) }
}

function adjudicateOne(q: AdjudicationRequest): AdjudicationReply {
  // as the inline route's parser (SPEC §1 strict input); the text was decoded from the bytes on the event loop
  const parsed = parseStrictJson(Buffer.from(q.body, 'utf8'))
  if (!parsed.ok) return error(q.id, refusal(parsed))
  const body = parsed.value
  if (!validate(body)) return error(q.id, fromAjvError(validate.errors![0]!))
  const claim = body
  const refused = hospitalRefusal(q.hospital, claim.fixmedins_code)
  if (refused !== undefined) return error(q.id, refused)
  if (claim.psn_no !== q.psnNo) {
    // the event loop queued the claim under another person (a repeated "psn_no" key): refused, as the pool does
    return error(q.id, new HttpError('E_FIELD_FORMAT', 'psn_no', PSN_NO_ONCE))
  }
  const foreign = foreignMsgid(claim)
  if (foreign !== undefined) return answer(q.id, foreign)
  const read = readForAppend(claim, { msgid: claim.msgid, psnNo: claim.psn_no, hash: bodyHash(claim) }, { tables, policy, ledger })
  if (read.kind === 'answer') return answer(q.id, read.result)
  return { id: q.id, kind: 'record', record: read.record, version: read.version, json: JSON.stringify(read.result) }
}

port.on('message', (batch: AdjudicationBatch) => {
  const replies = batch.requests.map((q) => {
    try {
      return adjudicateOne(q)
    } catch {
      // a storage fault reading the history: this claim's 500, the others go on
      return error(q.id, new HttpError('E_INTERNAL'))
    }
  })
  const out: AdjudicationBatchReply = { replies }
  port.postMessage(out)
})

