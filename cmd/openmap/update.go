package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"codeberg.org/openmap/openmap/importer"
	"codeberg.org/openmap/openmap/internal/store"
)

func runUpdate(ctx context.Context, args []string, getenv env, s streams) error {
	fs := newFlags("update", s)
	db := fs.String("db", "openmap.db", "SpatiaLite database file")
	source := fs.String("source", "diff", "source given to places the diffs create")
	catFile := fs.String("categories", "", "JSON category table replacing the embedded one")
	fs.Usage = func() {
		fmt.Fprintln(s.stderr, "usage: openmap update [flags] DIFF...\n\nDIFF: osmChange files (.osc, .osc.gz, .osc.bz2), oldest first")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args, getenv); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return fmt.Errorf("%w: update: no diff given", errUsage)
	}
	if _, err := os.Stat(*db); err != nil {
		return noDatabase("update", *db)
	}
	cats, err := loadCategories(*catFile)
	if err != nil {
		return err
	}
	st, err := store.Open(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	res, err := importer.Update(ctx, st, *source, fs.Args(), cats)
	if err != nil {
		return err
	}
	fmt.Fprintf(s.stdout, "Applied %d diff(s), %d elements, in %s: %d new places, %d updated, %d now gone, %d new without a location (re-import to place them), %d already at that version or newer.\n",
		len(res.Files), res.Elements, res.Elapsed.Round(time.Millisecond), res.Store.Inserted, res.Store.Updated, res.Store.Gone, res.Store.Unplaced, res.Store.Older)
	return nil
}
