-- items.published was written on every upsert and never read: the
-- publication date is in data (veille.Item.Published), and the index, not
-- the store, answers queries by date. Numbered 0040, above every number in
-- use or in flight, so that a database already at a later version still
-- gets it (versions only need to increase).
-- SQLite rewrites the table once to drop the column.
ALTER TABLE items DROP COLUMN published;
