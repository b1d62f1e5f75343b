-- items.published was written on every upsert and never read: the
-- publication date is in data (veille.Item.Published), and the index, not
-- the store, answers queries by date. Numbered 0009 to leave room for the
-- migrations being written beside it (versions only need to increase).
-- SQLite rewrites the table once to drop the column.
ALTER TABLE items DROP COLUMN published;
