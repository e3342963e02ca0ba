/** Every SQL statement of the audit, by name (SQL never appears elsewhere, but for cover.ts's per-table reads). */
export const SQL = {
  lastEvent: 'SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1',
  runHead: 'SELECT seq, hash FROM events WHERE run_id = ? ORDER BY seq DESC LIMIT 1',
  insertEvent:
    'INSERT INTO events (seq, run_id, ts, mono_ms, kind, actor, node, data, prev_hash, hash, cover, key_id, mac) VALUES (@seq, @run_id, @ts, @mono_ms, @kind, @actor, @node, @data, @prev_hash, @hash, @cover, @key_id, @mac)',
  events:
    'SELECT * FROM events WHERE (@run_id IS NULL OR run_id = @run_id) AND (@kind IS NULL OR kind GLOB @kind) AND seq > @since ORDER BY seq LIMIT @lim',
  allEvents: 'SELECT * FROM events ORDER BY seq',
  insertRun:
    'INSERT INTO runs (id, scenario, title, env, commander, status, started_at, meta) VALUES (@id, @scenario, @title, @env, @commander, @status, @started_at, @meta)',
  endRun: 'UPDATE runs SET status = @status, ended_at = @ended_at WHERE id = @id',
  runs: 'SELECT id, scenario, title, status, started_at, ended_at, meta FROM runs ORDER BY started_at DESC',
  insertFault:
    'INSERT INTO faults (id, run_id, node, kind, params, state, one_shot, revert_cmd, lease_ttl_s) VALUES (@id, @run_id, @node, @kind, @params, @state, @one_shot, @revert_cmd, @lease_ttl_s)',
  getFault: 'SELECT * FROM faults WHERE id = ?',
  updateFault:
    'UPDATE faults SET state = @state, lease_expires_at = @lease_expires_at, injected_at = @injected_at, reverted_at = @reverted_at, detail = @detail WHERE id = @id',
  openFaults: "SELECT * FROM faults WHERE state IN ('intent', 'injecting', 'active', 'reverting', 'residue', 'unreachable') AND one_shot = 0 ORDER BY run_id, id",
  runFaults: 'SELECT * FROM faults WHERE run_id = ? ORDER BY id',
  insertSample: 'INSERT INTO samples (run_id, probe_id, t_ms, value, healthy, detail) VALUES (@run_id, @probe_id, @t_ms, @value, @healthy, @detail)',
  samplesForRun: 'SELECT probe_id, t_ms, value, healthy, detail FROM samples WHERE run_id = ? ORDER BY probe_id, t_ms',
  samplesForProbe: 'SELECT probe_id, t_ms, value, healthy, detail FROM samples WHERE run_id = ? AND probe_id = ? ORDER BY t_ms',
  sampleProbeIds: 'SELECT DISTINCT probe_id FROM samples WHERE run_id = ? ORDER BY probe_id',
  samplesBetween: "SELECT probe_id, t_ms, value, healthy, detail FROM samples WHERE run_id = ? AND probe_id = ? AND t_ms >= ? AND t_ms < ? ORDER BY t_ms",
  insertRollup:
    "INSERT INTO sample_rollups (run_id, probe_id, series, bucket_ms, n, bad, n_value, v_min, t_min, v_max, t_max, v_sum, first_t, last_t, hist) VALUES (@run_id, @probe_id, @series, @bucket_ms, @n, @bad, @n_value, @v_min, @t_min, @v_max, @t_max, @v_sum, @first_t, @last_t, @hist)",
  rollupsBetween:
    "SELECT series, bucket_ms, n, bad, n_value, v_min, t_min, v_max, t_max, v_sum, first_t, last_t, hist FROM sample_rollups WHERE run_id = ? AND probe_id = ? AND bucket_ms >= ? AND bucket_ms < ? ORDER BY bucket_ms",
  rollupMark: "SELECT covered_until, series_count FROM sample_rollup_marks WHERE run_id = ? AND probe_id = ?",
  putRollupMark:
    "INSERT INTO sample_rollup_marks (run_id, probe_id, covered_until, series_count) VALUES (?, ?, ?, ?) ON CONFLICT (run_id, probe_id) DO UPDATE SET covered_until = excluded.covered_until, series_count = excluded.series_count",
  insertNote: 'INSERT INTO notes (run_id, ts, role, author, text) VALUES (@run_id, @ts, @role, @author, @text)',
  insertApproval: 'INSERT INTO approvals (run_id, step, approver, decision, reason, ts) VALUES (@run_id, @step, @approver, @decision, @reason, @ts)',
  dbId: "SELECT v FROM audit_meta WHERE k = 'db_id'",
  journalReplayed: 'SELECT 1 FROM journal_replayed WHERE id = ?',
  markReplayed: 'INSERT INTO journal_replayed (id, at) VALUES (?, ?)',
} as const;
