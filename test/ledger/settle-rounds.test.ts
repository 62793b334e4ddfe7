// The settlement core without a ledger (engine/ledger/settle-rounds.ts): the requests it makes of its driver — one
// read per person a round, the person's first msgid with the read and the others alone, one commit a round, a pause
// before every round after the first — and where it stops when its persons keep moving.
import { describe, expect, it } from 'vitest'
import { HistorySnapshot } from '../../engine/history.js'
import type { CommitOutcome } from '../../engine/ledger/outcome.js'
import { MAX_STALE_RETRIES, settleRounds, type SettleRequest, type SettleRounds } from '../../engine/ledger/settle-rounds.js'
import type { Policy } from '../../engine/policy/types.js'
import type { Tables } from '../../engine/tables/types.js'
import { fakeAdjudicate, mini } from './fixtures.js'

const ENV = { tables: {} as Tables, policy: {} as Policy, adjudicate: fakeAdjudicate }

/** Drive the rounds with an empty ledger whose commit answers `outcome(round)` for every record; the requests seen. */
function drive(rounds: SettleRounds, outcome: (round: number) => CommitOutcome): { requests: SettleRequest[]; answers: ReturnType<SettleRounds['next']> } {
  const requests: SettleRequest[] = []
  let round = 0
  let step = rounds.next(undefined)
  while (step.done !== true) {
    const req = step.value
    requests.push(req)
    if (req.kind === 'read') {
      round++
      step = rounds.next({
        histories: req.persons.map((p) => ({ history: new HistorySnapshot({ psnNo: p.psnNo, version: 0, years: new Map(), stays: [] }), prior: undefined })),
        priors: req.msgids.map(() => undefined),
      })
    } else if (req.kind === 'commit') step = rounds.next(req.records.map(() => outcome(round)))
    else step = rounds.next(undefined)
  }
  return { requests, answers: step }
}

describe('settleRounds', () => {
  it('reads each person once a round: the first claim\'s msgid with the read, a later claim\'s alone', () => {
    const a1 = { ...mini(1), psn_no: 'P1', msgid: 'm1' }
    const b1 = { ...mini(2), psn_no: 'P2', msgid: 'm2' }
    const a2 = { ...mini(3), psn_no: 'P1', msgid: 'm3' }
    let seq = 0
    const { requests, answers } = drive(settleRounds([a1, b1, a2].map((body) => ({ body, hash: `h-${body.msgid}` })), ENV), () => ({ status: 'settled', setlId: `S${++seq}` }))
    expect(requests.map((r) => r.kind)).toEqual(['read', 'commit'])
    const read = requests[0] as Extract<SettleRequest, { kind: 'read' }>
    expect(read.persons.map((p) => [p.psnNo, p.msgid])).toEqual([['P1', 'm1'], ['P2', 'm2']])
    expect(read.msgids).toEqual(['m3'])
    expect((requests[1] as Extract<SettleRequest, { kind: 'commit' }>).records.map((r) => r.msgid)).toEqual(['m1', 'm2', 'm3'])
    expect(answers.done === true && answers.value.map((a) => a.status)).toEqual(['settled', 'settled', 'settled'])
  })

  it('a body that is not an object is answered without a read or a commit', () => {
    const { requests, answers } = drive(settleRounds([{ body: [1], hash: null }], ENV), () => ({ status: 'stale' }))
    expect(requests).toEqual([{ kind: 'read', persons: [], msgids: [] }])
    expect(answers.done === true && answers.value[0]!.reasons?.map((r) => r.code)).toEqual(['E_BAD_JSON'])
  })

  it('a claim whose commit keeps answering stale is read again after a pause, and gives up with E_FAILED', () => {
    const { requests, answers } = drive(settleRounds([{ body: mini(1), hash: 'h' }], ENV), () => ({ status: 'stale' }))
    const kinds = requests.map((r) => r.kind)
    expect(kinds.filter((k) => k === 'read')).toHaveLength(MAX_STALE_RETRIES + 1)
    expect(kinds.filter((k) => k === 'commit')).toHaveLength(MAX_STALE_RETRIES + 1)
    // a pause before each round after the first, growing with the attempt
    expect(requests.filter((r) => r.kind === 'backoff').map((r) => (r as { attempt: number }).attempt)).toEqual([...Array(MAX_STALE_RETRIES).keys()])
    expect(answers.done === true && answers.value[0]!.reasons?.map((r) => r.code)).toEqual(['E_FAILED'])
  })

  it('only the stale claims of a round go to the next one', () => {
    const claims = [mini(1), { ...mini(2), psn_no: 'P9', msgid: 'other' }].map((body) => ({ body, hash: 'h' }))
    let commits = 0
    const { requests, answers } = drive(settleRounds(claims, ENV), (round) => (round === 1 && commits++ === 0 ? { status: 'stale' } : { status: 'settled', setlId: `S${round}` }))
    const second = requests.filter((r) => r.kind === 'commit')[1] as Extract<SettleRequest, { kind: 'commit' }>
    expect(second.records.map((r) => r.msgid)).toEqual([claims[0]!.body.msgid])
    expect(answers.done === true && answers.value.map((a) => a.setl_id)).toEqual(['S2', 'S1'])
  })
})
