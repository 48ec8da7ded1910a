package osmsync

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"golang.org/x/oauth2"
)

// Scopes are the OAuth 2 scopes openmap asks a mapper for: read the
// account's display name, upload changesets, open notes. Nothing more.
var Scopes = []string{"read_prefs", "write_api", "write_notes"}

// OutOfBand is the redirect URL of a login without a web server (the
// command line): OSM shows the code for the mapper to paste.
const OutOfBand = "urn:ietf:wg:oauth:2.0:oob"

// OAuthConfig builds the OAuth 2.0 configuration of an openmap instance
// registered on server (an "OAuth 2 application" in the mapper's OSM
// account settings, confidential or public). redirectURL is the instance's
// callback, e.g. https://example.org/mapper/callback.
func OAuthConfig(server Server, clientID, clientSecret, redirectURL string) (*oauth2.Config, error) {
	if server.Web == "" {
		server = Production
	}
	if clientID == "" {
		return nil, errors.New("osmsync: oauth config: empty client id")
	}
	if u, err := url.Parse(redirectURL); redirectURL != OutOfBand && (err != nil || u.Scheme == "" || u.Host == "") {
		return nil, fmt.Errorf("osmsync: oauth config: bad redirect URL %q", redirectURL)
	}
	web := strings.TrimRight(server.Web, "/")
	return &oauth2.Config{
		ClientID:     clientID,
		ClientSecret: clientSecret,
		Endpoint: oauth2.Endpoint{
			AuthURL:  web + "/oauth2/authorize",
			TokenURL: web + "/oauth2/token",
			// OSM accepts the client credentials in the body; a public
			// client (no secret) has no other way.
			AuthStyle: oauth2.AuthStyleInParams,
		},
		RedirectURL: redirectURL,
		Scopes:      Scopes,
	}, nil
}

// Login is one login attempt in progress: what the instance keeps (in a
// short-lived, HttpOnly cookie sealed by a Sealer, LoginCookie) between
// sending the mapper to OSM and the callback. Verifier is a secret: never
// logged, never in a URL.
type Login struct {
	State    string `json:"state"`    // compared with the callback's state (CSRF on the login)
	Verifier string `json:"verifier"` // the PKCE code verifier
	URL      string `json:"-"`        // where to send the mapper's browser
}

// StartLogin makes a new state and PKCE verifier and the authorization URL
// (code challenge S256).
func StartLogin(cfg *oauth2.Config) (Login, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return Login{}, fmt.Errorf("osmsync: start login: %w", err)
	}
	state := base64.RawURLEncoding.EncodeToString(b)
	verifier := oauth2.GenerateVerifier()
	return Login{
		State:    state,
		Verifier: verifier,
		URL:      cfg.AuthCodeURL(state, oauth2.S256ChallengeOption(verifier)),
	}, nil
}

// ErrLoginState is returned by FinishLogin when the callback's state is not
// the one the login started with (a forged or replayed callback).
var ErrLoginState = errors.New("osmsync: login state mismatch")

// FinishLogin checks the callback's state and exchanges its code (with the
// PKCE verifier) for a token. The query is the callback URL's query.
func FinishLogin(ctx context.Context, cfg *oauth2.Config, l Login, query url.Values) (*oauth2.Token, error) {
	if e := query.Get("error"); e != "" {
		return nil, fmt.Errorf("osmsync: login refused: %s %s", e, query.Get("error_description"))
	}
	if l.State == "" || query.Get("state") != l.State {
		return nil, ErrLoginState
	}
	code := query.Get("code")
	if code == "" {
		return nil, errors.New("osmsync: finish login: no code in the callback")
	}
	tok, err := cfg.Exchange(ctx, code, oauth2.VerifierOption(l.Verifier))
	if err != nil {
		return nil, fmt.Errorf("osmsync: finish login: exchange code: %w", err)
	}
	return tok, nil
}
