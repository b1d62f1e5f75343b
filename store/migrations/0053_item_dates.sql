-- The dates the items set (REFS.md: entry into force, application,
-- deadline, end of consultation), one row per item, kind and day, with
-- what a calendar entry shows of the item. The calendar and the digests'
-- deadlines read a window of days here in date order: the index can only
-- give the items of a window in its own order and a whole stored document
-- each, and a calendar of a thousand dates at a million items cost about a
-- second on a cold cache. Lists are comma-joined as in item_selection; refs
-- is a JSON array of {kind, id, rel} of the item's first 20 references,
-- the occurrences' words left out, and refs_total how many it has: each of
-- an item's dates has its row, and a text citing thousands of references
-- must not be copied once per date.
CREATE TABLE item_dates (
    date        TEXT NOT NULL,
    kind        TEXT NOT NULL,
    id          TEXT NOT NULL,
    text        TEXT NOT NULL,
    title       TEXT NOT NULL,
    published   TEXT,
    domains     TEXT NOT NULL,
    competences TEXT NOT NULL,
    act         TEXT,
    refs        TEXT,
    refs_total  INTEGER NOT NULL,
    PRIMARY KEY (date, kind, id)
) WITHOUT ROWID;
INSERT OR IGNORE INTO item_dates (date, kind, id, text, title, published, domains, competences, act, refs, refs_total)
    SELECT d.value ->> '$.date', d.value ->> '$.kind', items.id,
        COALESCE(d.value ->> '$.text', ''),
        COALESCE(items.data ->> '$.title', ''),
        CASE WHEN items.data ->> '$.published' IS NULL OR items.data ->> '$.published' LIKE '0001-01-01T%' THEN NULL
             ELSE items.data ->> '$.published' END,
        COALESCE((SELECT group_concat(value, ',') FROM json_each(items.data, '$.domains')), ''),
        COALESCE((SELECT group_concat(value, ',') FROM json_each(items.data, '$.competences')), ''),
        items.data -> '$.act',
        (SELECT json_group_array(json_object('kind', r.value ->> '$.kind', 'id', r.value ->> '$.id',
                'rel', COALESCE(r.value ->> '$.rel', '')))
            FROM json_each(items.data, '$.refs') AS r WHERE r.key < 20),
        COALESCE(json_array_length(items.data, '$.refs'), 0)
    FROM items, json_each(items.data, '$.dates') AS d
    WHERE d.value ->> '$.date' IS NOT NULL AND d.value ->> '$.kind' IS NOT NULL;
