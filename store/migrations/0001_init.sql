-- farmgate buffer, schema 1. Rows are kept small (an SD card holds millions of readings):
-- a reading refers to its point by a small integer, and 0/1 values cost no bytes on disk.

-- Counters that must survive restarts ('dropped': unsent readings dropped by max_size).
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO meta (key, value) VALUES ('dropped', 0);

-- One row per (point id, unit, bool-ness): a unit changed by a config reload is a new row.
CREATE TABLE points (
  id      INTEGER PRIMARY KEY,
  name    TEXT NOT NULL,
  unit    TEXT NOT NULL,
  boolean INTEGER NOT NULL,
  UNIQUE (name, unit, boolean)
);

-- seq: AUTOINCREMENT so a seq is never given twice, not even after the newest rows were
-- deleted. value is NULL exactly for quality 'error'. quality: 0 good, 1 bad, 2 error.
-- sent: 0 until the broker acknowledged the reading, then 1 (kept for keep_sent, for replay).
CREATE TABLE readings (
  seq     INTEGER PRIMARY KEY AUTOINCREMENT,
  point   INTEGER NOT NULL REFERENCES points (id),
  ts_ms   INTEGER NOT NULL,
  value   REAL,
  quality INTEGER NOT NULL,
  error   TEXT,
  sent    INTEGER NOT NULL DEFAULT 0
);
-- The outbox: unsent readings in seq order (count, oldest, paging, dropping the oldest).
CREATE INDEX readings_unsent ON readings (seq) WHERE sent = 0;
-- Replay by time, and pruning/dropping sent readings by age without touching unsent ones.
CREATE INDEX readings_by_sent_ts ON readings (sent, ts_ms);

-- Events are deleted once acknowledged; the table holds the unsent ones only.
CREATE TABLE events (
  seq    INTEGER PRIMARY KEY AUTOINCREMENT,
  ts_ms  INTEGER NOT NULL,
  type   TEXT NOT NULL,
  fields TEXT NOT NULL
);
