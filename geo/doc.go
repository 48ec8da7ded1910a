// Package geo is openmap's domain, free of I/O: places and their OSM
// identity, the tag → category table, report statuses and the rules that
// combine them, and the OSM opening_hours language.
//
// Coordinates are WGS 84 degrees, always in (lon, lat) order, as in orb.Point.
package geo
