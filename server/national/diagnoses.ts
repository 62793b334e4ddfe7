// diseinfo[] (2401, 2402, 2203, 4101A) → the claim's diagnoses: which one is main, checked here so that the call that
// sends them is the one refused (not a later settlement).
import type { StayDiagnosis } from '../../engine/ledger/stays-port.js'
import type { Tables } from '../../engine/tables/types.js'
import { NationalRefusal, opt, req, type Field, type Obj } from './fields.js'

/** The national diseinfo line (inpatient: maindiag_flag marks the main one; outpatient: diag_srt_no 1 is main). */
export const DISEINFO: Field = {
  t: 'arr', req: true, min: 1, max: 64, of: {
    mdtrt_id: opt(30), psn_no: opt(30), diag_type: req.str(3), maindiag_flag: { t: 'str', of: ['0', '1'] },
    diag_srt_no: { t: 'num', int: true, min: 1, max: 999 }, diag_code: req.str(20), diag_name: opt(100),
    adm_cond: opt(500), adm_cond_type: opt(3), diag_dept: opt(50), dise_dor_no: opt(30), dise_dor_name: opt(50),
    diag_time: { t: 'time' }, vali_flag: opt(3),
  },
}

/**
 * The diagnoses of a checked diseinfo: main = maindiag_flag 1 (or, when no line carries the flag, diag_srt_no 1);
 * exactly one, and every code in the region's ICD-10 list.
 */
export function diagnosesOf(lines: readonly Obj[], path: string, tables: Tables): StayDiagnosis[] {
  const flagged = lines.some((l) => l['maindiag_flag'] !== undefined && l['maindiag_flag'] !== '')
  const out = lines.map((l, i) => {
    const code = String(l['diag_code']).toUpperCase()
    if (!tables.diagnoses.has(code)) throw new NationalRefusal(`${path}[${i}].diag_code`, `${path}[${i}].diag_code: 诊断代码 ${code} 不在医保版 ICD-10 中`)
    return { code, main: flagged ? l['maindiag_flag'] === '1' : l['diag_srt_no'] === 1 }
  })
  const mains = out.filter((d) => d.main).length
  if (mains !== 1) throw new NationalRefusal(`${path}`, `${path}: 须有且仅有一个主诊断 (maindiag_flag=1 或 diag_srt_no=1)，现有 ${mains} 个`)
  return out
}
