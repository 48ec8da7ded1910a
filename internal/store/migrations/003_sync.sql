-- Edits on their way back to OpenStreetMap (internal/osmsync, issue 7): one
-- row per proposal a mapper approved or rejected, for one place. The review
-- queue itself is computed from confirmed statuses and is not stored; a row
-- is written when a mapper acts on a proposal. The states and their order
-- are geo.EditState; osmsync.Queue is the contract of the methods on it.
-- No OAuth token is ever stored here.
CREATE TABLE osm_edits (
    id            INTEGER PRIMARY KEY,
    place_id      INTEGER NOT NULL REFERENCES places (id),
    mapper_uid    INTEGER NOT NULL,                 -- OSM user id of the approving mapper
    mapper_name   TEXT    NOT NULL DEFAULT '',      -- OSM display name, for the review page
    base_version  INTEGER NOT NULL,                 -- element version the proposal was made against
    lon           REAL    NOT NULL,                 -- where the place was then (the move check)
    lat           REAL    NOT NULL,
    diff          TEXT    NOT NULL DEFAULT '[]' CHECK (json_valid(diff)), -- geo.TagDiff: [{"key","old","new"}]
    note_text     TEXT,                             -- a note instead of a diff (place gone for good)
    profile       TEXT    NOT NULL DEFAULT 'survey', -- 'survey', 'crisis:<suffix>' or 'removal:<suffix>'
    basis         TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(basis)), -- geo.StatusSummary and the report ids behind it
    confirmed_at  TEXT,                             -- last_confirmed of the status proposed from (a rejected proposal comes back only after a newer confirmation)
    state         TEXT    NOT NULL CHECK (state IN ('approved', 'uploading', 'uploaded', 'noting', 'noted', 'conflict', 'rejected')),
    changeset     INTEGER,                          -- set (in the same transaction) when state becomes 'uploading'
    new_version   INTEGER,                          -- the element's version once uploaded
    note_id       INTEGER,
    reason        TEXT    NOT NULL DEFAULT '',      -- why it is a conflict, or the mapper's rejection remark
    created_at    TEXT    NOT NULL,                 -- RFC 3339, UTC
    updated_at    TEXT    NOT NULL,
    CHECK (state <> 'uploading' OR changeset IS NOT NULL)
);
-- Pending(mapper): approved, uploading, noting — oldest first.
CREATE INDEX osm_edits_mapper_state ON osm_edits (mapper_uid, state, id);
CREATE INDEX osm_edits_place ON osm_edits (place_id, state);
-- At most one edit of a place on its way at a time.
CREATE UNIQUE INDEX osm_edits_live_place ON osm_edits (place_id)
    WHERE state IN ('approved', 'uploading', 'noting');
