-- The record of every item the watch has seen. The JSON in data is the whole
-- veille.Item; the other columns exist to be queried and indexed.
CREATE TABLE items (
    id          TEXT PRIMARY KEY,
    -- seq is bumped on every insert and real update; the search index keeps
    -- the last seq it has applied and catches up from there.
    seq         INTEGER NOT NULL UNIQUE,
    source      TEXT NOT NULL,
    first_seen  TEXT NOT NULL,  -- UTC, fixed-width RFC 3339 so text order is time order
    published   TEXT,           -- same format; NULL when the publisher gave no date
    fingerprint TEXT NOT NULL,  -- hash of data, to skip rewriting identical items
    data        TEXT NOT NULL
);
CREATE INDEX items_first_seen ON items (first_seen);
CREATE INDEX items_published ON items (published);

-- Every source that has seen an item (veille.Item.Sources), for per-source counts.
CREATE TABLE item_sources (
    item_id TEXT NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    source  TEXT NOT NULL,
    PRIMARY KEY (item_id, source)
) WITHOUT ROWID;
CREATE INDEX item_sources_source ON item_sources (source);

-- What the crawler remembers about a source between runs (veille.FetchState as JSON).
CREATE TABLE fetch_state (
    source     TEXT PRIMARY KEY,
    data       TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- Counters that must only grow, even if rows are deleted one day.
CREATE TABLE counters (
    name  TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);
INSERT INTO counters (name, value) VALUES ('item_seq', 0);
