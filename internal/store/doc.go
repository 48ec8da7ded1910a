// Package store is the only package of openmap that speaks SQL. It keeps
// places, reports and everything else in one SpatiaLite file (SQLite with
// the mod_spatialite extension) in WAL mode, which QGIS opens as a layer.
//
// Schema changes are numbered .sql files in migrations/, embedded and
// applied in order, each in its own transaction.
//
// A Store is safe for concurrent use. Writes go through a single connection,
// so writers queue in Go instead of failing with SQLITE_BUSY; reads use a
// pool and see the last committed state (WAL snapshots).
package store
