-- The tags the status rules read besides opening_hours (survey dates,
-- lifecycle prefixes such as disused:shop), kept apart for the few places
-- that have any, so that a map view reads no JSON for the others. Triggers
-- keep it right through imports and diffs. The lifecycle prefixes are those
-- of the default category table (geo/categories.json).
CREATE TABLE place_status_tags (
    place_id INTEGER PRIMARY KEY REFERENCES places (id) ON DELETE CASCADE,
    tags     TEXT    NOT NULL
);
INSERT INTO place_status_tags (place_id, tags) SELECT id, tags FROM places WHERE instr(tags, '"check_date') > 0 OR instr(tags, '"survey:date') > 0 OR instr(tags, '"lastcheck') > 0 OR instr(tags, '"last_checked') > 0 OR instr(tags, '"disused:') > 0 OR instr(tags, '"abandoned:') > 0 OR instr(tags, '"was:') > 0 OR instr(tags, '"demolished:') > 0 OR instr(tags, '"removed:') > 0 OR instr(tags, '"razed:') > 0 OR instr(tags, '"closed:') > 0;

CREATE TRIGGER place_status_tags_insert AFTER INSERT ON places
WHEN instr(NEW.tags, '"check_date') > 0 OR instr(NEW.tags, '"survey:date') > 0 OR instr(NEW.tags, '"lastcheck') > 0 OR instr(NEW.tags, '"last_checked') > 0 OR instr(NEW.tags, '"disused:') > 0 OR instr(NEW.tags, '"abandoned:') > 0 OR instr(NEW.tags, '"was:') > 0 OR instr(NEW.tags, '"demolished:') > 0 OR instr(NEW.tags, '"removed:') > 0 OR instr(NEW.tags, '"razed:') > 0 OR instr(NEW.tags, '"closed:') > 0
BEGIN
    INSERT OR REPLACE INTO place_status_tags (place_id, tags) VALUES (NEW.id, NEW.tags);
END;

CREATE TRIGGER place_status_tags_update AFTER UPDATE OF tags ON places
BEGIN
    DELETE FROM place_status_tags WHERE place_id = NEW.id;
    INSERT INTO place_status_tags (place_id, tags) SELECT NEW.id, NEW.tags WHERE instr(NEW.tags, '"check_date') > 0 OR instr(NEW.tags, '"survey:date') > 0 OR instr(NEW.tags, '"lastcheck') > 0 OR instr(NEW.tags, '"last_checked') > 0 OR instr(NEW.tags, '"disused:') > 0 OR instr(NEW.tags, '"abandoned:') > 0 OR instr(NEW.tags, '"was:') > 0 OR instr(NEW.tags, '"demolished:') > 0 OR instr(NEW.tags, '"removed:') > 0 OR instr(NEW.tags, '"razed:') > 0 OR instr(NEW.tags, '"closed:') > 0;
END;
