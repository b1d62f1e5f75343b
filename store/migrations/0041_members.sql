-- The members' space (members/): what people do there lives here, never in
-- feeds.yaml, which only says who they are.

-- One-time sign-in links: only the SHA-256 of the token is kept, so a copy
-- of the database signs nobody in.
CREATE TABLE signin_tokens (
    hash       TEXT PRIMARY KEY,
    email      TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at    TEXT
) WITHOUT ROWID;

-- Each sign-in request, by address and by client, for the rate limits.
CREATE TABLE signin_requests (
    key TEXT NOT NULL,  -- "mail:" + address or "client:" + client key
    at  TEXT NOT NULL
);
CREATE INDEX signin_requests_key ON signin_requests (key, at);

-- Sessions (alexedwards/scs data), keyed by the hash of the cookie's token.
-- email is the signed-in address, copied out of data so that a member's
-- sessions can be ended by address.
CREATE TABLE sessions (
    token  TEXT PRIMARY KEY,
    data   BLOB NOT NULL,
    expiry TEXT NOT NULL,
    email  TEXT NOT NULL DEFAULT ''
) WITHOUT ROWID;
CREATE INDEX sessions_expiry ON sessions (expiry);
CREATE INDEX sessions_email ON sessions (email);

-- The compliance register: one mark per member and item.
CREATE TABLE marks (
    member     TEXT NOT NULL,
    item_id    TEXT NOT NULL,
    status     TEXT NOT NULL,   -- applies | not-applicable | to-assess
    note       TEXT NOT NULL DEFAULT '',
    owner      TEXT NOT NULL DEFAULT '',
    action     TEXT NOT NULL DEFAULT '',
    due        TEXT NOT NULL DEFAULT '',  -- YYYY-MM-DD or ''
    done       INTEGER NOT NULL DEFAULT 0,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    PRIMARY KEY (member, item_id)
) WITHOUT ROWID;
CREATE INDEX marks_item ON marks (item_id, status);

-- Saved searches of a space (a member, or one staff address).
CREATE TABLE saved_searches (
    id          INTEGER PRIMARY KEY,
    space       TEXT NOT NULL,
    name        TEXT NOT NULL,
    query       TEXT NOT NULL,
    notify      TEXT NOT NULL,   -- none | immediate | daily | weekly
    feed_token  TEXT NOT NULL UNIQUE, -- SHA-256 of the private Atom URL's token
    created_at  TEXT NOT NULL,
    seen_at     TEXT NOT NULL    -- unread = matching items published after this
);
CREATE INDEX saved_searches_space ON saved_searches (space);

-- A member's profile, over the feeds.yaml defaults; every change is kept.
CREATE TABLE profiles (
    member      TEXT PRIMARY KEY,
    data        TEXT NOT NULL,   -- JSON {competences, domains, lang, digest}
    updated_at  TEXT NOT NULL,
    updated_by  TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE profile_changes (
    id     INTEGER PRIMARY KEY,
    member TEXT NOT NULL,
    at     TEXT NOT NULL,
    by     TEXT NOT NULL,
    field  TEXT NOT NULL,
    old    TEXT NOT NULL,
    new    TEXT NOT NULL
);

-- Each address's visits, for "new since your last visit".
CREATE TABLE visits (
    email      TEXT PRIMARY KEY,
    last_visit TEXT NOT NULL,  -- the visit before the current one
    this_visit TEXT NOT NULL
) WITHOUT ROWID;
