-- Places: OSM elements that can be open or closed.
CREATE TABLE places (
    id               INTEGER PRIMARY KEY,
    osm_type         TEXT    NOT NULL CHECK (osm_type IN ('node', 'way', 'relation')),
    osm_id           INTEGER NOT NULL CHECK (osm_id > 0),
    version          INTEGER NOT NULL DEFAULT 0,
    osm_timestamp    TEXT,                      -- RFC 3339, UTC; NULL when the extract has no metadata
    name             TEXT    NOT NULL DEFAULT '',
    category         TEXT    NOT NULL,
    subcategory      TEXT    NOT NULL,
    addr_housenumber TEXT    NOT NULL DEFAULT '',
    addr_street      TEXT    NOT NULL DEFAULT '',
    addr_postcode    TEXT    NOT NULL DEFAULT '',
    addr_city        TEXT    NOT NULL DEFAULT '',
    address          TEXT    NOT NULL DEFAULT '', -- one line, for people and QGIS labels
    opening_hours    TEXT    NOT NULL DEFAULT '', -- raw OSM value
    tags             TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(tags)),
    source           TEXT    NOT NULL,
    state            TEXT    NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'gone')),
    search_text      TEXT    NOT NULL DEFAULT '', -- name and labels folded to lower case without accents
    imported_at      TEXT    NOT NULL,
    gone_at          TEXT,
    UNIQUE (osm_type, osm_id)
);
CREATE INDEX places_source ON places (source, state);
CREATE INDEX places_category ON places (category, state);

SELECT AddGeometryColumn('places', 'geom', 4326, 'POINT', 'XY', 1);
SELECT CreateSpatialIndex('places', 'geom');

-- One row per import source, so a re-import knows what it replaces.
CREATE TABLE import_sources (
    source      TEXT PRIMARY KEY,
    files       TEXT NOT NULL,   -- JSON list of file names
    imported_at TEXT NOT NULL,
    places      INTEGER NOT NULL
);
