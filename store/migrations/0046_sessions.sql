-- Sessions move from alexedwards/scs to gorilla/sessions (members/sessions.go).
-- The scs rows hold gob data the new store cannot read: they are dropped, and
-- everyone signs in once more.
DROP TABLE sessions;
CREATE TABLE sessions (
    id_hash    TEXT PRIMARY KEY,  -- SHA-256 of the cookie's random id: a copy of the database signs nobody in
    email      TEXT NOT NULL,     -- the signed-in address, to end its sessions
    data       TEXT NOT NULL,     -- JSON of the session's values
    created_at TEXT NOT NULL,
    expiry     TEXT NOT NULL      -- the idle deadline, moved forward as the session is used
) WITHOUT ROWID;
CREATE INDEX sessions_expiry ON sessions (expiry);
CREATE INDEX sessions_email ON sessions (email);

-- A member's private calendar URL: /calendar/{token}.ics serves the
-- calendar to apps that cannot sign in when server.public is false.
CREATE TABLE calendar_tokens (
    member     TEXT PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL
) WITHOUT ROWID;

-- (No schema change:) saved_searches.seen_at now means "unread = matching
-- items first seen after this", not published after (server/unread.go).
