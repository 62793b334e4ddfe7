// The national envelope's body, parsed strictly (BRIEF standards, SPEC §1): bytes that are not UTF-8, a key repeated
// in one object, or nesting deeper than 32 levels are refused naming where — JSON.parse would keep the last of two
// keys silently, so the envelope has its own small parser. Numbers and strings are read by JSON.parse on their own
// token text, so they mean exactly what they mean to JSON.parse.

export const MAX_DEPTH = 32

export class JsonRefusal extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'JsonRefusal'
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true })
const WS = /[ \t\n\r]*/y
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y
// a JSON string token: no raw control characters, escapes as JSON allows
// eslint-disable-next-line no-control-regex -- the control characters JSON forbids raw inside a string
const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y

/** Parse a request body; throws JsonRefusal with a Chinese message naming the byte offset or key. */
export function parseStrictJson(bytes: Uint8Array): unknown {
  let text: string
  try {
    text = utf8.decode(bytes)
  } catch {
    throw new JsonRefusal(`报文不是 UTF-8 编码 (第 ${firstBadUtf8(bytes)} 字节)`)
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1)
  let i = 0
  const ws = (): void => { WS.lastIndex = i; WS.exec(text); i = WS.lastIndex }
  const fail = (what: string): never => { throw new JsonRefusal(`报文不是合法的 JSON: 第 ${i} 个字符处${what}`) }
  const token = (re: RegExp): string | null => {
    re.lastIndex = i
    const m = re.exec(text)
    if (m === null) return null
    i = re.lastIndex
    return m[0]
  }
  const value = (depth: number, path: string): unknown => {
    if (depth > MAX_DEPTH) throw new JsonRefusal(`${path || '报文'} 嵌套超过 ${MAX_DEPTH} 层`)
    ws()
    const c = text[i]
    if (c === '{') {
      i++
      const out: Record<string, unknown> = {}
      const seen = new Set<string>()
      ws()
      if (text[i] === '}') { i++; return out }
      for (;;) {
        ws()
        const k = token(STRING)
        if (k === null) fail('应为字段名')
        const key = JSON.parse(k as string) as string
        const at = path === '' ? key : `${path}.${key}`
        if (seen.has(key)) throw new JsonRefusal(`字段 ${at} 重复出现`)
        seen.add(key)
        ws()
        if (text[i] !== ':') fail('应为冒号')
        i++
        // defineProperty: a "__proto__" key stays a key and never sets the prototype
        Object.defineProperty(out, key, { value: value(depth + 1, at), enumerable: true, writable: true, configurable: true })
        ws()
        if (text[i] === ',') { i++; continue }
        if (text[i] === '}') { i++; return out }
        fail('应为逗号或右花括号')
      }
    }
    if (c === '[') {
      i++
      const out: unknown[] = []
      ws()
      if (text[i] === ']') { i++; return out }
      for (;;) {
        out.push(value(depth + 1, `${path}[${out.length}]`))
        ws()
        if (text[i] === ',') { i++; continue }
        if (text[i] === ']') { i++; return out }
        fail('应为逗号或右方括号')
      }
    }
    if (c === '"') {
      const s = token(STRING)
      if (s === null) fail('字符串不合法')
      return JSON.parse(s as string) as string
    }
    for (const [lit, v] of [['true', true], ['false', false], ['null', null]] as const) {
      if (text.startsWith(lit, i)) { i += lit.length; return v }
    }
    const n = token(NUMBER)
    if (n === null) fail('应为 JSON 值')
    return JSON.parse(n as string) as number
  }
  const out = value(1, '')
  ws()
  if (i !== text.length) fail('报文结尾有多余内容')
  return out
}

/** Offset of the first byte that breaks UTF-8 (for the refusal's message): a linear scan of the sequences. */
function firstBadUtf8(b: Uint8Array): number {
  let i = 0
  while (i < b.length) {
    const c = b[i] as number
    const n = c < 0x80 ? 0 : c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : -1
    if (n < 0) return i
    for (let k = 1; k <= n; k++) {
      const d = b[i + k]
      if (d === undefined || (d & 0xc0) !== 0x80) return i
    }
    // overlong 3/4-byte forms, surrogates, above U+10FFFF
    const d1 = b[i + 1] as number
    if ((c === 0xe0 && d1 < 0xa0) || (c === 0xed && d1 > 0x9f) || (c === 0xf0 && d1 < 0x90) || (c === 0xf4 && d1 > 0x8f)) return i
    i += n + 1
  }
  return b.length
}
