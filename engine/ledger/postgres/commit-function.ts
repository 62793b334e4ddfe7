// The commit of the PostgreSQL ledger as one server-side function, so that a commit costs one round trip instead of
// one per statement (issue 15): dipsettle_commit(records jsonb), created by migration 6 (schema.ts), called by
// commit.ts in one statement (its own transaction: autocommit). Its rules are commit.ts's (port.ts commit, reverse):
//
//   the seq watermark, shared (watermark.ts) → the records' persons created at version 0 when new, then locked
//   (FOR UPDATE, in psn_no order: never a global lock) → per record, in order:
//     msgid seen → 'prior' with the stored body hash and answer (outcome.ts priorOutcome decides replay or conflict,
//     in TS: the one emitter of E_MSGID_CONFLICT), whatever the version;
//     a reversal (`reverses` set): the settlement reversed already → 'reversed' with the reversal's setl_id;
//     a settlement: msgid-only, or the person's version moved, or the records it absorbed were not the ones appended
//     just before it in this commit → 'stale'; the visit has a live settlement → 'visit_settled' with its setl_id;
//   else the row (seq from settlement_seq, setl_id 'S' + 12 digits, the answer's "setl_id":"" filled in as
//   codec.ts withSetlId does), its line set, its accumulator delta (a visitor's to their insuring region's totals,
//   cross-region.ts) → 'settled' with its setl_id → the persons' new versions.
// One row per record comes back, in the records' order: (outcome, setl, prior_hash, prior_json, prior_lines).
//
// A record (commit.ts commitArgument): { psn, msgid, only?, version?, absorbed?, mdtrt?, reverses?, row?, lines?,
// accum?, region? } — `row` keyed by the codec's SETTLEMENT_COLUMNS (codec.ts: the one description of a row; the
// column list below is generated from it, as the accumulator fields from ACCUM_FIELDS). A later migration that adds
// a column to settlements or the accumulators re-creates this function (CREATE OR REPLACE, with that build's text).
import { SETTLEMENT_COLUMNS } from '../codec.js'
import { ACCUM_FIELDS } from '../schema.js'
import { LIVE } from './statements.js'
import { WATERMARK } from './watermark.js'

const cols = SETTLEMENT_COLUMNS.join(', ')
const accumCols = ACCUM_FIELDS.join(', ')
const accumOf = ACCUM_FIELDS.map((f) => `a.${f}`).join(', ')
const addTo = (table: string): string => ACCUM_FIELDS.map((f) => `${f} = ${table}.${f} + excluded.${f}`).join(', ')

/** Migration 6: the commit function. */
export const COMMIT_FUNCTION_SQL = `
CREATE OR REPLACE FUNCTION dipsettle_commit(records jsonb)
RETURNS TABLE (outcome text, setl text, prior_hash text, prior_json text, prior_lines text)
LANGUAGE plpgsql AS $fn$
DECLARE
  _persons text[];
  _versions jsonb := '{}';
  _chains jsonb := '{}';
  _changed text[] := '{}';
  _rec jsonb;
  _psn text;
  _msgid text;
  _v bigint;
  _chain jsonb;
  _current boolean;
  _seq bigint;
  _sid text;
  _row jsonb;
  _head text;
  _at int;
  _year int;
BEGIN
  PERFORM pg_advisory_xact_lock_shared(${WATERMARK});
  SELECT array_agg(DISTINCT e->>'psn') INTO _persons FROM jsonb_array_elements(records) e;
  INSERT INTO ledger_persons (psn_no, version) SELECT p, 0 FROM unnest(_persons) p ORDER BY p ON CONFLICT (psn_no) DO NOTHING;
  FOR _psn, _v IN SELECT l.psn_no, l.version FROM ledger_persons l WHERE l.psn_no = ANY(_persons) ORDER BY l.psn_no FOR UPDATE LOOP
    _versions := _versions || jsonb_build_object(_psn, _v);
  END LOOP;
  IF (SELECT count(*) FROM jsonb_object_keys(_versions)) <> cardinality(_persons) THEN
    RAISE EXCEPTION 'dipsettle_commit: locked % of % persons', (SELECT count(*) FROM jsonb_object_keys(_versions)), cardinality(_persons);
  END IF;

  FOR _rec IN SELECT x.e FROM jsonb_array_elements(records) WITH ORDINALITY AS x(e, i) ORDER BY x.i LOOP
    outcome := NULL; setl := NULL; prior_hash := NULL; prior_json := NULL; prior_lines := NULL;
    _psn := _rec->>'psn';
    _msgid := _rec->>'msgid';
    IF _msgid <> '' OR (_rec ? 'reverses') THEN
      SELECT s.body_hash, s.result_json, ls.lines INTO prior_hash, prior_json, prior_lines
        FROM settlements s LEFT JOIN settlement_line_sets ls ON ls.setl_id = s.setl_id WHERE s.msgid = _msgid;
      IF FOUND THEN outcome := 'prior'; RETURN NEXT; CONTINUE; END IF;
    END IF;
    _v := (_versions->>_psn)::bigint;
    IF _v IS NULL THEN RAISE EXCEPTION 'dipsettle_commit: person % was not locked', _psn; END IF;
    _chain := NULL;
    IF _rec ? 'reverses' THEN
      SELECT r.setl_id INTO setl FROM settlements r WHERE r.reverses = _rec->>'reverses';
      IF FOUND THEN outcome := 'reversed'; RETURN NEXT; CONTINUE; END IF;
    ELSE
      IF (_rec->>'only')::boolean THEN outcome := 'stale'; RETURN NEXT; CONTINUE; END IF;
      _chain := _chains->_psn;
      IF (_rec->>'absorbed')::int = 0 THEN
        _current := _v = (_rec->>'version')::bigint;
      ELSE
        _current := _chain IS NOT NULL AND (_chain->>0)::bigint = (_rec->>'version')::bigint
          AND (_chain->>1)::int = (_rec->>'absorbed')::int AND (_chain->>2)::bigint = _v;
      END IF;
      IF _current IS NOT TRUE THEN outcome := 'stale'; RETURN NEXT; CONTINUE; END IF;
      SELECT s.setl_id INTO setl FROM settlements s WHERE s.psn_no = _psn AND s.mdtrt_id = _rec->>'mdtrt' AND ${LIVE} LIMIT 1;
      IF FOUND THEN outcome := 'visit_settled'; RETURN NEXT; CONTINUE; END IF;
    END IF;

    _seq := nextval('settlement_seq');
    _sid := 'S' || lpad(_seq::text, greatest(12, length(_seq::text)), '0');
    _row := _rec->'row';
    _head := _row->>'result_json';
    _at := position('"setl_id":""' IN _head);
    IF _at > 0 THEN _head := overlay(_head PLACING '"setl_id":"' || _sid || '"' FROM _at FOR 12); END IF;
    INSERT INTO settlements (${cols})
      SELECT ${cols} FROM jsonb_populate_record(NULL::settlements,
        _row || jsonb_build_object('seq', _seq, 'setl_id', _sid, 'result_json', _head));
    IF _rec->>'lines' IS NOT NULL THEN
      INSERT INTO settlement_line_sets (setl_id, lines) VALUES (_sid, _rec->>'lines');
    END IF;
    _year := (_row->>'year')::int;
    IF _rec->>'region' IS NOT NULL THEN
      INSERT INTO cross_region_settlements (setl_id, insuplc_admdvs) VALUES (_sid, _rec->>'region');
      INSERT INTO cross_region_accumulators (insuplc_admdvs, psn_no, year, ${accumCols})
        SELECT _rec->>'region', _psn, _year, ${accumOf} FROM jsonb_populate_record(NULL::accumulators, _rec->'accum') a
        ON CONFLICT (psn_no, insuplc_admdvs, year) DO UPDATE SET ${addTo('cross_region_accumulators')};
    ELSE
      INSERT INTO accumulators (psn_no, year, ${accumCols})
        SELECT _psn, _year, ${accumOf} FROM jsonb_populate_record(NULL::accumulators, _rec->'accum') a
        ON CONFLICT (psn_no, year) DO UPDATE SET ${addTo('accumulators')};
    END IF;
    _versions := jsonb_set(_versions, ARRAY[_psn], to_jsonb(_seq));
    _changed := _changed || _psn;
    IF NOT (_rec ? 'reverses') THEN
      _chains := jsonb_set(_chains, ARRAY[_psn], CASE WHEN _chain IS NULL
        THEN jsonb_build_array((_rec->>'version')::bigint, 1, _seq)
        ELSE jsonb_build_array(_chain->0, (_chain->>1)::int + 1, _seq) END);
    END IF;
    outcome := 'settled'; setl := _sid; RETURN NEXT;
  END LOOP;

  IF cardinality(_changed) > 0 THEN
    UPDATE ledger_persons p SET version = (_versions->>p.psn_no)::bigint WHERE p.psn_no = ANY(_changed);
  END IF;
END $fn$;
`

/** The one statement of a commit: $1 the records (jsonb array), one outcome row per record, in order. */
export const COMMIT_SQL = 'SELECT outcome, setl, prior_hash, prior_json, prior_lines FROM dipsettle_commit($1::jsonb)'
