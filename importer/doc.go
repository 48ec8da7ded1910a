// Package importer reads OpenStreetMap extracts (.osm.pbf, .osm, .osm.bz2,
// .osm.gz; one or many files) and turns the elements that can be open or
// closed into places, which it hands to a Sink in one batch.
//
// Reading takes two or three passes over the files, so that memory grows
// with the number of places, not with the size of the file: the first keeps
// the tagged ways and multipolygon relations that make places and notes the
// nodes and ways they need; the second (only when there are multipolygons)
// reads their member ways; the last reads the nodes, keeping those that make
// places and the locations of those the ways need, and nothing else.
package importer
