import { describe, expect, it } from 'vitest'
import { Buffer } from 'node:buffer'
import { fnv1a32 } from '../../engine/fnv.js'
import { LineSplitter, routedPsnNo, scannedMsgid } from '../../engine/pool/lines.js'

function split(chunks: string[]): string[] {
  const out: string[] = []
  const s = new LineSplitter((l) => out.push(l.toString('utf8')))
  for (const c of chunks) s.push(Buffer.from(c))
  s.end()
  return out
}

describe('line splitting on the main thread', () => {
  it('cuts LF and CRLF lines, carries a line across chunks, skips blank lines and keeps a last line without newline', () => {
    expect(split(['{"a":1}\r\n  \n{"b"', ':2}\n\n{"c":3}'])).toEqual(['{"a":1}', '{"b":2}', '{"c":3}'])
  })
  it('carries a line over several chunks, and a CRLF cut between chunks', () => {
    expect(split(['{"a"', ':', '1}\r', '\n{"b":2}\n'])).toEqual(['{"a":1}', '{"b":2}'])
    expect(split(['{"a":1}', '\n', '  ', '\n', '{"c":3}\n'])).toEqual(['{"a":1}', '{"c":3}'])
  })
  it('gives the same lines however the bytes are cut into chunks', () => {
    const text = '{"a":1}\n{"b":"é"}\r\n\n  \n{"c":[1,2]}\n{"d":4}'
    const bytes = Buffer.from(text)
    for (let size = 1; size <= bytes.length; size++) {
      const out: string[] = []
      const s = new LineSplitter((l) => out.push(l.toString('utf8')))
      for (let i = 0; i < bytes.length; i += size) s.push(bytes.subarray(i, i + size))
      s.end()
      expect(out, `chunks of ${size} bytes`).toEqual(['{"a":1}', '{"b":"é"}', '{"c":[1,2]}', '{"d":4}'])
    }
  })
})

describe('routing a line to its person without parsing JSON', () => {
  it('finds psn_no with spaces around the colon and ignores the word psn_no as a value', () => {
    const line = Buffer.from('{"note":"psn_no","psn_no" :  "P0007","msgid":"H1"}')
    expect(routedPsnNo(line)).toBe('P0007')
    expect(scannedMsgid(line)).toBe('H1')
  })
  it('decodes escapes so that the router and JSON.parse see the same person', () => {
    const line = Buffer.from('{"psn_no":"P\\u00300"}')
    expect(routedPsnNo(line)).toBe(JSON.parse(line.toString()).psn_no)
  })
  it('answers the empty person when there is no string psn_no (the worker rejects such a line anyway)', () => {
    expect(routedPsnNo(Buffer.from('{"psn_no":12}'))).toBe('')
    expect(routedPsnNo(Buffer.from('not json'))).toBe('')
  })
  it('hashes a person the same way every time (lanes are stable across runs)', () => {
    // FNV-1a 32-bit of "a" is 0xe40c292c
    expect(fnv1a32('a')).toBe(0xe40c292c)
  })
})
