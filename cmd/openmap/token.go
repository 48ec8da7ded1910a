package main

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"os"

	"codeberg.org/openmap/openmap/internal/store"
)

func runToken(ctx context.Context, args []string, getenv env, s streams) error {
	if len(args) == 0 || args[0] != "create" {
		fmt.Fprintln(s.stderr, "usage: openmap token create --role moderator|mapper [--label TEXT] [--db F]")
		return fmt.Errorf("%w: want 'token create'", errUsage)
	}
	fs := newFlags("token create", s)
	db := fs.String("db", "openmap.db", "SpatiaLite database file")
	role := fs.String("role", "", "moderator (hides reports, blocks contributors, locks places) or mapper (trusted reports)")
	label := fs.String("label", "", "a note saying whose token it is")
	if err := parseFlags(fs, args[1:], getenv); err != nil {
		return err
	}
	if *role != "moderator" && *role != "mapper" {
		return fmt.Errorf("%w: --role must be moderator or mapper", errUsage)
	}
	if _, err := os.Stat(*db); err != nil {
		return noDatabase("token", *db)
	}
	st, err := store.Open(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return fmt.Errorf("token: %w", err)
	}
	tok := "om_" + base64.RawURLEncoding.EncodeToString(raw)
	h := sha256.Sum256([]byte(tok))
	if _, err := st.AddToken(ctx, h[:], *role, *label); err != nil {
		return err
	}
	// The token is printed once, here; only its hash is kept.
	fmt.Fprintln(s.stdout, tok)
	fmt.Fprintf(s.stderr, "%s token created; keep it safe, it is not shown again\n", *role)
	return nil
}
