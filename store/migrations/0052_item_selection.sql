-- What a digest or an alert selects an item by, beside the item: its
-- first sight, publication date, sources and tags. A digest reads the
-- period's rows here and decodes only the items it lists; reading every
-- item's JSON (about 7 KB) took 48-65 s for a week in which a million
-- items were first seen (a new source brings its archive). Keyed by
-- first_seen then seq, the order digests list items in, so new rows are
-- appended. Lists are comma-joined (ids are [a-z0-9-]); published is NULL
-- when the publisher gave no date. Numbered 0052, above the numbers in
-- use or in flight. It replaces the index on items.first_seen, which only
-- served the same walk (EachItemFirstSeen now goes through this table), so
-- an upsert still writes one B-tree keyed by first sight, not two.
CREATE TABLE item_selection (
    first_seen  TEXT NOT NULL,
    seq         INTEGER NOT NULL,
    id          TEXT NOT NULL,
    published   TEXT,
    sources     TEXT NOT NULL,
    domains     TEXT NOT NULL,
    competences TEXT NOT NULL,
    PRIMARY KEY (first_seen, seq)
) WITHOUT ROWID;
INSERT INTO item_selection (first_seen, seq, id, published, sources, domains, competences)
    SELECT first_seen, seq, id,
        CASE WHEN data ->> '$.published' IS NULL OR data ->> '$.published' LIKE '0001-01-01T%' THEN NULL
             ELSE data ->> '$.published' END,
        COALESCE((SELECT group_concat(value, ',') FROM json_each(data, '$.sources')), source),
        COALESCE((SELECT group_concat(value, ',') FROM json_each(data, '$.domains')), ''),
        COALESCE((SELECT group_concat(value, ',') FROM json_each(data, '$.competences')), '')
    FROM items;
DROP INDEX IF EXISTS items_first_seen;
