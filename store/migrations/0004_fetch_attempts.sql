-- One row per fetch attempt, so a digest can say which sources were really
-- checked during its period: fetch_state keeps only the last attempt. The
-- primary key (at, source) is the only index, in time order: a crawl's
-- attempts append at the end of the table instead of dirtying one page per
-- source (BenchmarkSaveFetchStates1000: 13-33 ms with it, 106-122 ms keyed
-- (source, at), 35 ms without any record of attempts); a digest reads its
-- period as one range (a week of 1,000 sources in a year's record: 0.3 s),
-- pruning deletes from the start; saving the same state twice records one
-- attempt.
CREATE TABLE fetch_attempts (
    source TEXT NOT NULL,
    at     TEXT NOT NULL,              -- RFC 3339, fixed width, UTC
    ok     INTEGER NOT NULL,           -- 1 when the source answered (a 304 too)
    status INTEGER NOT NULL DEFAULT 0, -- HTTP status, 0 when there was none
    error  TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (at, source)
) WITHOUT ROWID;
-- The last attempt of each source already known is its first record.
INSERT OR IGNORE INTO fetch_attempts (source, at, ok, status, error)
    SELECT source,
           strftime('%Y-%m-%dT%H:%M:%f', json_extract(data, '$.last_attempt')) || '000000Z',
           CASE WHEN COALESCE(json_extract(data, '$.error'), '') = '' THEN 1 ELSE 0 END,
           COALESCE(json_extract(data, '$.http_status'), 0),
           COALESCE(json_extract(data, '$.error'), '')
    FROM fetch_state
    WHERE json_extract(data, '$.last_attempt') IS NOT NULL
      AND json_extract(data, '$.last_attempt') NOT LIKE '0001-01-01%';
