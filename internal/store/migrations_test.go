package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"
	"time"

	"codeberg.org/openmap/openmap/geo"
)

// TestReportChecksMigration: on a database with reports in the table of
// 002, 006 rebuilds it keeping every row and id, the indexes and the
// constraints, and the insert of a report then builds no temporary b-tree
// (what it is for).
func TestReportChecksMigration(t *testing.T) {
	ctx := context.Background()
	s, _ := open(t)
	if _, err := s.ImportPlaces(ctx, "test", []string{"x"}, testPlaces(), geo.DefaultCategories()); err != nil {
		t.Fatal(err)
	}
	yes, no := true, false
	t0 := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	for i, st := range []geo.Status{geo.StatusOpen, geo.StatusOpenAdapted, geo.StatusPartial, geo.StatusClosed, geo.StatusGone} {
		r := NewReport{Place: testPlaces()[i%2].ID, Status: st, At: t0.Add(time.Duration(i) * time.Minute), Contributor: []byte(fmt.Sprintf("%032d", i)),
			Delivery: &yes, Takeaway: &no, Remark: "r « é »", Trusted: []string{"", "mapper", "moderator"}[i%3]}
		if _, err := s.AddReport(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.wdb.ExecContext(ctx, `UPDATE reports SET hidden = 1, hidden_at = 'x' WHERE id = 2`); err != nil {
		t.Fatal(err)
	}
	dump := func() string {
		rows, err := s.wdb.QueryContext(ctx, `SELECT quote(id), quote(place_id), quote(status), quote(opening_hours), quote(delivery), quote(takeaway),
			quote(pickup), quote(remark), quote(created_at), quote(contributor), quote(trusted), quote(hidden), quote(hidden_at) FROM reports ORDER BY id`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var b strings.Builder
		cols := make([]sql.NullString, 13)
		ptrs := make([]any, len(cols))
		for i := range cols {
			ptrs[i] = &cols[i]
		}
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			for _, c := range cols {
				b.WriteString(c.String + "|")
			}
			b.WriteString("\n")
		}
		return b.String()
	}
	before := dump()
	// Back to the schema of 002 (CHECKs with IN lists), rows kept, as a
	// database made before 006; then Open migrates it.
	old, err := migrations.ReadFile("migrations/002_reports.sql")
	if err != nil {
		t.Fatal(err)
	}
	create := string(old)[strings.Index(string(old), "CREATE TABLE reports"):]
	create = create[:strings.Index(create, ");")+2]
	if !strings.Contains(create, "status IN (") {
		t.Fatalf("002 no longer has the old CHECKs: %s", create)
	}
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `ALTER TABLE reports RENAME TO reports_v6; `+create+`
			INSERT INTO reports SELECT * FROM reports_v6; DROP TABLE reports_v6;
			CREATE INDEX reports_place ON reports (place_id, created_at); CREATE INDEX reports_created ON reports (created_at);
			DELETE FROM schema_migrations WHERE version = 6`)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if !insertBuildsTempTable(t, s) {
		t.Fatal("the old schema's insert opens no temporary table: the test proves nothing")
	}
	path := s.Path()
	s.Close()
	if s, err = Open(ctx, path); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if after := dump(); after != before || strings.Count(after, "\n") != 5 {
		t.Fatalf("rows changed by the migration:\n%s\nwant\n%s", after, before)
	}
	var idx string
	if err := s.wdb.QueryRowContext(ctx, `SELECT group_concat(name, ',') FROM (SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'reports' ORDER BY name)`).Scan(&idx); err != nil {
		t.Fatal(err)
	}
	if idx != "reports_created,reports_place" {
		t.Errorf("indexes %q", idx)
	}
	for _, bad := range []string{
		`INSERT INTO reports (place_id, status, created_at, contributor) VALUES (1, 'opened', 'x', x'00')`,
		`INSERT INTO reports (place_id, status, created_at, contributor, trusted) VALUES (1, 'open', 'x', x'00', 'admin')`,
		`INSERT INTO reports (place_id, status, created_at, contributor, delivery) VALUES (1, 'open', 'x', x'00', 2)`,
		`UPDATE reports SET hidden = 3 WHERE id = 1`,
		`INSERT INTO reports (place_id, status, created_at, contributor) VALUES (999999, 'open', 'x', x'00')`,
	} {
		if _, err := s.wdb.ExecContext(ctx, bad); err == nil || !strings.Contains(err.Error(), "CHECK") && !strings.Contains(err.Error(), "FOREIGN KEY") {
			t.Errorf("%s: got %v, want a CHECK or FOREIGN KEY failure", bad, err)
		}
	}
	if insertBuildsTempTable(t, s) {
		t.Fatal("the report insert builds a temporary b-tree")
	}
}

// insertBuildsTempTable says whether the report insert's program opens an
// ephemeral table.
func insertBuildsTempTable(t *testing.T, s *Store) bool {
	t.Helper()
	rows, err := s.wdb.QueryContext(context.Background(), `EXPLAIN `+reportInsertSQL, 1, "open", "", nil, nil, nil, "", "x", []byte{0}, "")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	vals := make([]sql.NullString, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	found := false
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		found = found || vals[1].String == "OpenEphemeral"
	}
	return found
}
