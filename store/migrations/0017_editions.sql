-- The commission's edition of an editorial digest (issue 17): one row per
-- digest and period, the items staff keep in their order with a note and a
-- heading each, and a history of who changed what. Numbered after the
-- issue, not after the last file, so that branches adding migrations at
-- the same time do not take the same number.
CREATE TABLE IF NOT EXISTS editions (
    digest       TEXT NOT NULL,
    period       TEXT NOT NULL,              -- ISO week key, 2026-W48
    version      INTEGER NOT NULL,           -- +1 at every change; a save names the version it read
    status       TEXT NOT NULL,              -- draft | approved | sent
    intro        TEXT NOT NULL DEFAULT '',
    intro_en     TEXT NOT NULL DEFAULT '',
    items        TEXT NOT NULL,              -- JSON [{id, title, note, note_en, heading}], in order
    removed      TEXT NOT NULL DEFAULT '[]', -- JSON [id]: staff took them out; they never come back on their own
    approved_by  TEXT NOT NULL DEFAULT '',
    approved_at  TEXT NOT NULL DEFAULT '',
    sent_at      TEXT NOT NULL DEFAULT '',
    discussed_on TEXT NOT NULL DEFAULT '',   -- YYYY-MM-DD of the meeting that discussed it
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    PRIMARY KEY (digest, period)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS edition_changes (
    id      INTEGER PRIMARY KEY,
    digest  TEXT NOT NULL,
    period  TEXT NOT NULL,
    version INTEGER NOT NULL, -- the version the change made
    who     TEXT NOT NULL,
    at      TEXT NOT NULL,
    what    TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS edition_changes_by_edition ON edition_changes (digest, period, id);
