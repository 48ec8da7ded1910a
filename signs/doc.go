// Package signs prints openmap's paper side as PDF posters: a shop poster for
// a place's door, a neighbour poster for a building hall (a title, a message
// and a QR code to a shared Etherpad pad) and a neighbourhood sheet listing
// the places near a point for people without a smartphone.
//
// The package knows nothing of the store or the HTTP API: its inputs are
// plain structs ([Shop], [Neighbour], [Area]) that the caller fills, and
// [Render] writes one PDF for one of them. Every poster is made in French or
// English, in A5, A4, A3 or US Letter, with the Go fonts embedded (so accents
// print everywhere), vector QR codes and the OpenStreetMap attribution.
//
// Render checks its input first and renders into memory: on a bad input
// (unknown size or language, empty title, a QR target or pad URL that is not
// http(s)) it returns one of the sentinel errors below and writes nothing.
// Long names and messages shrink, wrap and are finally truncated with "…";
// no text ever leaves the page.
//
// Pad links for the neighbour poster come from [NewPadURL] (random) or
// [StablePadURL] (derived from a seed), on an Etherpad host taken from a list
// shipped as data ([DefaultPadHosts], CHATONS members) or given by the
// instance ([ParsePadHosts]).
//
// Render is safe for concurrent use: it keeps no state between calls.
package signs
