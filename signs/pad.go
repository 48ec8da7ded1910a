package signs

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"strings"
)

// PadHost is one Etherpad instance new pads can be made on.
type PadHost struct {
	// Name is a short stable key ("chapril").
	Name string `json:"name"`
	// BaseURL is the pad URL without the pad name, ending with "/" (for
	// Etherpad usually ".../p/"): the pad is BaseURL + name.
	BaseURL string `json:"base_url"`
	// Operator is who runs the instance, printed on the poster.
	Operator string `json:"operator"`
}

//go:embed pads.json
var padsJSON []byte

// DefaultPadHosts returns the Etherpad hosts shipped with openmap (members of
// the CHATONS collective, see pads.json). Each call returns a fresh slice.
func DefaultPadHosts() []PadHost {
	hosts, err := ParsePadHosts(bytes.NewReader(padsJSON))
	if err != nil {
		// pads.json is checked by TestDefaultPadHosts; a broken embedded
		// file is a build mistake, not a runtime condition.
		panic(err)
	}
	return hosts
}

// ParsePadHosts reads a host list in the format of pads.json:
// {"comment": "…", "hosts": [{"name", "base_url", "operator"}]}; unknown
// fields are refused, so a typo does not go unnoticed. Every base URL must be
// http(s) and is given a trailing "/" if it has none.
func ParsePadHosts(r io.Reader) ([]PadHost, error) {
	var doc struct {
		Comment string    `json:"comment"` // for people editing the file
		Hosts   []PadHost `json:"hosts"`
	}
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("signs: read pad hosts: %w", err)
	}
	if len(doc.Hosts) == 0 {
		return nil, fmt.Errorf("signs: read pad hosts: %w", ErrNoPadHost)
	}
	for i, h := range doc.Hosts {
		if err := checkHTTP(h.BaseURL, ErrPadURL); err != nil {
			return nil, fmt.Errorf("signs: read pad hosts: host %q: %w", h.Name, err)
		}
		if !strings.HasSuffix(h.BaseURL, "/") {
			doc.Hosts[i].BaseURL += "/"
		}
	}
	return doc.Hosts, nil
}

// padAlphabet has 32 symbols, none easily confused when typed from paper
// (no 0/o, no 1/l): 10 of them make 50 random bits, and a byte masked to 5
// bits picks one without bias.
const padAlphabet = "abcdefghijkmnpqrstuvwxyz23456789"

// PadNameLen is the length of a generated pad name.
const PadNameLen = 10

// NewPadURL makes a new pad link: a host picked among hosts and a random
// 10-character name, both read from rand (crypto/rand.Reader in production).
// The pad itself is created by Etherpad when someone first opens the link.
func NewPadURL(rand io.Reader, hosts []PadHost) (string, error) {
	if len(hosts) == 0 {
		return "", ErrNoPadHost
	}
	var b [4 + PadNameLen]byte
	if _, err := io.ReadFull(rand, b[:]); err != nil {
		return "", fmt.Errorf("signs: new pad url: %w", err)
	}
	// Modulo bias over a 32-bit draw is below 1e-8 for any sane list.
	h := hosts[binary.BigEndian.Uint32(b[:4])%uint32(len(hosts))]
	base := h.BaseURL
	if !strings.HasSuffix(base, "/") {
		base += "/"
	}
	if err := checkHTTP(base, ErrPadURL); err != nil {
		return "", fmt.Errorf("signs: new pad url: host %q: %w", h.Name, err)
	}
	name := make([]byte, PadNameLen)
	for i, c := range b[4:] {
		name[i] = padAlphabet[c&31]
	}
	return base + string(name), nil
}

// StablePadURL makes the same pad link for the same seed and host list: it
// is NewPadURL reading from SHA-256 of the seed instead of randomness. Use it
// when a poster must be printed again with the same pad (the seed can be the
// poster's title plus the building's address). Anyone who knows the seed and
// the host list can compute the link, so a guessable seed gives a guessable
// pad: add something only the building knows to keep it private. Changing the
// host list may change the link.
func StablePadURL(seed string, hosts []PadHost) (string, error) {
	sum := sha256.Sum256([]byte("openmap pad v1\x00" + seed))
	return NewPadURL(bytes.NewReader(sum[:]), hosts)
}

// HostOf returns the host of hosts that padURL is on, if any; posters use it
// to credit the operator.
func HostOf(padURL string, hosts []PadHost) (PadHost, bool) {
	for _, h := range hosts {
		if h.BaseURL != "" && strings.HasPrefix(padURL, h.BaseURL) {
			return h, true
		}
	}
	return PadHost{}, false
}

// checkHTTP reports whether s is an absolute http or https URL with a host;
// the error wraps sentinel.
func checkHTTP(s string, sentinel error) error {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%w: %q", sentinel, s)
	}
	return nil
}

// withoutScheme prints a URL as people type it: "pad.chapril.org/p/abc".
func withoutScheme(s string) string {
	for _, p := range []string{"https://", "http://"} {
		if len(s) >= len(p) && strings.EqualFold(s[:len(p)], p) {
			return s[len(p):]
		}
	}
	return s
}
