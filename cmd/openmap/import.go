package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"text/tabwriter"
	"time"

	"codeberg.org/openmap/openmap/geo"
	"codeberg.org/openmap/openmap/importer"
	"codeberg.org/openmap/openmap/internal/store"
)

func runImport(ctx context.Context, args []string, getenv env, s streams) error {
	fs := newFlags("import", s)
	db := fs.String("db", "openmap.db", "SpatiaLite database file (created if missing)")
	source := fs.String("source", "", "name of the import source; a re-import of the same source replaces it (default: the file names)")
	catFile := fs.String("categories", "", "JSON category table replacing the embedded one")
	quiet := fs.Bool("quiet", false, "no progress")
	asJSON := fs.Bool("json", false, "print the summary as JSON")
	allowEmpty := fs.Bool("allow-empty", false, "accept files with no place, making every place of the source gone")
	fs.Usage = func() {
		fmt.Fprintln(s.stderr, "usage: openmap import [flags] FILE...\n\nFILE: .osm.pbf, .osm, .osm.bz2 or .osm.gz")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args, getenv); err != nil {
		return err
	}
	files := fs.Args()
	if len(files) == 0 {
		fs.Usage()
		return fmt.Errorf("%w: import: no file given", errUsage)
	}
	cats, err := loadCategories(*catFile)
	if err != nil {
		return err
	}
	opt := importer.Options{Categories: cats, AllowEmpty: *allowEmpty}
	if !*quiet {
		opt.Progress, opt.Every = progressPrinter(s.stderr)
	}
	_, statErr := os.Stat(*db)
	created := os.IsNotExist(statErr)
	removeNew := func() {
		if created {
			// Leave no half-made database behind a failed first import
			// (nor behind a store that could not open, as without
			// mod_spatialite).
			for _, suffix := range []string{"", "-wal", "-shm"} {
				os.Remove(*db + suffix)
			}
		}
	}
	st, err := store.Open(ctx, *db)
	if err != nil {
		removeNew()
		return err
	}
	res, err := importer.Import(ctx, st, *source, files, opt)
	st.Close()
	if err != nil {
		removeNew()
		if ctx.Err() != nil {
			return fmt.Errorf("import interrupted; the database is unchanged")
		}
		return err
	}
	if *asJSON {
		return writeImportJSON(s.stdout, res)
	}
	printImport(s.stdout, res, cats)
	return nil
}

func loadCategories(path string) (*geo.Categories, error) {
	if path == "" {
		return geo.DefaultCategories(), nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("categories: %w", err)
	}
	defer f.Close()
	c, err := geo.ReadCategories(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return c, nil
}

// isTerminal reports whether w is a character device, without a dependency.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// progressPrinter shows a live line on a terminal (each second) and a log
// line every five seconds elsewhere.
func progressPrinter(w io.Writer) (func(importer.Progress), time.Duration) {
	tty := isTerminal(w)
	every := 5 * time.Second
	if tty {
		every = time.Second
	}
	return func(p importer.Progress) {
		share := 0.0
		if p.Total > 0 {
			share = float64(p.Read) / float64(p.Total)
		}
		rate := float64(p.Objects) / p.Elapsed.Seconds()
		left := "?"
		if share > 0.01 && !p.Done {
			left = (time.Duration(float64(p.Elapsed)/share) - p.Elapsed).Round(time.Second).String()
		}
		line := fmt.Sprintf("pass %d/%d  %5.1f%% read  %.0f objects/s  %s left", p.Pass, p.Passes, 100*share, rate, left)
		if p.Done {
			line = fmt.Sprintf("read %d passes, %d objects in %s", p.Passes, p.Objects, p.Elapsed.Round(time.Millisecond))
		}
		if tty {
			fmt.Fprintf(w, "\r\033[K%s", line)
			if p.Done {
				fmt.Fprintln(w)
			}
			return
		}
		fmt.Fprintf(w, "%s import: %s\n", time.Now().Format(time.TimeOnly), line)
	}, every
}

func printImport(w io.Writer, r importer.Result, cats *geo.Categories) {
	total := 0
	for _, n := range r.ByType {
		total += n
	}
	fmt.Fprintf(w, "Imported %d places from %d file(s) as source %q in %s.\n", total, len(r.Files), r.Source, r.Elapsed.Round(time.Millisecond))
	fmt.Fprintf(w, "Database: %d new, %d updated, %d unchanged, %d back from gone, %d now gone.\n\n",
		r.Store.Inserted, r.Store.Updated, r.Store.Unchanged, r.Store.Revived, r.Store.Gone)
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "by element type\t\n")
	for _, t := range []geo.ElementType{geo.Node, geo.Way, geo.Relation} {
		fmt.Fprintf(tw, "  %s\t%d\n", t, r.ByType[t])
	}
	fmt.Fprintf(tw, "by category\t\n")
	for _, c := range cats.List {
		fmt.Fprintf(tw, "  %s (%s)\t%d\n", c.ID, c.Label.EN, r.ByCategory[c.ID])
	}
	fmt.Fprintf(tw, "skipped\t\n")
	reasons := make([]string, 0, len(r.Skipped))
	for k := range r.Skipped {
		reasons = append(reasons, k)
	}
	sort.Strings(reasons)
	for _, k := range reasons {
		fmt.Fprintf(tw, "  %s\t%d\n", k, r.Skipped[k])
	}
	fmt.Fprintf(tw, "  clipped by the extract, imported from the nodes present\t%d\n", r.ClippedPartial)
	tw.Flush()
}

func writeImportJSON(w io.Writer, r importer.Result) error {
	byType := map[string]int{}
	for k, v := range r.ByType {
		byType[string(k)] = v
	}
	return json.NewEncoder(w).Encode(map[string]any{
		"source": r.Source, "files": r.Files, "by_type": byType, "by_category": r.ByCategory,
		"skipped": r.Skipped, "clipped_partial": r.ClippedPartial, "elapsed_ms": r.Elapsed.Milliseconds(),
		"inserted": r.Store.Inserted, "updated": r.Store.Updated, "unchanged": r.Store.Unchanged,
		"revived": r.Store.Revived, "gone": r.Store.Gone,
	})
}
