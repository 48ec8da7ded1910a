-- A counter that moves with every write to places, whichever process
-- writes (openmap import, update, sync): the server keeps the map's points
-- in memory (pointcache.go) and reloads them when it has moved. Triggers,
-- so that no write path can forget it; they cost about a microsecond per
-- place written.
CREATE TABLE places_version (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    n  INTEGER NOT NULL
);
INSERT INTO places_version (id, n) VALUES (1, 0);
CREATE TRIGGER places_version_insert AFTER INSERT ON places BEGIN
    UPDATE places_version SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER places_version_update AFTER UPDATE ON places BEGIN
    UPDATE places_version SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER places_version_delete AFTER DELETE ON places BEGIN
    UPDATE places_version SET n = n + 1 WHERE id = 1;
END;
