package importer

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"codeberg.org/openmap/openmap/geo"
	"codeberg.org/openmap/openmap/internal/store"
)

// Sink is where an import writes its places: all of them in one call, so it
// can replace the source atomically. *store.Store is one.
type Sink interface {
	ImportPlaces(ctx context.Context, source string, files []string, places []geo.Place, cats *geo.Categories) (store.ImportResult, error)
}

// Result is the outcome of Import: what was read and what changed.
type Result struct {
	Summary
	Source string
	Store  store.ImportResult
}

// Import reads the files and writes their places to sink as source (the
// stem of the first file's name when empty). Reading completes before
// anything is written, so a bad file leaves the sink untouched.
func Import(ctx context.Context, sink Sink, source string, files []string, opt Options) (Result, error) {
	if len(files) == 0 {
		return Result{}, fmt.Errorf("import: no file given")
	}
	if source == "" {
		source = SourceName(files)
	}
	if opt.Categories == nil {
		opt.Categories = geo.DefaultCategories()
	}
	places, sum, err := Read(ctx, files, opt)
	if err != nil {
		return Result{Summary: sum}, err
	}
	if len(places) == 0 && !opt.AllowEmpty {
		// A wrong file would otherwise mark every place of the source gone.
		return Result{Summary: sum}, fmt.Errorf("import: no place found in %s; refusing to replace source %q with nothing (use --allow-empty to do so)", strings.Join(files, ", "), source)
	}
	for i := range places {
		places[i].Source = source
	}
	res, err := sink.ImportPlaces(ctx, source, files, places, opt.Categories)
	if err != nil {
		return Result{Summary: sum}, err
	}
	return Result{Summary: sum, Source: source, Store: res}, nil
}

// SourceName is the default source of a set of files: the file names
// without directory and extensions, joined by "+".
func SourceName(files []string) string {
	names := make([]string, len(files))
	for i, f := range files {
		b := filepath.Base(f)
		for _, ext := range []string{".gz", ".bz2", ".pbf", ".osm"} {
			b = strings.TrimSuffix(b, ext)
		}
		names[i] = b
	}
	return strings.Join(names, "+")
}
