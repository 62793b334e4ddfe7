// The Chinese a hospital's settlement office reads in place of the engine's codes (issue #20 item 15): group kinds,
// deviation bands, monitoring flags, 特例单议 outcomes, pools and run states. A code without a label is shown as is.

const KIND: Readonly<Record<string, string>> = {
  core: '核心病种', composite: '综合病种', primary: '基层病种', per_diem: '床日病种', ungroupable: '未入组',
}

/** SPEC §5 deviation bands: c < low × a, c > high × a, c > review × a. */
const DEVIATION: Readonly<Record<string, string>> = {
  normal: '正常', low: '低倍率 (费用偏低)', high: '高倍率 (费用偏高)', review: '超高倍率 (特例单议候选)',
}

const FLAG: Readonly<Record<string, string>> = {
  F_READMISSION: '短期再入院 (疑似分解住院)',
  F_LOW_STANDARD_ADMISSION: '低标准入院',
  F_LONG_STAY: '住院天数过长',
  F_REVIEW_CANDIDATE: '特例单议候选',
  F_UNGROUPABLE: '未入组',
}

const SPECIAL: Readonly<Record<string, string>> = {
  approved: '评议通过 (按费用付分)', rejected: '评议未通过', pending: '待专家评议', over_quota: '超出申报名额',
}

const RATIO_SOURCE: Readonly<Record<string, string>> = {
  actual: '当月实际报销比例 (DIP 病例 统筹基金支付 ÷ 医疗总费用, 冲正已抵减)',
  policy: '政策规定比例 (month_end.reimbursement_ratio)',
}

const LEVEL: Readonly<Record<number, string>> = { 1: '一级', 2: '二级', 3: '三级' }

const of = (table: Readonly<Record<string, string>>) => (code: string | null | undefined): string =>
  code == null ? '' : table[code] ?? code

export const kindLabel = of(KIND)
export const deviationLabel = (band: string | null | undefined): string => of(DEVIATION)(band ?? 'normal')
export const flagLabel = of(FLAG)
export const specialCaseLabel = of(SPECIAL)
export const ratioSourceLabel = (s: string | null | undefined): string => (s == null ? '来源未注明' : of(RATIO_SOURCE)(s))
export const DEVIATION_BANDS = ['normal', 'low', 'high', 'review'] as const

export function poolLabel(pool: string): string {
  return pool === '310' ? '职工医保 310' : pool === '390' ? '居民医保 390' : pool
}

export function statusLabel(status: string): string {
  return status === 'closed' ? '已结算 (月结已关闭)' : status === 'draft' ? '草稿 (未关闭, 可重算)' : status
}

export function levelLabel(level: number | null): string {
  return level === null ? '-' : LEVEL[level] ?? String(level)
}

/** The ungroupable row of the group table (feedback.ts keys it `(ungroupable)`). */
export function groupCodeLabel(code: string | null): string {
  return code === null || code === '(ungroupable)' ? '未入组' : code
}
