package osmsync

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"golang.org/x/oauth2"
)

// Sealer encrypts and authenticates small values for cookies with
// AES-256-GCM, under a key derived from the server secret for one purpose
// ("login", "session"), so a value sealed for one purpose never opens as
// another. This is how a mapper's OSM token is kept: in the mapper's own
// cookie, encrypted, never on the server's disk nor in a log.
type Sealer struct {
	aead    cipher.AEAD
	purpose string
}

// ErrBadSeal is returned by Open for a value that was not sealed by this
// server for this purpose, or was altered.
var ErrBadSeal = errors.New("osmsync: bad sealed value")

// ErrExpired is returned by Open for a sealed value past its expiry.
var ErrExpired = errors.New("osmsync: sealed value expired")

// NewSealer derives the key of purpose from secret (at least 32 random
// bytes, such as the server secret the store creates at first start).
func NewSealer(secret []byte, purpose string) (*Sealer, error) {
	if len(secret) < 32 {
		return nil, errors.New("osmsync: new sealer: the secret needs at least 32 bytes")
	}
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte("openmap cookie key: " + purpose))
	block, err := aes.NewCipher(mac.Sum(nil))
	if err != nil {
		return nil, fmt.Errorf("osmsync: new sealer: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("osmsync: new sealer: %w", err)
	}
	return &Sealer{aead: aead, purpose: purpose}, nil
}

type sealed struct {
	V   json.RawMessage `json:"v"`
	Exp int64           `json:"exp"`
}

// Seal returns v (JSON-encoded) encrypted, valid until expires, as
// URL-safe base64 fit for a cookie.
func (s *Sealer) Seal(v any, expires time.Time) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("osmsync: seal: %w", err)
	}
	plain, err := json.Marshal(sealed{V: b, Exp: expires.Unix()})
	if err != nil {
		return "", fmt.Errorf("osmsync: seal: %w", err)
	}
	nonce := make([]byte, s.aead.NonceSize(), s.aead.NonceSize()+len(plain)+s.aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		return "", fmt.Errorf("osmsync: seal: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(s.aead.Seal(nonce, nonce, plain, []byte(s.purpose))), nil
}

// Open decrypts a value Seal made into v, checking its expiry against now.
func (s *Sealer) Open(text string, now time.Time, v any) error {
	b, err := base64.RawURLEncoding.DecodeString(text)
	if err != nil || len(b) < s.aead.NonceSize() {
		return ErrBadSeal
	}
	plain, err := s.aead.Open(nil, b[:s.aead.NonceSize()], b[s.aead.NonceSize():], []byte(s.purpose))
	if err != nil {
		return ErrBadSeal
	}
	var sv sealed
	if err := json.Unmarshal(plain, &sv); err != nil {
		return ErrBadSeal
	}
	if now.Unix() >= sv.Exp {
		return ErrExpired
	}
	if err := json.Unmarshal(sv.V, v); err != nil {
		return ErrBadSeal
	}
	return nil
}

// Session is a logged-in mapper, as kept in their sealed session cookie.
type Session struct {
	UserID      int64         `json:"uid"`
	DisplayName string        `json:"name"`
	Token       *oauth2.Token `json:"token"`
	// CSRF is the session's anti-forgery token: every mapper POST form
	// carries it in a hidden field, checked with CheckCSRF.
	CSRF string `json:"csrf"`
}

// NewSession starts the session of a mapper who just logged in.
func NewSession(u User, tok *oauth2.Token) (Session, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return Session{}, fmt.Errorf("osmsync: new session: %w", err)
	}
	return Session{UserID: u.ID, DisplayName: u.DisplayName, Token: tok, CSRF: base64.RawURLEncoding.EncodeToString(b)}, nil
}

// CheckCSRF reports whether a form's anti-forgery value is the session's
// (in constant time).
func (s Session) CheckCSRF(form string) bool {
	return s.CSRF != "" && subtle.ConstantTimeCompare([]byte(s.CSRF), []byte(form)) == 1
}

// Cookie names and lifetimes of the mapper pages.
const (
	LoginCookie   = "openmap_login"  // the sealed Login between /mapper/login and the callback
	SessionCookie = "openmap_mapper" // the sealed Session
	LoginTTL      = 10 * time.Minute // time to click "Authorize" on OSM
	SessionTTL    = 12 * time.Hour   // a mapper logs in again each day
)

// Cookie makes a cookie for the mapper pages: Secure, HttpOnly, limited to
// /mapper. The login cookie must be SameSite=Lax, since it comes back on the
// redirect from OSM; the session cookie is SameSite=Strict.
func Cookie(name, value string, ttl time.Duration, sameSite http.SameSite) *http.Cookie {
	return &http.Cookie{Name: name, Value: value, Path: "/mapper", MaxAge: int(ttl.Seconds()),
		Secure: true, HttpOnly: true, SameSite: sameSite}
}
