-- farmgate buffer, schema 2: the index of sent readings covers only sent rows.
-- readings_by_sent_ts (sent, ts_ms) held every row, so marking a reading sent moved its entry
-- (a delete and an insert in that b-tree) and every insert added one: marking a 500-reading
-- batch cost ~1 ms, most of a backlog drain's time (bench/bench_drain). A partial index on
-- ts_ms WHERE sent = 1 serves the same queries (pruning by keep_sent, dropping the oldest
-- sent first at max_size) with one insert per mark and nothing per new reading.
DROP INDEX readings_by_sent_ts;
CREATE INDEX readings_sent_by_ts ON readings (ts_ms) WHERE sent = 1;
