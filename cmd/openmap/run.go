package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"
)

// env looks up an environment variable; it is os.Getenv in production and a
// map in tests, so no test depends on the real environment.
type env func(string) string

// streams are the standard streams a subcommand reads and writes.
type streams struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

// command is one subcommand of the binary.
type command struct {
	summary string
	run     func(ctx context.Context, args []string, getenv env, s streams) error
}

// commands lists every subcommand in one place.
func commands() map[string]command {
	return map[string]command{
		"hours":   {"read opening_hours values on stdin, print validity, canonical form and state as JSON lines", runHours},
		"import":  {"import OSM extracts (.osm.pbf, .osm, .osm.bz2, .osm.gz) into the database", runImport},
		"serve":   {"serve the map, the API and the report form over HTTP", runServe},
		"sign":    {"print a poster as PDF: shop TYPE/ID, neighbour (pad), area (places near a point)", runSign},
		"stats":   {"print counts of places in the database", runStats},
		"sync":    {"review reports and send them back to OpenStreetMap (queue, approve, reject, upload, export, edits, login)", runSync},
		"token":   {"create a moderator or mapper token (token create --role moderator)", runToken},
		"update":  {"apply OSM diffs (osmChange) to the places in the database", runUpdate},
		"version": {"print the version", runVersion},
	}
}

// errUsage marks a command-line mistake; main exits with status 2 for it.
var errUsage = errors.New("usage")

func exitCode(err error) int {
	if errors.Is(err, errUsage) || errors.Is(err, flag.ErrHelp) {
		return 2
	}
	return 1
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: openmap <command> [flags]")
	fmt.Fprintln(w, "\ncommands:")
	cmds := commands()
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-9s %s\n", n, cmds[n].summary)
	}
	fmt.Fprintln(w, "\nRun 'openmap <command> -h' for the flags of a command.")
}

// run is the whole program: main only wires it to the process.
func run(ctx context.Context, args []string, getenv env, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stderr)
		if len(args) == 0 {
			return fmt.Errorf("%w: no command given", errUsage)
		}
		return nil
	}
	cmd, ok := commands()[args[0]]
	if !ok {
		usage(stderr)
		return fmt.Errorf("%w: unknown command %q", errUsage, args[0])
	}
	err := cmd.run(ctx, args[1:], getenv, streams{stdin, stdout, stderr})
	if errors.Is(err, flag.ErrHelp) {
		return nil // -h printed the flags: not a failure
	}
	return err
}

// newFlags makes the flag set of one subcommand; parse errors are returned,
// never turned into os.Exit.
func newFlags(name string, s streams) *flag.FlagSet {
	fs := flag.NewFlagSet("openmap "+name, flag.ContinueOnError)
	fs.SetOutput(s.stderr)
	return fs
}

// parseFlags parses args, then fills every flag the user did not set from its
// environment variable (OPENMAP_ + upper-case name, dashes as underscores).
func parseFlags(fs *flag.FlagSet, args []string, getenv env) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		if set[f.Name] || err != nil {
			return
		}
		key := "OPENMAP_" + strings.ToUpper(strings.ReplaceAll(f.Name, "-", "_"))
		if v := getenv(key); v != "" {
			if e := f.Value.Set(v); e != nil {
				err = fmt.Errorf("%w: %s=%q: %v", errUsage, key, v, e)
			}
		}
	})
	return err
}

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func runVersion(_ context.Context, args []string, getenv env, s streams) error {
	fs := newFlags("version", s)
	if err := parseFlags(fs, args, getenv); err != nil {
		return err
	}
	fmt.Fprintf(s.stdout, "openmap %s\n", version)
	return nil
}

// noDatabase is the error of a command that needs an existing database.
func noDatabase(op, path string) error {
	return fmt.Errorf("%s: no database at %s (give --db or OPENMAP_DB, or make one with 'openmap import --db %s EXTRACT')", op, path, path)
}
