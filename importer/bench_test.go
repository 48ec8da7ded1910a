package importer

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"codeberg.org/openmap/openmap/internal/store"
)

const benchFile = "../../shared/data/bench/merged-20-regions.osm.pbf"

// BenchmarkRead reads the 20-region benchmark extract (no database).
func BenchmarkRead(b *testing.B) {
	if _, err := os.Stat(benchFile); err != nil {
		b.Skip("benchmark extract not present:", err)
	}
	for b.Loop() {
		places, _, err := Read(context.Background(), []string{benchFile}, Options{})
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(len(places)), "places")
	}
}

// BenchmarkImport reads the benchmark extract and stores it in a new database.
func BenchmarkImport(b *testing.B) {
	if _, err := os.Stat(benchFile); err != nil {
		b.Skip("benchmark extract not present:", err)
	}
	for b.Loop() {
		b.StopTimer()
		st, err := store.Open(context.Background(), filepath.Join(b.TempDir(), "b.db"))
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		res, err := Import(context.Background(), st, "bench", []string{benchFile}, Options{})
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		st.Close()
		b.StartTimer()
		b.ReportMetric(float64(res.Store.Inserted), "places")
	}
}
