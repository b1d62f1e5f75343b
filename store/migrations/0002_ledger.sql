-- The delivery ledger: every digest and alert message is claimed here
-- before it is sent and marked after, so that a crash or a restart neither
-- loses a message nor sends it twice. The unique key is the promise.
CREATE TABLE deliveries (
    id           INTEGER PRIMARY KEY,
    kind         TEXT NOT NULL,            -- digest | alert
    ref          TEXT NOT NULL,            -- the digest's or the alert's id
    period       TEXT NOT NULL,            -- digest: period key (2026-W48); alert: item id or crawl batch key
    recipient    TEXT NOT NULL,            -- mail address, or webhook URL
    channel      TEXT NOT NULL,            -- email | webhook
    message_id   TEXT NOT NULL,            -- deterministic: a resend carries the same one
    subject      TEXT NOT NULL DEFAULT '',
    item_ids     TEXT NOT NULL,            -- JSON array, frozen when claimed
    status       TEXT NOT NULL,            -- pending | sent | failed | skipped
    attempts     INTEGER NOT NULL DEFAULT 0,
    last_error   TEXT NOT NULL DEFAULT '',
    claimed_at   TEXT NOT NULL,            -- UTC, fixed-width RFC 3339 like items
    last_attempt TEXT,
    next_attempt TEXT,
    sent_at      TEXT,
    UNIQUE (kind, ref, period, recipient)
);
CREATE INDEX deliveries_pending ON deliveries (status, next_attempt);
CREATE INDEX deliveries_claimed ON deliveries (claimed_at);

-- One row per (alert, recipient, item): an item is alerted once to a
-- recipient, whether alone or in a crawl's batch.
CREATE TABLE delivery_items (
    kind        TEXT NOT NULL,
    ref         TEXT NOT NULL,
    recipient   TEXT NOT NULL,
    item_id     TEXT NOT NULL,
    delivery_id INTEGER NOT NULL REFERENCES deliveries (id) ON DELETE CASCADE,
    PRIMARY KEY (kind, ref, recipient, item_id)
) WITHOUT ROWID;

-- Named instants that only move forward: where each alert rule starts
-- (so a new rule never floods), when each digest was first scheduled.
CREATE TABLE watermarks (
    name       TEXT PRIMARY KEY,
    at         TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- Each digest as first built for a period (JSON): every recipient, and a
-- resend after a crash, gets the same content; the archive pages show it.
CREATE TABLE digest_archive (
    digest   TEXT NOT NULL,
    period   TEXT NOT NULL,
    built_at TEXT NOT NULL,
    data     TEXT NOT NULL,
    PRIMARY KEY (digest, period)
) WITHOUT ROWID;
