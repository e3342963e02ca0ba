/**
 * Versioned schema migrations, applied in order and recorded in `schema_migrations`. A migration is
 * never edited once released; changes come as a new, higher version.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'initial: runs, events (hash chain), faults, samples, notes, approvals',
    sql: `
      CREATE TABLE runs (
        id TEXT PRIMARY KEY,
        scenario TEXT,
        title TEXT,
        env TEXT,
        commander TEXT,
        status TEXT NOT NULL,
        started_at TEXT NOT NULL,
        ended_at TEXT,
        meta TEXT NOT NULL DEFAULT '{}'
      );
      CREATE TABLE events (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        run_id TEXT,
        ts TEXT NOT NULL,
        mono_ms REAL NOT NULL,
        kind TEXT NOT NULL,
        actor TEXT,
        node TEXT,
        data TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL
      );
      CREATE INDEX events_run ON events(run_id, seq);
      CREATE INDEX events_kind ON events(kind);
      CREATE TABLE faults (
        id TEXT PRIMARY KEY,
        run_id TEXT NOT NULL,
        node TEXT NOT NULL,
        kind TEXT NOT NULL,
        params TEXT NOT NULL,
        state TEXT NOT NULL,
        one_shot INTEGER NOT NULL DEFAULT 0,
        revert_cmd TEXT,
        lease_ttl_s REAL,
        lease_expires_at TEXT,
        injected_at TEXT,
        reverted_at TEXT,
        detail TEXT
      );
      CREATE INDEX faults_run ON faults(run_id);
      CREATE INDEX faults_state ON faults(state);
      CREATE TABLE samples (
        run_id TEXT NOT NULL,
        probe_id TEXT NOT NULL,
        t_ms REAL NOT NULL,
        value REAL,
        healthy INTEGER NOT NULL,
        detail TEXT
      );
      CREATE INDEX samples_run_probe ON samples(run_id, probe_id, t_ms);
      CREATE TABLE notes (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        run_id TEXT NOT NULL,
        ts TEXT NOT NULL,
        role TEXT,
        author TEXT,
        text TEXT NOT NULL
      );
      CREATE TABLE approvals (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        run_id TEXT NOT NULL,
        step TEXT NOT NULL,
        approver TEXT NOT NULL,
        decision TEXT NOT NULL,
        reason TEXT,
        ts TEXT NOT NULL
      );
    `,
  },
  {
    version: 2,
    name: "sample rollups: per probe and 10 s bucket (audit/rollup.ts), and how far each probe is covered",
    sql: `
      CREATE TABLE sample_rollups (
        run_id TEXT NOT NULL,
        probe_id TEXT NOT NULL,
        series TEXT,
        bucket_ms REAL NOT NULL,
        n INTEGER NOT NULL,
        bad INTEGER NOT NULL,
        n_value INTEGER NOT NULL,
        v_min REAL,
        t_min REAL,
        v_max REAL,
        t_max REAL,
        v_sum REAL NOT NULL,
        first_t REAL NOT NULL,
        last_t REAL NOT NULL,
        hist BLOB
      );
      CREATE INDEX sample_rollups_run_probe ON sample_rollups(run_id, probe_id, bucket_ms);
      CREATE TABLE sample_rollup_marks (
        run_id TEXT NOT NULL,
        probe_id TEXT NOT NULL,
        covered_until REAL NOT NULL,
        series_count INTEGER NOT NULL,
        PRIMARY KEY (run_id, probe_id)
      );
    `,
  },
  {
    version: 3,
    name: 'authenticated audit: per-event HMAC and key id, row covers, database id, replayed journal records',
    sql: `
      ALTER TABLE events ADD COLUMN cover TEXT;
      ALTER TABLE events ADD COLUMN key_id TEXT;
      ALTER TABLE events ADD COLUMN mac TEXT;
      CREATE TABLE audit_meta (k TEXT PRIMARY KEY, v TEXT NOT NULL);
      INSERT INTO audit_meta (k, v) VALUES ('db_id', lower(hex(randomblob(16))));
      CREATE TABLE journal_replayed (id TEXT PRIMARY KEY, at TEXT NOT NULL);
    `,
  },
];

/**
 * The migration after which every event carries a MAC: applying it also MACs the events already
 * there and covers the rows already there with one event (store.ts authenticateExisting).
 */
export const AUTH_MIGRATION = 3;
