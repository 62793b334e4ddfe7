// The documented procedure-kind rule (grouper-data/procedure-kind.ts), one case per step.
import { describe, expect, it } from 'vitest'
import { deriveProcedureKind } from '../../grouper-data/procedure-kind.js'

describe('deriveProcedureKind', () => {
  it.each([
    ['44.1300x001', '胃镜检查', 'diagnostic', 'diagnostic-keyword'],
    ['88.4101', '脑动脉造影', 'diagnostic', 'diagnostic-keyword'],
    ['50.1100', '经皮肝活组织检查', 'diagnostic', 'diagnostic-keyword'],
    ['87.0300', '头部计算机轴向断层照相术', 'diagnostic', 'diagnostic-chapter'],
    ['92.2100', '表浅放射治疗', 'therapeutic', 'nonoperative-chapter'],
    ['96.0400', '气管内插管', 'therapeutic', 'nonoperative-chapter'],
    ['37.3401', '经导管心脏射频消融术', 'therapeutic', 'therapeutic-keyword'],
    ['32.4100', '胸腔镜下肺叶切除术', 'surgery', 'surgery-keyword'],
    ['01.2400x013', '硬脑膜外血肿清除术', 'surgery', 'operative-chapter'],
    ['00.0100', '头和颈部血管治疗性超声', 'therapeutic', 'default'],
  ] as const)('%s %s → %s (%s)', (code, name, kind, rule) => {
    expect(deriveProcedureKind(code, name)).toEqual({ kind, rule })
  })

  it('an open biopsy is an operation, not a diagnostic look', () => {
    expect(deriveProcedureKind('34.2400', '开放性胸膜活检')).toEqual({ kind: 'surgery', rule: 'operative-chapter' })
  })
})
