// An adjudicator thread of the HTTP service (server/adjudicators.ts): it takes real-time claim bodies as text, and
// does for each what the inline route does — parse, validate against the route's schema (the same Ajv set-up, so
// the same 400s), check the caller's hospital (403), then read the person's history, adjudicate, group, prepare the
// ledger row and serialise the answer. It writes nothing: the ledger writer thread appends what it prepares.
import { parentPort, workerData } from 'node:worker_threads'
import secureJson from 'secure-json-parse'
import { adjudicate } from '../engine/adjudicate/index.js'
import { bodyHash, faultAnswer, priorAnswer } from '../engine/ledger/settle.js'
import { openLedger, prepareRecord } from '../engine/ledger/sqlite.js'
import { loadPolicyFile } from '../engine/policy/validate.js'
import { rejectionToResult, type AdjudicationResult } from '../engine/result.js'
import { loadTables } from '../engine/tables/load.js'
import type { AdjudicationBatch, AdjudicationBatchReply, AdjudicationReply, AdjudicationRequest, AdjudicatorConfig } from './adjudicator-protocol.js'
import { serviceAjv } from './ajv.js'
import { HttpError, fromAjvError } from './errors.js'
import { Claim } from './schemas/claim.js'
import { foreignMsgid } from './claim-checks.js'

const config = workerData as AdjudicatorConfig
if (parentPort === null) throw new Error('adjudicator: run me as a worker thread (server/adjudicators.ts)')
const port = parentPort
const tables = loadTables(config.tablesFile)
const policy = config.policyFile !== null ? loadPolicyFile(config.policyFile) : tables.policy
const ledger = openLedger(config.ledgerFile)
const validate = serviceAjv().compile(Claim)

function error(id: number, e: HttpError): AdjudicationReply {
  return { id, kind: 'error', status: e.status, body: e.body() }
}

/** A final answer, or the route's error for it (SPEC §9: a msgid conflict is a 409, a fault a 500). */
function answer(id: number, r: AdjudicationResult): AdjudicationReply {
  if (r.status === 'rejected') {
    const c = r.reasons.find((x) => x.code === 'E_MSGID_CONFLICT')
    if (c) return error(id, new HttpError('E_MSGID_CONFLICT', 'msgid', c.message))
    if (r.reasons.some((x) => x.code === 'E_FAILED')) return error(id, new HttpError('E_INTERNAL'))
  }
  return { id, kind: 'answer', json: JSON.stringify(r), status: r.status, codes: r.reasons.map((x) => x.code) }
}

function adjudicateOne(q: AdjudicationRequest): AdjudicationReply {
  let body: unknown
  try {
    // as fastify's own JSON parser: a "__proto__" or "constructor.prototype" key is refused, not parsed
    body = secureJson.parse(q.body, undefined, { protoAction: 'error', constructorAction: 'error' })
  } catch {
    return error(q.id, new HttpError('E_BAD_JSON', '', 'the body is not a JSON object'))
  }
  if (!validate(body)) return error(q.id, fromAjvError(validate.errors![0]!))
  const claim = body
  // as requireHospital (plugins/auth.ts)
  if (q.hospital === null) return error(q.id, new HttpError('E_FORBIDDEN', 'fixmedins_code', 'claims are submitted with a hospital\'s credential'))
  if (claim.fixmedins_code !== q.hospital) {
    return error(q.id, new HttpError('E_FORBIDDEN', 'fixmedins_code', `fixmedins_code ${claim.fixmedins_code} is not the caller's hospital`))
  }
  if (claim.psn_no !== q.psnNo) {
    // the event loop queued the claim under another person (a repeated "psn_no" key): refused, as the pool does
    return error(q.id, new HttpError('E_FIELD_FORMAT', 'psn_no', 'psn_no must appear once, as a top-level string'))
  }
  const foreign = foreignMsgid(claim)
  if (foreign !== undefined) return answer(q.id, foreign)
  const hash = bodyHash(claim)
  const prior = ledger.lookupMsgid(claim.msgid)
  if (prior !== undefined) return answer(q.id, priorAnswer(prior, claim.msgid, hash))
  // the version before the history: a write to this person after it moves it, and the writer answers 'stale'
  const version = ledger.personVersion(claim.psn_no)
  let outcome
  try {
    outcome = adjudicate(claim, { tables, policy, history: ledger })
  } catch (e) {
    return answer(q.id, faultAnswer(claim.msgid, e))
  }
  if (outcome.status === 'rejected') return answer(q.id, rejectionToResult(outcome.msgid, outcome.reasons))
  const { result, ...record } = prepareRecord(outcome.settlement, hash)
  return { id: q.id, kind: 'record', record, version, json: JSON.stringify(result) }
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

