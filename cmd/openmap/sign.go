package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"codeberg.org/openmap/openmap/api"
	"codeberg.org/openmap/openmap/geo"
	"codeberg.org/openmap/openmap/internal/store"
	"codeberg.org/openmap/openmap/signs"
	"github.com/paulmach/orb"
)

// runSign prints a poster: openmap sign shop|neighbour|area [flags].
func runSign(ctx context.Context, args []string, getenv env, s streams) error {
	kinds := map[string]func(context.Context, []string, env, streams) error{
		"shop":      runSignShop,
		"neighbour": runSignNeighbour,
		"area":      runSignArea,
	}
	if len(args) == 0 || kinds[args[0]] == nil {
		fmt.Fprintln(s.stderr, `usage: openmap sign <poster> [flags]

posters:
  shop TYPE/ID       a poster for a place's door (status, hours, QR to its page)
  neighbour          a poster for a building hall with a shared pad
  area               the places near a point, for people without a phone

Run 'openmap sign <poster> -h' for its flags.`)
		if len(args) == 0 {
			return fmt.Errorf("%w: sign: no poster given", errUsage)
		}
		if args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
			return flag.ErrHelp
		}
		return fmt.Errorf("%w: sign: unknown poster %q (want shop, neighbour or area)", errUsage, args[0])
	}
	return kinds[args[0]](ctx, args[1:], getenv, s)
}

// posterFlags are the flags every poster has.
type posterFlags struct {
	out, size, lang, date *string
}

func addPosterFlags(fs *flag.FlagSet, defOut string) posterFlags {
	return posterFlags{
		out:  fs.String("o", defOut, `output PDF file ("-" for standard output)`),
		size: fs.String("size", "A4", "paper size: A5, A4, A3 or Letter"),
		lang: fs.String("lang", "fr", "language: fr or en"),
		date: fs.String("date", "", "date printed on the poster, YYYY-MM-DD (default today)"),
	}
}

func (p posterFlags) options() (signs.Options, error) {
	size, err := signs.ParseSize(*p.size)
	if err != nil {
		return signs.Options{}, fmt.Errorf("%w: %w", errUsage, err)
	}
	lang, err := signs.ParseLang(*p.lang)
	if err != nil {
		return signs.Options{}, fmt.Errorf("%w: %w", errUsage, err)
	}
	o := signs.Options{Size: size, Lang: lang, Now: time.Now()}
	if *p.date != "" {
		if o.Now, err = time.ParseInLocation("2006-01-02", *p.date, time.Local); err != nil {
			return signs.Options{}, fmt.Errorf("%w: --date %q: want YYYY-MM-DD", errUsage, *p.date)
		}
	}
	return o, nil
}

// write renders doc and only then creates the file, so a bad input never
// leaves a broken PDF behind.
func (p posterFlags) write(doc signs.Poster, opts signs.Options, s streams) error {
	var buf bytes.Buffer
	if err := signs.Render(&buf, doc, opts); err != nil {
		if errors.Is(err, signs.ErrTitle) || errors.Is(err, signs.ErrURL) || errors.Is(err, signs.ErrPadURL) ||
			errors.Is(err, signs.ErrTooLong) || errors.Is(err, signs.ErrStatus) || errors.Is(err, signs.ErrCenter) {
			return fmt.Errorf("%w: sign: %w", errUsage, err)
		}
		return fmt.Errorf("sign: %w", err)
	}
	if *p.out == "-" {
		_, err := buf.WriteTo(s.stdout)
		return err
	}
	if err := os.WriteFile(*p.out, buf.Bytes(), 0o644); err != nil {
		return fmt.Errorf("sign: %w", err)
	}
	fmt.Fprintf(s.stderr, "wrote %s (%d bytes)\n", *p.out, buf.Len())
	return nil
}

// padFlags choose a pad link: given, or new (random or from a seed) on a
// host from the embedded CHATONS list, a list file or one host.
type padFlags struct {
	url, seed, hosts, host *string
	newPad                 *bool
}

func addPadFlags(fs *flag.FlagSet) padFlags {
	return padFlags{
		url:    fs.String("pad", "", "pad URL (http or https)"),
		newPad: fs.Bool("new-pad", false, "make a new pad link: a random 10-character name on an Etherpad host"),
		seed:   fs.String("pad-seed", "", "with --new-pad: derive the name from this text instead, so the same seed gives the same link"),
		hosts:  fs.String("pad-hosts", "", "JSON list of Etherpad hosts for --new-pad (default: the embedded CHATONS list)"),
		host:   fs.String("pad-host", "", "one Etherpad base URL for --new-pad (such as https://pad.example.org/p/), instead of a list"),
	}
}

// resolve returns the pad link and its host's operator ("" if unknown);
// required says whether a poster without a pad is an error.
func (p padFlags) resolve(required bool) (link, operator string, err error) {
	if *p.url != "" && *p.newPad {
		return "", "", fmt.Errorf("%w: --pad and --new-pad: choose one", errUsage)
	}
	if *p.seed != "" && !*p.newPad {
		return "", "", fmt.Errorf("%w: --pad-seed needs --new-pad", errUsage)
	}
	hosts := signs.DefaultPadHosts()
	switch {
	case *p.host != "":
		// NewPadURL checks the base URL is http(s).
		hosts = []signs.PadHost{{Name: "default", BaseURL: *p.host}}
	case *p.hosts != "":
		var f *os.File
		if f, err = os.Open(*p.hosts); err == nil {
			hosts, err = signs.ParsePadHosts(f)
			f.Close()
		}
	}
	if err != nil {
		return "", "", fmt.Errorf("%w: pad hosts: %w", errUsage, err)
	}
	switch {
	case *p.newPad && *p.seed != "":
		link, err = signs.StablePadURL(*p.seed, hosts)
	case *p.newPad:
		link, err = signs.NewPadURL(rand.Reader, hosts)
	case *p.url != "":
		link = *p.url
	case required:
		return "", "", fmt.Errorf("%w: give --pad URL or --new-pad", errUsage)
	}
	if err != nil {
		return "", "", fmt.Errorf("sign: %w", err)
	}
	if h, ok := signs.HostOf(link, hosts); ok {
		operator = h.Operator
	}
	return link, operator, nil
}

func runSignNeighbour(_ context.Context, args []string, getenv env, s streams) error {
	fs := newFlags("sign neighbour", s)
	title := fs.String("title", "", "headline of the poster (required)")
	subtitle := fs.String("subtitle", "", "message under the title")
	pf := addPosterFlags(fs, "neighbour.pdf")
	pad := addPadFlags(fs)
	if err := parseFlags(fs, args, getenv); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: sign neighbour: unexpected argument %q", errUsage, fs.Arg(0))
	}
	opts, err := pf.options()
	if err != nil {
		return err
	}
	link, operator, err := pad.resolve(true)
	if err != nil {
		return err
	}
	doc := signs.Neighbour{Title: *title, Subtitle: *subtitle, PadURL: link, Host: operator}
	if err := pf.write(doc, opts, s); err != nil {
		return err
	}
	if *pf.out != "-" {
		fmt.Fprintln(s.stdout, link)
	}
	return nil
}

// storeFlags are the flags of the posters read from the database.
type storeFlags struct {
	db, baseURL, categories, tz, country *string
}

func addStoreFlags(fs *flag.FlagSet) storeFlags {
	return storeFlags{
		db:         fs.String("db", "openmap.db", "SpatiaLite database file"),
		baseURL:    fs.String("base-url", "", "public URL of this instance, the QR codes' target (required)"),
		categories: fs.String("categories", "", "JSON category table replacing the embedded one"),
		tz:         fs.String("tz", "Europe/Paris", "time zone of places outside the built-in zone table (IANA name), as for serve"),
		country:    fs.String("country", "FR", "country for public holidays of places outside the built-in zone table, as for serve"),
	}
}

// open opens the database and the posters over it: the same status
// computation as the server's (api.Posters), so a poster printed here says
// what the place page says.
func (f storeFlags) open(ctx context.Context, cmd string) (*store.Store, *api.Posters, error) {
	if *f.baseURL == "" {
		return nil, nil, fmt.Errorf("%w: %s: --base-url (or OPENMAP_BASE_URL) is required: the QR code points to it", errUsage, cmd)
	}
	zone, err := time.LoadLocation(*f.tz)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %s: --tz %q: %v", errUsage, cmd, *f.tz, err)
	}
	if _, err := os.Stat(*f.db); err != nil {
		return nil, nil, noDatabase(cmd, *f.db)
	}
	cats, err := loadCategories(*f.categories)
	if err != nil {
		return nil, nil, err
	}
	cfg := api.Config{BaseURL: *f.baseURL, Zone: zone, Country: *f.country}
	if err := cfg.Validate(); err != nil {
		return nil, nil, fmt.Errorf("%w: %s: %v", errUsage, cmd, err)
	}
	st, err := store.Open(ctx, *f.db)
	if err != nil {
		return nil, nil, err
	}
	posters, err := api.NewPosters(st, cats, cfg, nil)
	if err != nil {
		st.Close()
		return nil, nil, err
	}
	return st, posters, nil
}

func runSignShop(ctx context.Context, args []string, getenv env, s streams) error {
	fs := newFlags("sign shop", s)
	sf := addStoreFlags(fs)
	pf := addPosterFlags(fs, "")
	fs.Usage = func() {
		fmt.Fprintln(s.stderr, "usage: openmap sign shop TYPE/ID [flags]   (TYPE/ID such as node/123)")
		fs.PrintDefaults()
	}
	// The place may come before, between or after the flags, as in
	// "sign shop node/1 -o x.pdf" or "sign shop --db d.db node/1 -o x.pdf".
	var idArg string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		idArg, args = args[0], args[1:]
	}
	if err := parseFlags(fs, args, getenv); err != nil {
		return err
	}
	if idArg == "" && fs.NArg() > 0 {
		idArg = fs.Arg(0)
		if err := fs.Parse(fs.Args()[1:]); err != nil {
			return fmt.Errorf("%w: %v", errUsage, err)
		}
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: sign shop: unexpected argument %q", errUsage, fs.Arg(0))
	}
	if idArg == "" {
		fs.Usage()
		return fmt.Errorf("%w: sign shop: no place given", errUsage)
	}
	id, err := geo.ParsePlaceID(idArg)
	if err != nil {
		return fmt.Errorf("%w: sign shop: %w", errUsage, err)
	}
	opts, err := pf.options()
	if err != nil {
		return err
	}
	if *pf.out == "" {
		*pf.out = "shop-" + string(id.Type) + "-" + strconv.FormatInt(id.ID, 10) + ".pdf"
	}
	st, posters, err := sf.open(ctx, "sign shop")
	if err != nil {
		return err
	}
	defer st.Close()
	doc, err := posters.Shop(ctx, id, &opts)
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("%w: sign shop: no place %v in %s", errUsage, id, *sf.db)
	}
	if err != nil {
		return err
	}
	return pf.write(doc, opts, s)
}

func runSignArea(ctx context.Context, args []string, getenv env, s streams) error {
	fs := newFlags("sign area", s)
	lat := fs.String("lat", "", "latitude of the centre, in degrees (required)")
	lon := fs.String("lon", "", "longitude of the centre, in degrees (required)")
	radius := fs.Float64("radius", 500, "radius in metres")
	limit := fs.Int("limit", api.MaxAreaPlaces, "most places printed, nearest first (at most 400)")
	title := fs.String("title", "", `headline (default "Ouvert près d'ici" / "Open near here")`)
	where := fs.String("where", "", "the centre in words, such as an address (default: the coordinates)")
	sf := addStoreFlags(fs)
	pf := addPosterFlags(fs, "area.pdf")
	pad := addPadFlags(fs)
	if err := parseFlags(fs, args, getenv); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: sign area: unexpected argument %q", errUsage, fs.Arg(0))
	}
	la, err1 := strconv.ParseFloat(*lat, 64)
	lo, err2 := strconv.ParseFloat(*lon, 64)
	if err1 != nil || err2 != nil || la < -90 || la > 90 || lo < -180 || lo > 180 {
		return fmt.Errorf("%w: sign area: --lat and --lon must be degrees (got %q, %q)", errUsage, *lat, *lon)
	}
	if *radius <= 0 || *radius > 5000 {
		return fmt.Errorf("%w: sign area: --radius %v: want 1 to 5000 metres", errUsage, *radius)
	}
	if *limit <= 0 {
		return fmt.Errorf("%w: sign area: --limit must be positive", errUsage)
	}
	opts, err := pf.options()
	if err != nil {
		return err
	}
	link, _, err := pad.resolve(false)
	if err != nil {
		return err
	}
	st, posters, err := sf.open(ctx, "sign area")
	if err != nil {
		return err
	}
	defer st.Close()
	doc, err := posters.Area(ctx, *title, *where, orb.Point{lo, la}, *radius, *limit, link, &opts)
	if err != nil {
		return err
	}
	if err := pf.write(doc, opts, s); err != nil {
		return err
	}
	if link != "" && *pf.out != "-" {
		fmt.Fprintln(s.stdout, link)
	}
	return nil
}
