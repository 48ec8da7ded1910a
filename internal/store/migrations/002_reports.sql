-- Reports from residents, and what moderation needs. No IP address and no
-- raw contributor key is ever stored: contributor is HMAC-SHA256 of the key
-- with the server secret.
CREATE TABLE reports (
    id            INTEGER PRIMARY KEY,
    place_id      INTEGER NOT NULL REFERENCES places (id),
    status        TEXT    NOT NULL CHECK (status IN ('open', 'open_adapted', 'partial', 'closed', 'gone')),
    opening_hours TEXT    NOT NULL DEFAULT '',
    delivery      INTEGER CHECK (delivery IN (0, 1)),  -- NULL: not said
    takeaway      INTEGER CHECK (takeaway IN (0, 1)),
    pickup        INTEGER CHECK (pickup IN (0, 1)),
    remark        TEXT    NOT NULL DEFAULT '',
    created_at    TEXT    NOT NULL,                    -- RFC 3339 with nanoseconds, UTC
    contributor   BLOB    NOT NULL,                    -- HMAC-SHA256(secret, key), 32 bytes
    trusted       TEXT    NOT NULL DEFAULT '' CHECK (trusted IN ('', 'mapper', 'moderator')),
    hidden        INTEGER NOT NULL DEFAULT 0 CHECK (hidden IN (0, 1)),
    hidden_at     TEXT
);
CREATE INDEX reports_place ON reports (place_id, created_at);
CREATE INDEX reports_created ON reports (created_at);

-- Contributors a moderator blocked (by the hash behind one of their reports).
CREATE TABLE blocked_contributors (
    contributor BLOB PRIMARY KEY,
    blocked_at  TEXT NOT NULL
) WITHOUT ROWID;

-- Places a moderator locked: no new report is accepted.
CREATE TABLE place_locks (
    place_id  INTEGER PRIMARY KEY REFERENCES places (id),
    locked_at TEXT NOT NULL
);

-- Moderator and mapper tokens: only the SHA-256 of a token is kept.
CREATE TABLE tokens (
    id         INTEGER PRIMARY KEY,
    hash       BLOB NOT NULL UNIQUE,
    role       TEXT NOT NULL CHECK (role IN ('moderator', 'mapper')),
    label      TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    revoked_at TEXT
);

-- Secrets of this server (the HMAC key of contributor hashes), made at first start.
CREATE TABLE server_secrets (
    name       TEXT PRIMARY KEY,
    value      BLOB NOT NULL,
    created_at TEXT NOT NULL
) WITHOUT ROWID;

-- A counter bumped by every write to reports and moderation, so readers can
-- tell cheaply that cached statuses are stale.
CREATE TABLE revision (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    n  INTEGER NOT NULL
);
INSERT INTO revision (id, n) VALUES (1, 0);
