package importer

import (
	"context"
	"os"
	"testing"
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
