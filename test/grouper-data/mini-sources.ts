// A tiny hand-made sources directory (SPEC §9 layout) for builder tests: every file small enough to read at a glance,
// so that a test can break one cell and assert the exact `file:row:column` message. Row numbers count the header as 1.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DEMO_POLICY_FILE } from '../../grouper-data/generate-demo.js'

export const MINI_FILES = {
  'diagnoses.csv': [
    'code,name',
    'J18.900,肺炎', // row 2
    'J18.900x001,社区获得性肺炎', // row 3
    'E11.900,2型糖尿病不伴有并发症', // row 4
    'A46.x00,丹毒', // row 5
    'K80.100,胆囊结石伴有其他胆囊炎', // row 6
  ].join('\n') + '\n',
  'procedures.csv': [
    'code,name,kind',
    '88.4101,脑动脉造影,', // derived: diagnostic-keyword
    '33.2400x001,支气管镜检查,', // derived: diagnostic-keyword
    '51.2300,腹腔镜胆囊切除术,', // derived: surgery-keyword
    '99.1800,电解质注射,therapeutic', // given
    '36.0700,药物洗脱冠状动脉支架置入,', // derived surgery-keyword, overridden to therapeutic
  ].join('\n') + '\n',
  'procedure-kind-overrides.csv': 'code,kind\n36.0700,therapeutic\n',
  'catalogue.csv': [
    'code,name,list_type,chrgitm_lv,price_cap_yuan,selfpay_prop,min_hosp_lv,dx_prefix,vbp,price_yuan',
    'SD001,头孢呋辛酯片,101,01,,,,,1,1.20', // row 2
    'SD002,蒙药 珍宝丸,103,02,,0.05,,,0,4.52', // row 3
    'SC001,留置针,301,02,80,0.2,2,,0,100', // row 4
    'SD004,甘精胰岛素注射液,101,02,,,,e11,0,', // row 5
  ].join('\n') + '\n',
  'dip-groups.csv': [
    'group_code,kind,main_dx_code,main_op_code,other_op_codes,avg_cost_yuan,cases,avg_ipt_days,score',
    // 3296.196142 / 5718.153489 × 1000 = 576.444152
    'J18.9,core,J18.9,,,3296.196142,29626,7.765657,576.444152', // row 2
    'J18.9:33.2400x001,core,J18.9,33.2400X001,,7615.642328,98,9.775862,', // row 3: score computed
    'A46.x,core,A46.X,,,3223.141797,258,9.085938,563.66829', // row 4
    'K80.1:51.2300_88.4101,core,K80.1,51.2300,"88.4101",12000,40,8,', // row 5
    'E11:BSZL,composite,E11,,,3369.487595,100,7.9,', // row 6
  ].join('\n') + '\n',
  'hospitals.csv': [
    'fixmedins_code,name,city,level,alliance_id,alliance_lead,dip_coefficient,tcm',
    'H15020300001,金山镇卫生院,包头,1,GY01,0,0.75,0', // row 2
    'H15020300002,固阳县医院,包头,2,GY01,1,0.9,0', // row 3
    'H15020300003,包头市中心医院,包头,3,,0,1.05,1', // row 4
    'H15020300004,包头市社区卫生服务中心,包头,1,,0,,0', // row 5: coefficient defaults to 1
  ].join('\n') + '\n',
  'persons.csv': [
    'psn_no,insutype,psn_kind,poverty,assistance,city,acct_balance_yuan',
    'PB0001,390,resident,0,0,包头,', // row 2
    'PB0002,310,in_service,0,0,包头,1234.56', // row 3
    'PB0003,390,resident,1,1,包头,', // row 4
    'PB0004,310,retired,0,0,包头,0', // row 5
  ].join('\n') + '\n',
} as const

export type MiniFile = keyof typeof MINI_FILES | 'policy.json'

/** The demo policy trimmed to the mini catalogue's groups. */
export function miniPolicy(): Record<string, unknown> {
  const p = JSON.parse(readFileSync(DEMO_POLICY_FILE, 'utf8')) as { dip: Record<string, unknown> } & Record<string, unknown>
  p.region = 'mini'
  p.dip.tcm_groups = ['J18.9']
  p.dip.primary_groups = ['A46.x']
  p.dip.per_diem_points = {}
  return p
}

/**
 * Write the mini sources into a fresh temp dir, with some files replaced (a string) or removed (null); `policy` edits
 * a copy of the mini policy. Returns the directory.
 */
export function writeMiniSources(
  replace: Partial<Record<MiniFile, string | null>> = {},
  policy?: (p: Record<string, unknown>) => void,
): string {
  const root = join(tmpdir(), 'dipsettle-test')
  mkdirSync(root, { recursive: true })
  const dir = mkdtempSync(join(root, 'mini-'))
  for (const [name, text] of Object.entries(MINI_FILES)) {
    const r = replace[name as MiniFile]
    if (r === null) continue
    writeFileSync(join(dir, name), r ?? text)
  }
  if (replace['policy.json'] !== null) {
    if (replace['policy.json'] !== undefined) {
      writeFileSync(join(dir, 'policy.json'), replace['policy.json'])
    } else {
      const p = miniPolicy()
      policy?.(p)
      writeFileSync(join(dir, 'policy.json'), JSON.stringify(p, null, 2))
    }
  }
  return dir
}

/** Replace one line (1-based, header = 1) of a mini file. */
export function withLine(name: keyof typeof MINI_FILES, row: number, line: string): string {
  const lines = MINI_FILES[name].split('\n')
  lines[row - 1] = line
  return lines.join('\n')
}

/** Append lines to a mini file. */
export function withExtra(name: keyof typeof MINI_FILES, ...lines: string[]): string {
  return MINI_FILES[name] + lines.join('\n') + '\n'
}
