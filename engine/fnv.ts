// FNV-1a, 32 bits, over a string's UTF-16 code units: a cheap hash that is the same in every run and thread (demo
// values per catalogue code; the pool's lane of a person).
export function fnv1a32(s: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return h >>> 0
}
