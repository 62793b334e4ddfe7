// The demo region generator: hospitals.csv, persons.csv, catalogue.csv and policy.json of a synthetic region modelled
// on Inner Mongolia (seed 000: one region-level pool; seed 001: 医共体, 中蒙医, 甲类 items > 200 yuan; seed 004: 脱贫人口).
// Deterministic: a seeded mulberry32 PRNG, no clock, no Map-order surprises — the same seed writes the same bytes.
//   npx tsx grouper-data/generate-demo.ts [--seed N] [--out DIR]
// The real code lists and DIP catalogue (diagnoses.csv, procedures.csv, dip-groups.csv) are not generated: they are
// copied once by grouper-data/import-reference.ts.
import { closeSync, copyFileSync, mkdirSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { toCsv } from './csv-file.js'
import { DEMO_SOURCES_DIR, fromRoot } from '../engine/paths.js'
import { Prng } from '../engine/demo/prng.js'

export const DEFAULT_SEED = 20260101
/** The policy the demo region ships with (copied to <out>/policy.json). */
export const DEMO_POLICY_FILE = fromRoot('grouper-data', 'policies', 'demo', '2026-01-01.json')
/**
 * 异地就医 (SPEC §13): the neighbouring region whose insured visit the demo region, and its policy (copied to
 * <out>/other-regions/<admdvs>.json); its admdvs is the policy's own.
 */
export const NEIGHBOUR_POLICY_FILE = fromRoot('grouper-data', 'policies', 'neighbour', '2026-01-01.json')
/** Visitors insured in the neighbouring region, appended to persons.csv as V000000001 … */
export const DEMO_VISITORS = 300


/** The demo claims' Prng (the same mulberry32 stream) with the draws the region generator adds. */
class Rng extends Prng {
  chance(p: number): boolean { return this.next() < p }
  /** A value in [lo, hi] with 2 decimals. */
  money(lo: number, hi: number): string { return (Math.round((lo + this.next() * (hi - lo)) * 100) / 100).toFixed(2) }
  weighted<T>(items: readonly (readonly [T, number])[]): T {
    const total = items.reduce((s, [, w]) => s + w, 0)
    let x = this.next() * total
    for (const [v, w] of items) { x -= w; if (x < 0) return v }
    return (items[items.length - 1] as readonly [T, number])[0]
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Geography: cities (盟市) with their urban districts and counties/banners (旗县), GB/T 2260 codes.

interface Area { readonly code: string; readonly name: string }
interface City {
  readonly name: string
  /** Insured population weight (millions, roughly the 7th census). */
  readonly weight: number
  readonly districts: readonly Area[]
  readonly counties: readonly Area[]
}

export const DEMO_CITIES: readonly City[] = [
  { name: '呼和浩特', weight: 3.5,
    districts: [{ code: '150102', name: '新城区' }, { code: '150103', name: '回民区' }, { code: '150104', name: '玉泉区' }, { code: '150105', name: '赛罕区' }],
    counties: [{ code: '150121', name: '土默特左旗' }, { code: '150122', name: '托克托县' }, { code: '150123', name: '和林格尔县' }, { code: '150124', name: '清水河县' }, { code: '150125', name: '武川县' }] },
  { name: '包头', weight: 2.7,
    districts: [{ code: '150202', name: '东河区' }, { code: '150203', name: '昆都仑区' }, { code: '150204', name: '青山区' }, { code: '150207', name: '九原区' }],
    counties: [{ code: '150221', name: '土默特右旗' }, { code: '150222', name: '固阳县' }, { code: '150223', name: '达尔罕茂明安联合旗' }] },
  { name: '赤峰', weight: 4.0,
    districts: [{ code: '150402', name: '红山区' }, { code: '150403', name: '元宝山区' }, { code: '150404', name: '松山区' }],
    counties: [{ code: '150421', name: '阿鲁科尔沁旗' }, { code: '150422', name: '巴林左旗' }, { code: '150423', name: '巴林右旗' }, { code: '150424', name: '林西县' }, { code: '150425', name: '克什克腾旗' }, { code: '150426', name: '翁牛特旗' }, { code: '150428', name: '喀喇沁旗' }, { code: '150429', name: '宁城县' }, { code: '150430', name: '敖汉旗' }] },
  { name: '通辽', weight: 2.9,
    districts: [{ code: '150502', name: '科尔沁区' }],
    counties: [{ code: '150521', name: '科尔沁左翼中旗' }, { code: '150522', name: '科尔沁左翼后旗' }, { code: '150523', name: '开鲁县' }, { code: '150524', name: '库伦旗' }, { code: '150525', name: '奈曼旗' }, { code: '150526', name: '扎鲁特旗' }] },
  { name: '鄂尔多斯', weight: 2.2,
    districts: [{ code: '150602', name: '东胜区' }, { code: '150603', name: '康巴什区' }],
    counties: [{ code: '150621', name: '达拉特旗' }, { code: '150622', name: '准格尔旗' }, { code: '150623', name: '鄂托克前旗' }, { code: '150624', name: '鄂托克旗' }, { code: '150625', name: '杭锦旗' }, { code: '150626', name: '乌审旗' }, { code: '150627', name: '伊金霍洛旗' }] },
  { name: '呼伦贝尔', weight: 2.2,
    districts: [{ code: '150702', name: '海拉尔区' }],
    counties: [{ code: '150721', name: '阿荣旗' }, { code: '150722', name: '莫力达瓦达斡尔族自治旗' }, { code: '150723', name: '鄂伦春自治旗' }] },
  { name: '巴彦淖尔', weight: 1.5,
    districts: [{ code: '150802', name: '临河区' }],
    counties: [{ code: '150821', name: '五原县' }, { code: '150822', name: '磴口县' }, { code: '150823', name: '乌拉特前旗' }] },
  { name: '乌兰察布', weight: 1.7,
    districts: [{ code: '150902', name: '集宁区' }],
    counties: [{ code: '150921', name: '卓资县' }, { code: '150922', name: '化德县' }, { code: '150923', name: '商都县' }] },
]

const TOWNS = ['城关', '新华', '红旗', '先锋', '团结', '永丰', '太平', '兴隆', '和平', '富民', '金山', '白音', '乌兰', '巴彦',
  '宝力格', '哈达', '朝阳', '前进', '丰收', '东升', '西湖', '北沙', '南营', '五一']

// ---------------------------------------------------------------------------------------------------------------
// Hospitals. Code = `H` + the district/county code (6) + a 5-digit serial within it (12 chars, national shape).
// Each county is one 医共体 (alliance_id `YGT<county code>`): the county hospital (level 2) is the one lead, the
// township health centres (level 1) are members. Each county also has a 中蒙医 hospital (tcm=1, level 2) outside the
// alliance; each city has a level-3 蒙医中医医院 (tcm=1). dip_coefficient is given per hospital by level (level 3
// 1.00–1.10, level 2 0.85–0.95, level 1 0.70–0.80): the builder does not derive it (that needs case history).

const HOSPITAL_COLUMNS = ['fixmedins_code', 'name', 'city', 'level', 'alliance_id', 'alliance_lead', 'dip_coefficient', 'tcm']

function coefficient(rng: Rng, level: number): string {
  const [lo, hi] = level === 3 ? [1.0, 1.1] : level === 2 ? [0.85, 0.95] : [0.7, 0.8]
  return rng.money(lo, hi)
}

export function generateHospitals(rng: Rng): string[][] {
  const rows: string[][] = []
  const serial = new Map<string, number>()
  const code = (area: string): string => {
    const n = (serial.get(area) ?? 0) + 1
    serial.set(area, n)
    return `H${area}${String(n).padStart(5, '0')}`
  }
  const add = (area: string, name: string, city: string, level: number, alliance = '', lead = 0, tcm = 0): void => {
    rows.push([code(area), name, city, String(level), alliance, String(lead), coefficient(rng, level), String(tcm)])
  }
  for (const city of DEMO_CITIES) {
    const [main, second] = [city.districts[0] as Area, (city.districts[1] ?? city.districts[0]) as Area]
    add(main.code, `${city.name}市中心医院`, city.name, 3)
    add(main.code, `${city.name}市第一人民医院`, city.name, 3)
    add(second.code, `${city.name}市蒙医中医医院`, city.name, 3, '', 0, 1)
    if (city.weight >= 2.5) add(second.code, `${city.name}医学院附属医院`, city.name, 3)
    for (const d of city.districts) {
      add(d.code, `${city.name}市${d.name}医院`, city.name, 2)
      const centres = rng.int(1, 3)
      for (let i = 0; i < centres; i++) {
        add(d.code, `${city.name}市${d.name}${TOWNS[(i * 7 + d.code.charCodeAt(5)) % TOWNS.length]}社区卫生服务中心`, city.name, 1)
      }
    }
    for (const c of city.counties) {
      const alliance = `YGT${c.code}`
      const banner = c.name.endsWith('旗')
      add(c.code, `${c.name}人民医院`, city.name, 2, alliance, 1)
      add(c.code, banner ? `${c.name}蒙医医院` : `${c.name}中医医院`, city.name, 2, '', 0, 1)
      const towns = rng.int(3, 6)
      const start = rng.int(0, TOWNS.length - 1)
      for (let i = 0; i < towns; i++) {
        const town = TOWNS[(start + i) % TOWNS.length] as string
        add(c.code, `${c.name}${town}${banner && i % 2 === 1 ? '苏木' : '镇'}卫生院`, city.name, 1, alliance, 0)
      }
    }
  }
  return rows
}

// ---------------------------------------------------------------------------------------------------------------
// Persons: ~35 % 职工 (310) of whom ~30 % retired, ~65 % 居民 (390); 脱贫/低收入 (poverty) mostly among residents;
// 医疗救助 (assistance) mostly among the poverty population. acct_balance_yuan: 职工 personal account at the start of
// the year (seed 001: 个人账户), empty for residents.

const PERSON_COLUMNS = ['psn_no', 'insutype', 'psn_kind', 'poverty', 'assistance', 'city', 'acct_balance_yuan', 'insuplc_admdvs',
  'contribution_base_yuan', 'contract_fixmedins']
const PERSON_HEADER_CHARS = toCsv(PERSON_COLUMNS, []).length

export function generatePersons(rng: Rng, count: number): string[][] {
  return [...personRows(rng, count)]
}

/** The persons.csv rows one at a time (the same rows generatePersons returns, for files too big to hold). */
function* personRows(rng: Rng, count: number): Generator<string[]> {
  const cities = DEMO_CITIES.map((c) => [c.name, c.weight] as const)
  for (let i = 1; i <= count; i++) {
    const city = rng.weighted(cities)
    const employee = rng.chance(0.35)
    const kind = employee ? (rng.chance(0.3) ? 'retired' : 'in_service') : 'resident'
    const poverty = rng.chance(employee ? 0.005 : 0.055)
    const assistance = poverty ? rng.chance(0.7) : rng.chance(0.004)
    const balance = !employee ? '' : kind === 'retired' ? rng.money(0, 12000) : rng.money(0, 8000)
    yield [`P${String(i).padStart(9, '0')}`, employee ? '310' : '390', kind, poverty ? '1' : '0', assistance ? '1' : '0',
      city, balance, '']
  }
}

/**
 * A province's persons.csv of `count` persons written to `file` as it is generated (tens of millions never held
 * whole; `each` sees every row): the demo's rows for the same seed, without the demo's visitors and without the
 * SPEC §15 columns (no contribution base, no 签约), which need the region's hospitals and a stream of their own.
 */
export function writePersonsCsv(file: string, count: number, seed: number = DEFAULT_SEED, each?: (row: readonly string[]) => void): void {
  const fd = openSync(file, 'w')
  try {
    let buf = toCsv(PERSON_COLUMNS, [])
    for (const row of personRows(new Rng(seed ^ 0x2222), count)) {
      each?.(row)
      buf += toCsv(PERSON_COLUMNS, [[...row, '', '']]).slice(PERSON_HEADER_CHARS)
      if (buf.length >= 1 << 20) { writeSync(fd, buf); buf = '' }
    }
    writeSync(fd, buf)
  } finally {
    closeSync(fd)
  }
}

/** Persons insured in the region `admdvs` who live and are treated here (异地就医 备案): V000000001 … */
export function generateVisitors(rng: Rng, count: number, admdvs: string): string[][] {
  const cities = DEMO_CITIES.map((c) => [c.name, c.weight] as const)
  const rows: string[][] = []
  for (let i = 1; i <= count; i++) {
    const city = rng.weighted(cities)
    const employee = rng.chance(0.5)
    const kind = employee ? (rng.chance(0.4) ? 'retired' : 'in_service') : 'resident'
    rows.push([`V${String(i).padStart(9, '0')}`, employee ? '310' : '390', kind, '0', '0', city, '', admdvs])
  }
  return rows
}

// SPEC §15 columns, from a stream of their own (the columns above keep their values): contribution_base_yuan for
// 职工 in service (缴费基数 3,000–15,000 yuan a month: the personal account's 2 % credit); contract_fixmedins: about a
// third of the persons signed (签约) with a level-1 institution of their city (per-capita payment).
export function addPersonExtras(rng: Rng, persons: string[][], hospitals: readonly string[][]): void {
  const primaryByCity = new Map<string, string[]>()
  for (const h of hospitals) {
    if (h[3] !== '1') continue
    const list = primaryByCity.get(h[2] as string) ?? []
    list.push(h[0] as string)
    primaryByCity.set(h[2] as string, list)
  }
  for (const p of persons) {
    const base = p[2] === 'in_service' ? rng.money(3000, 15000) : ''
    const primaries = primaryByCity.get(p[5] as string) ?? []
    const contract = primaries.length > 0 && rng.chance(0.35) ? primaries[Math.floor(rng.next() * primaries.length)] as string : ''
    p.push(base, contract)
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The service catalogue (医保目录). Codes look like the national ones: 西药 `X` + ATC (7) + form letter + 3-digit serial;
// 中成药 `Z…`; 蒙药/民族药 `M…`; 诊疗项目 `T` + 9 digits; 医用耗材 `C` + 13 digits. Extra columns beyond SPEC §9:
// `vbp` (集采 0/1) and `price_yuan` (a typical unit price, for demo claims; the engine uses the claim's price).

const CATALOGUE_COLUMNS = ['code', 'name', 'list_type', 'chrgitm_lv', 'price_cap_yuan', 'selfpay_prop', 'min_hosp_lv',
  'dx_prefix', 'vbp', 'price_yuan', 'pre_vbp_price_yuan']

/**
 * 集采 items' unit price before 集采 (seed 001: the saving is kept by the hospital), from a stream of its own so the
 * other columns keep their values: 集采 cut prices by half to four fifths, so the pre-集采 price is 2–5 × the 集采 one.
 */
export function addPreVbpPrices(rng: Rng, catalogue: string[][]): void {
  for (const c of catalogue) {
    const price = Number(c[9])
    const pre = c[8] === '1' && c[9] !== '' ? (Math.round(price * (2 + 3 * rng.next()) * 100) / 100).toFixed(2) : ''
    c.push(pre)
  }
}

/** Stable, documented codes for tests (they exist with exactly these attributes whatever the seed). */
export const DEMO_STABLE_CODES = {
  /** 甲类 西药, 0.50 yuan. */
  jiaDrug: 'XB01AC06A001',
  /** 乙类 西药 with selfpay_prop 0.05. */
  yiDrugProp5: 'XA02BC01A001',
  /** 丙类 (全自费) drug. */
  bingDrug: 'XA11JA00A901',
  /** 乙类 consumable with price cap 80 yuan (typical price 100), selfpay_prop 0.2. */
  cappedConsumable: 'C0301000100001',
  /** 甲类 诊疗项目 priced 260 yuan (> 200: fully in scope, seed 001). */
  jiaItemAbove200: 'T210300001',
  /** 甲类 诊疗项目 priced 80 yuan. */
  jiaItemBelow200: 'T210200001',
  /** 乙类 西药 restricted to hospital level ≥ 2. */
  level2Drug: 'XJ01DH51A001',
  /** 乙类 西药 restricted to main diagnosis prefix E11 (2型糖尿病). */
  dxRestrictedDrug: 'XA10AE04A001',
  /** 蒙药 (list_type 103), 乙类. */
  mongolianDrug: 'MZB0001A001',
} as const

const STABLE_ROWS: readonly (readonly string[])[] = [
  ['XB01AC06A001', '阿司匹林肠溶片', '101', '01', '', '', '', '', '1', '0.50'],
  ['XA02BC01A001', '奥美拉唑肠溶胶囊', '101', '02', '', '0.05', '', '', '1', '4.52'],
  ['XA11JA00A901', '复合维生素营养补充片', '101', '03', '', '', '', '', '0', '30.00'],
  ['C0301000100001', '一次性使用静脉留置针', '301', '02', '80.00', '0.2', '', '', '0', '100.00'],
  ['T210300001', 'X线计算机体层(CT)平扫(64排及以上)', '201', '01', '', '', '', '', '0', '260.00'],
  ['T210200001', '数字化X线摄影(DR)', '201', '01', '', '', '', '', '0', '80.00'],
  ['XJ01DH51A001', '注射用亚胺培南西司他丁钠', '101', '02', '', '', '2', '', '0', '120.00'],
  ['XA10AE04A001', '甘精胰岛素注射液', '101', '02', '', '', '', 'E11', '1', '70.00'],
  ['MZB0001A001', '珍宝丸', '103', '02', '', '0.05', '', '', '0', '2.60'],
]

const WESTERN: readonly (readonly [string, string])[] = [
  ['A02BC01', '奥美拉唑'], ['A02BC02', '泮托拉唑'], ['A02BC03', '兰索拉唑'], ['A03FA01', '甲氧氯普胺'], ['A06AD11', '乳果糖'],
  ['A07AA02', '制霉素'], ['A10BA02', '二甲双胍'], ['A10BB12', '格列美脲'], ['A10AB05', '门冬胰岛素'], ['A10BH01', '西格列汀'],
  ['B01AA03', '华法林'], ['B01AB05', '依诺肝素'], ['B01AC04', '氯吡格雷'], ['B01AC24', '替格瑞洛'], ['B03AA07', '硫酸亚铁'],
  ['B05BB01', '氯化钠'], ['B05BA03', '葡萄糖'], ['C01DA02', '硝酸甘油'], ['C03CA01', '呋塞米'], ['C07AB02', '美托洛尔'],
  ['C08CA01', '氨氯地平'], ['C08CA05', '硝苯地平'], ['C09AA02', '依那普利'], ['C09CA01', '氯沙坦'], ['C09CA03', '缬沙坦'],
  ['C10AA05', '阿托伐他汀'], ['C10AA07', '瑞舒伐他汀'], ['D06AX09', '莫匹罗星'], ['G04CA02', '坦索罗辛'], ['H02AB04', '甲泼尼龙'],
  ['H02AB02', '地塞米松'], ['H03AA01', '左甲状腺素'], ['J01CA04', '阿莫西林'], ['J01CR02', '阿莫西林克拉维酸'],
  ['J01DC02', '头孢呋辛'], ['J01DD04', '头孢曲松'], ['J01DD01', '头孢噻肟'], ['J01FA10', '阿奇霉素'], ['J01MA12', '左氧氟沙星'],
  ['J01MA14', '莫西沙星'], ['J01XA01', '万古霉素'], ['J02AC01', '氟康唑'], ['J05AB01', '阿昔洛韦'], ['J05AH02', '奥司他韦'],
  ['L01BA01', '甲氨蝶呤'], ['L01XA02', '卡铂'], ['L01CD01', '紫杉醇'], ['L02BA01', '他莫昔芬'], ['M01AE01', '布洛芬'],
  ['M01AB05', '双氯芬酸'], ['M04AA01', '别嘌醇'], ['M05BA04', '阿仑膦酸'], ['N02BE01', '对乙酰氨基酚'], ['N02AX02', '曲马多'],
  ['N03AX09', '拉莫三嗪'], ['N03AG01', '丙戊酸'], ['N05AH03', '奥氮平'], ['N05AX08', '利培酮'], ['N05BA01', '地西泮'],
  ['N06AB06', '舍曲林'], ['N06DA02', '多奈哌齐'], ['R03AC02', '沙丁胺醇'], ['R03BA02', '布地奈德'], ['R05CB01', '乙酰半胱氨酸'],
  ['R06AE07', '西替利嗪'], ['S01AE01', '氧氟沙星'],
]
/** ATC prefix → a 3-char ICD-10 category the drug may be restricted to (限定支付范围). */
const DX_RESTRICTIONS: readonly (readonly [string, string])[] = [
  ['A10', 'E11'], ['L01', 'C34'], ['L02', 'C50'], ['B01AC24', 'I21'], ['N05A', 'F20'], ['N06D', 'G30'], ['M05', 'M81'],
  ['J05AH', 'J10'], ['R03', 'J44'],
]
const FORMS: readonly (readonly [string, string, number, number])[] = [
  // form letter, form name, price range (yuan per unit)
  ['A', '片', 0.1, 5], ['B', '胶囊', 0.2, 6], ['C', '缓释片', 0.5, 8], ['D', '分散片', 0.3, 5], ['E', '颗粒', 0.5, 6],
  ['F', '注射液', 2, 80], ['G', '注射用粉针', 5, 150], ['H', '口服溶液', 1, 20],
]
const STRENGTHS = ['0.1g', '0.125g', '0.25g', '0.5g', '5mg', '10mg', '20mg', '40mg', '1g', '2ml', '5ml', '10ml']

const CHINESE_PATENT = ['复方丹参滴丸', '连花清瘟胶囊', '血塞通软胶囊', '银杏叶片', '六味地黄丸', '安宫牛黄丸', '丹参注射液',
  '血栓通注射液', '参麦注射液', '通心络胶囊', '麝香保心丸', '藿香正气水', '板蓝根颗粒', '蒲地蓝消炎片', '金水宝胶囊',
  '百令胶囊', '云南白药胶囊', '脑心通胶囊', '稳心颗粒', '参松养心胶囊', '黄芪颗粒', '玉屏风颗粒', '小柴胡颗粒', '感冒清热颗粒',
  '双黄连口服液', '清开灵注射液', '疏血通注射液', '丹红注射液', '舒血宁注射液', '痰热清注射液']
const MONGOLIAN = ['扎冲十三味丸', '如意珍宝丸', '清心沉香八味丸', '那如三味丸', '额尔敦-乌日勒', '草果四味汤散', '阿那日五味散',
  '萨丽嘎日迪', '三子散', '暖宫七味丸', '德都红花七味丸', '吉祥安坤丸', '肉蔻五味丸', '风湿二十五味丸', '哈敦海鲁木勒-13',
  '七味广枣丸', '苏格木勒-3汤', '檀香清肺二十味丸', '五味清浊散', '嘎日迪-5']
const MONGOLIAN_FORMS = [['A', '丸'], ['B', '散'], ['C', '汤散'], ['D', '胶囊']] as const

/** 诊疗项目: chapter code (national 医疗服务价格项目规范), name, price range, class weights. */
const ITEMS: readonly (readonly [string, string, number, number])[] = [
  ['1101', '诊查费', 5, 50], ['1102', '护理费', 10, 60], ['1103', '床位费', 20, 120], ['1104', '会诊费', 30, 200],
  ['1201', '注射', 2, 20], ['1202', '换药', 10, 60], ['1203', '吸氧', 3, 30], ['1204', '雾化吸入', 5, 30],
  ['2101', 'X线透视', 10, 60], ['2102', 'X线摄影', 30, 150], ['2103', 'CT检查', 150, 600], ['2104', '磁共振检查', 300, 900],
  ['2201', '超声检查', 30, 300], ['2301', '核医学检查', 200, 1500], ['2401', '心电图', 10, 80], ['2501', '血常规检验', 10, 40],
  ['2502', '生化检验', 5, 120], ['2503', '免疫学检验', 20, 300], ['2504', '微生物检验', 20, 200], ['2701', '病理检查', 80, 600],
  ['3101', '神经系统诊疗', 30, 500], ['3102', '心脏介入诊疗', 500, 5000], ['3103', '内镜诊疗', 150, 1500],
  ['3104', '血液净化', 300, 600], ['3105', '重症监护', 200, 1500], ['3301', '手术(一类)', 200, 1000],
  ['3302', '手术(二类)', 800, 3000], ['3303', '手术(三类)', 2000, 8000], ['3304', '手术(四类)', 5000, 20000],
  ['3401', '康复治疗', 20, 200], ['3402', '物理治疗', 10, 100], ['4101', '蒙医治疗', 20, 200], ['4102', '中医针灸', 20, 150],
  ['4103', '蒙医灸疗', 20, 150], ['4104', '推拿', 30, 150], ['4201', '美容整形', 200, 5000],
]
const ITEM_VARIANTS = ['', '(加收)', '(儿童)', '(急诊)', '(床旁)', '(增强)', '(每次)', '(每部位)', '(复杂)', '(简单)']

const CONSUMABLES: readonly (readonly [string, string, number, number, boolean])[] = [
  // category code, name, price range, 集采
  ['0101', '一次性使用注射器', 0.5, 3, false], ['0102', '一次性使用输液器', 2, 10, false], ['0103', '医用敷料', 2, 60, false],
  ['0201', '导尿管', 10, 80, false], ['0202', '引流管', 20, 300, false], ['0301', '静脉留置针', 20, 120, true],
  ['0401', '医用缝线', 20, 300, false], ['0402', '吻合器', 1500, 8000, true], ['0501', '冠脉药物洗脱支架', 500, 1200, true],
  ['0502', '冠脉球囊', 200, 2000, true], ['0503', '心脏起搏器', 10000, 60000, false], ['0601', '人工髋关节', 5000, 15000, true],
  ['0602', '人工膝关节', 5000, 15000, true], ['0603', '骨科接骨板', 1000, 8000, true], ['0604', '脊柱内固定系统', 5000, 30000, true],
  ['0701', '人工晶体', 500, 5000, true], ['0801', '止血材料', 200, 2000, false], ['0901', '血液透析器', 80, 300, false],
  ['1001', '超声刀头', 2000, 6000, false], ['1101', '中心静脉导管', 200, 1500, false],
]

function drugClass(rng: Rng): string {
  return rng.weighted([['01', 40], ['02', 55], ['03', 5]] as const)
}

function yiProp(rng: Rng, lv: string): string {
  // 乙类 先行自付: some items name their own proportion, the rest take the policy default
  return lv === '02' && rng.chance(0.4) ? rng.pick(['0.05', '0.1', '0.15', '0.2', '0.3']) : ''
}

export function generateCatalogue(rng: Rng, diagnosisCategories: ReadonlySet<string> | null = null): string[][] {
  const rows: string[][] = STABLE_ROWS.map((r) => [...r])
  const used = new Set(rows.map((r) => r[0] as string))
  const push = (r: string[]): void => {
    if (used.has(r[0] as string)) return
    used.add(r[0] as string)
    rows.push(r)
  }
  // 西药 (101)
  for (const [atc, base] of WESTERN) {
    const restricted = DX_RESTRICTIONS.find(([p]) => atc.startsWith(p))
    const forms = FORMS.filter(() => rng.chance(0.7))
    for (const [letter, formName, lo, hi] of forms.length > 0 ? forms : [FORMS[0] as (typeof FORMS)[number]]) {
      const strengths = rng.int(1, 6)
      for (let s = 1; s <= strengths; s++) {
        const code = `X${atc}${letter}${String(s).padStart(3, '0')}`
        const lv = drugClass(rng)
        const price = Number(rng.money(lo, hi))
        const cap = rng.chance(0.15) ? (price * (0.8 + rng.next() * 0.4)).toFixed(2) : ''
        const minLv = rng.chance(0.06) ? (rng.chance(0.3) ? '3' : '2') : ''
        const dx = restricted && (diagnosisCategories === null || diagnosisCategories.has(restricted[1])) && rng.chance(0.6)
          ? restricted[1] : ''
        push([code, `${base}${formName}(${rng.pick(STRENGTHS)})`, '101', lv, cap, yiProp(rng, lv), minLv, dx,
          rng.chance(0.2) ? '1' : '0', price.toFixed(2)])
      }
    }
  }
  // 中成药 (102)
  CHINESE_PATENT.forEach((name, i) => {
    const variants = rng.int(2, 8)
    for (let v = 1; v <= variants; v++) {
      const lv = drugClass(rng)
      const injection = name.includes('注射液')
      const price = rng.money(injection ? 10 : 0.5, injection ? 120 : 30)
      push([`ZA${String(i + 1).padStart(2, '0')}BA${String(v).padStart(4, '0')}`, `${name}(规格${v})`, '102', lv, '',
        yiProp(rng, lv), injection && rng.chance(0.5) ? '2' : '', '', '0', price])
    }
  })
  // 蒙药 / 民族药 (103): seed 000 names 民族药 among the unified catalogues
  MONGOLIAN.forEach((name, i) => {
    for (const [letter, formName] of MONGOLIAN_FORMS.filter(() => rng.chance(0.6))) {
      const lv = rng.weighted([['01', 20], ['02', 75], ['03', 5]] as const)
      push([`MZB${String(i + 2).padStart(4, '0')}${letter}001`, `${name}(${formName})`, '103', lv, '', yiProp(rng, lv), '',
        '', '0', rng.money(0.5, 15)])
    }
  })
  // 诊疗项目 (201): serials per chapter; 甲类 mostly, including some priced above 200 yuan (seed 001)
  for (const [chapter, base, lo, hi] of ITEMS) {
    const count = rng.int(20, 60)
    for (let n = 1; n <= count; n++) {
      const cosmetic = base === '美容整形'
      const lv = cosmetic ? '03' : rng.weighted([['01', 60], ['02', 30], ['03', 10]] as const)
      const price = rng.money(lo, hi)
      const minLv = !cosmetic && hi >= 1000 && rng.chance(0.3) ? (rng.chance(0.5) ? '3' : '2') : ''
      push([`T${chapter}${String(n).padStart(5, '0')}`, `${base}${ITEM_VARIANTS[n % ITEM_VARIANTS.length]}${n}`, '201', lv,
        rng.chance(0.1) ? (Number(price) * 0.9).toFixed(2) : '', yiProp(rng, lv), minLv, '', '0', price])
    }
  }
  // 医用耗材 (301): mostly 乙类, caps common (最高限价), 集采 on the categories that have national procurement
  for (const [cat, base, lo, hi, vbp] of CONSUMABLES) {
    const count = rng.int(30, 60)
    for (let n = 1; n <= count; n++) {
      const lv = rng.weighted([['01', 10], ['02', 70], ['03', 20]] as const)
      const price = Number(rng.money(lo, hi))
      const cap = rng.chance(0.4) ? (price * (0.7 + rng.next() * 0.4)).toFixed(2) : ''
      push([`C${cat}${String(n).padStart(4, '0')}${String(rng.int(1, 9999)).padStart(4, '0')}0`, `${base}(型号${n})`, '301',
        lv, cap, yiProp(rng, lv), hi >= 5000 && rng.chance(0.5) ? '2' : '', '', vbp && rng.chance(0.7) ? '1' : '0',
        price.toFixed(2)])
    }
  }
  return rows
}

// ---------------------------------------------------------------------------------------------------------------

export interface GenerateOptions {
  readonly seed?: number
  readonly outDir?: string
  readonly persons?: number
  /** Copy the demo policy to <out>/policy.json (default true). */
  readonly copyPolicy?: boolean
}

/** Write hospitals.csv, persons.csv, catalogue.csv (and policy.json) of the demo region into outDir. */
export function generateDemo(opts: GenerateOptions = {}): { hospitals: number; persons: number; catalogue: number } {
  const seed = opts.seed ?? DEFAULT_SEED
  const outDir = opts.outDir ?? DEMO_SOURCES_DIR
  mkdirSync(outDir, { recursive: true })
  // independent streams so that changing one table's recipe does not reshuffle the others
  const hospitals = generateHospitals(new Rng(seed ^ 0x1111))
  const neighbour = JSON.parse(readFileSync(NEIGHBOUR_POLICY_FILE, 'utf8')) as { admdvs: string }
  const persons = [
    ...generatePersons(new Rng(seed ^ 0x2222), opts.persons ?? 100_000),
    ...generateVisitors(new Rng(seed ^ 0x4444), DEMO_VISITORS, neighbour.admdvs),
  ]
  const catalogue = generateCatalogue(new Rng(seed ^ 0x3333))
  addPersonExtras(new Rng(seed ^ 0x4444), persons, hospitals)
  addPreVbpPrices(new Rng(seed ^ 0x5555), catalogue)
  writeFileSync(join(outDir, 'hospitals.csv'), toCsv(HOSPITAL_COLUMNS, hospitals))
  writeFileSync(join(outDir, 'persons.csv'), toCsv(PERSON_COLUMNS, persons))
  writeFileSync(join(outDir, 'catalogue.csv'), toCsv(CATALOGUE_COLUMNS, catalogue))
  if (opts.copyPolicy ?? true) {
    copyFileSync(DEMO_POLICY_FILE, join(outDir, 'policy.json'))
    mkdirSync(join(outDir, 'other-regions'), { recursive: true })
    copyFileSync(NEIGHBOUR_POLICY_FILE, join(outDir, 'other-regions', `${neighbour.admdvs}.json`))
  }
  return { hospitals: hospitals.length, persons: persons.length, catalogue: catalogue.length }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { seed: { type: 'string' }, out: { type: 'string' }, persons: { type: 'string' } } })
  const seed = values.seed === undefined ? DEFAULT_SEED : Number(values.seed)
  if (!Number.isInteger(seed)) {
    process.stderr.write('usage: tsx grouper-data/generate-demo.ts [--seed N] [--out DIR] [--persons N]\n')
    process.exit(2)
  }
  const counts = generateDemo({
    seed, ...(values.out ? { outDir: values.out } : {}), ...(values.persons ? { persons: Number(values.persons) } : {}),
  })
  process.stderr.write(`demo region (seed ${seed}): ${counts.hospitals} hospitals, ${counts.persons} persons, ` +
    `${counts.catalogue} catalogue entries\n`)
}
