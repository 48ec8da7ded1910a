package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"codeberg.org/openmap/openmap/internal/store"
)

func TestTokenCreate(t *testing.T) {
	db := filepath.Join(t.TempDir(), "t.db")
	st, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	out, _, err := runCmd(t, nil, "token", "create", "--role", "moderator", "--label", "alice", "--db", db)
	if err != nil {
		t.Fatal(err)
	}
	tok := strings.TrimSpace(out)
	if !strings.HasPrefix(tok, "om_") || len(tok) < 40 {
		t.Fatalf("token %q", tok)
	}
	st, err = store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	h := sha256.Sum256([]byte(tok))
	role, err := st.TokenRole(context.Background(), h[:])
	st.Close()
	if err != nil || role != "moderator" {
		t.Fatalf("stored role %q, %v", role, err)
	}
	for _, f := range []string{db, db + "-wal"} {
		if data, err := os.ReadFile(f); err == nil && bytes.Contains(data, []byte(tok)) {
			t.Errorf("the raw token is in %s", filepath.Base(f))
		}
	}
	// From the environment, as every flag.
	if out2, _, err := runCmd(t, map[string]string{"OPENMAP_DB": db, "OPENMAP_ROLE": "mapper"}, "token", "create"); err != nil || strings.TrimSpace(out2) == tok {
		t.Errorf("second token: %q %v", out2, err)
	}
	for name, args := range map[string][]string{
		"no role":    {"token", "create", "--db", db},
		"bad role":   {"token", "create", "--role", "admin", "--db", db},
		"no create":  {"token", "--role", "moderator"},
		"missing db": {"token", "create", "--role", "mapper", "--db", filepath.Join(t.TempDir(), "none.db")},
	} {
		t.Run(name, func(t *testing.T) {
			_, _, err := runCmd(t, nil, args...)
			if err == nil {
				t.Fatal("accepted")
			}
			if name != "missing db" && !errors.Is(err, errUsage) {
				t.Errorf("not a usage error: %v", err)
			}
		})
	}
}
