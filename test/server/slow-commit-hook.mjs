// Test-only hook for the ledger writer thread (writer-protocol.ts testHookModule): each transaction waits 50 ms
// first, so that claims stay in flight long enough for a test to act while they are (shutdown with claims queued).
const sleeper = new Int32Array(new SharedArrayBuffer(4))

export default function slowCommit() {
  Atomics.wait(sleeper, 0, 0, 50)
}
