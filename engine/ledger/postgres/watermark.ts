// The seq watermark lock ('dips' 'seqw' as two int4): every appending transaction holds it shared from its start to
// its COMMIT (the commit function takes it first, ledger copy's transaction at BEGIN); ledgerSeq takes it exclusively
// for one read. settlement_seq hands out seqs in nextval order, not commit order, so without it a reader could see
// seq 8 committed while seq 7 is still in flight, and a month-end run bounded by uptoSeq = 8 (reports-port.ts) — and
// the next run's carry after 8 — would never see row 7.
export const WATERMARK = '1684631667, 1936028023'
