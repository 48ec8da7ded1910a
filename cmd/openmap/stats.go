package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"text/tabwriter"

	"codeberg.org/openmap/openmap/internal/store"
)

func runStats(ctx context.Context, args []string, getenv env, s streams) error {
	fs := newFlags("stats", s)
	db := fs.String("db", "openmap.db", "SpatiaLite database file")
	asJSON := fs.Bool("json", false, "print JSON")
	if err := parseFlags(fs, args, getenv); err != nil {
		return err
	}
	if _, err := os.Stat(*db); err != nil {
		return noDatabase("stats", *db)
	}
	st, err := store.Open(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	stats, err := st.Stats(ctx)
	if err != nil {
		return err
	}
	if *asJSON {
		return json.NewEncoder(s.stdout).Encode(stats)
	}
	tw := tabwriter.NewWriter(s.stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "active places\t%d\ngone places\t%d\n", stats.Places, stats.Gone)
	for _, t := range []string{"node", "way", "relation"} {
		fmt.Fprintf(tw, "  %s\t%d\n", t, stats.ByType[t])
	}
	cats := make([]string, 0, len(stats.ByCategory))
	for c := range stats.ByCategory {
		cats = append(cats, c)
	}
	sort.Strings(cats)
	for _, c := range cats {
		fmt.Fprintf(tw, "  %s\t%d\n", c, stats.ByCategory[c])
	}
	return tw.Flush()
}
