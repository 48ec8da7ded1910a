-- Which import sources hold each place. Overlapping extracts (a city and its
-- region) can both hold a place: it becomes gone only when no source has it
-- any more. places.source stays the last source that wrote the place.
CREATE TABLE place_sources (
    place_id INTEGER NOT NULL REFERENCES places (id),
    source   TEXT    NOT NULL,
    PRIMARY KEY (place_id, source)
) WITHOUT ROWID;
CREATE INDEX place_sources_source ON place_sources (source);
INSERT INTO place_sources (place_id, source) SELECT id, source FROM places WHERE state = 'active';
