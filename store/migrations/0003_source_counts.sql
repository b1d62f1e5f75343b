-- Per-source counts are kept as counters updated in each upsert's
-- transaction, instead of a row per (item, source): that table and its two
-- indexes were keyed by random item ids, and every new item dirtied a page
-- of each, which made a large crawl's commits grow with the record. The
-- items_published index served no query. Items keep their Sources in data.
CREATE TABLE source_counts (
    source TEXT PRIMARY KEY,
    items  INTEGER NOT NULL   -- items whose Sources include source
) WITHOUT ROWID;
INSERT INTO source_counts (source, items)
    SELECT source, COUNT(*) FROM item_sources GROUP BY source;
DROP TABLE item_sources;
DROP INDEX items_published;
