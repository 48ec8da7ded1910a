package signs

import (
	"bytes"
	"crypto/rand"
	"errors"
	"regexp"
	"strings"
	"testing"
)

func TestDefaultPadHosts(t *testing.T) {
	hosts := DefaultPadHosts()
	if len(hosts) < 5 {
		t.Fatalf("%d default hosts, want a real choice", len(hosts))
	}
	names := map[string]bool{}
	for _, h := range hosts {
		if names[h.Name] {
			t.Errorf("host name %q twice", h.Name)
		}
		names[h.Name] = true
		if !strings.HasPrefix(h.BaseURL, "https://") || !strings.HasSuffix(h.BaseURL, "/") {
			t.Errorf("host %q: base URL %q should be https and end with /", h.Name, h.BaseURL)
		}
		if h.Operator == "" {
			t.Errorf("host %q has no operator", h.Name)
		}
	}
	hosts[0].Name = "changed"
	if DefaultPadHosts()[0].Name == "changed" {
		t.Error("DefaultPadHosts shares its slice between calls")
	}
}

func TestNewPadURL(t *testing.T) {
	hosts := DefaultPadHosts()
	name := regexp.MustCompile(`^[` + padAlphabet + `]{10}$`)
	seen := map[string]bool{}
	usedHosts := map[string]bool{}
	for i := 0; i < 200; i++ {
		u, err := NewPadURL(rand.Reader, hosts)
		if err != nil {
			t.Fatal(err)
		}
		h, ok := HostOf(u, hosts)
		if !ok {
			t.Fatalf("%q is on no known host", u)
		}
		usedHosts[h.Name] = true
		if !name.MatchString(strings.TrimPrefix(u, h.BaseURL)) {
			t.Errorf("%q: pad name is not 10 unambiguous characters", u)
		}
		if seen[u] {
			t.Errorf("%q drawn twice", u)
		}
		seen[u] = true
	}
	if len(usedHosts) < len(hosts)/2 {
		t.Errorf("200 draws used only %d of %d hosts", len(usedHosts), len(hosts))
	}
	if strings.ContainsAny(padAlphabet, "0o1l") || len(padAlphabet) != 32 {
		t.Errorf("alphabet %q must have 32 symbols without 0, o, 1, l", padAlphabet)
	}
}

func TestNewPadURLErrors(t *testing.T) {
	if _, err := NewPadURL(rand.Reader, nil); !errors.Is(err, ErrNoPadHost) {
		t.Errorf("no hosts: %v, want ErrNoPadHost", err)
	}
	if _, err := NewPadURL(bytes.NewReader([]byte{1, 2}), DefaultPadHosts()); err == nil {
		t.Error("short random source: no error")
	}
	bad := []PadHost{{Name: "x", BaseURL: "ftp://pad.example.org/p/"}}
	if _, err := NewPadURL(rand.Reader, bad); !errors.Is(err, ErrPadURL) {
		t.Errorf("ftp host: %v, want ErrPadURL", err)
	}
}

func TestStablePadURL(t *testing.T) {
	hosts := DefaultPadHosts()
	a, err := StablePadURL("Entraide au 12 rue des Lilas|secret", hosts)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := StablePadURL("Entraide au 12 rue des Lilas|secret", hosts)
	c, _ := StablePadURL("Entraide au 14 rue des Lilas|secret", hosts)
	if a != b {
		t.Errorf("same seed gave %q then %q", a, b)
	}
	if a == c {
		t.Errorf("different seeds gave the same link %q", a)
	}
	one := []PadHost{{Name: "mine", BaseURL: "https://pad.example.org/p/", Operator: "Us"}}
	d, _ := StablePadURL("x", one)
	if !strings.HasPrefix(d, "https://pad.example.org/p/") || len(d) != len("https://pad.example.org/p/")+PadNameLen {
		t.Errorf("single host: %q", d)
	}
}

func TestParsePadHosts(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want error
		base string
	}{
		{"one default", `{"hosts":[{"name":"mine","base_url":"https://pad.example.org/p","operator":"Us"}]}`, nil, "https://pad.example.org/p/"},
		{"empty", `{"hosts":[]}`, ErrNoPadHost, ""},
		{"not http", `{"hosts":[{"name":"x","base_url":"javascript:alert(1)"}]}`, ErrPadURL, ""},
		{"unknown field", `{"hosts":[],"extra":1}`, nil, ""},
		{"not json", `hosts:`, nil, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			hosts, err := ParsePadHosts(strings.NewReader(tc.in))
			if tc.base != "" {
				if err != nil || len(hosts) != 1 || hosts[0].BaseURL != tc.base {
					t.Fatalf("got %v, %v; want base %q", hosts, err, tc.base)
				}
				return
			}
			if err == nil {
				t.Fatal("no error")
			}
			if tc.want != nil && !errors.Is(err, tc.want) {
				t.Errorf("error %v, want %v", err, tc.want)
			}
		})
	}
}
