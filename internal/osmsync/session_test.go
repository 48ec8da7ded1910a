package osmsync

import (
	"bytes"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"
)

func TestSealer(t *testing.T) {
	secret := bytes.Repeat([]byte{7}, 32)
	now := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	sess, err := NewSealer(secret, "session")
	if err != nil {
		t.Fatal(err)
	}
	s, err := NewSession(User{ID: 42, DisplayName: "Mapper"}, &oauth2.Token{AccessToken: "secret-token", TokenType: "Bearer"})
	if err != nil {
		t.Fatal(err)
	}
	text, err := sess.Seal(s, now.Add(SessionTTL))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(text, "secret-token") || strings.Contains(text, "Mapper") {
		t.Fatal("sealed value shows its content")
	}
	var got Session
	if err := sess.Open(text, now.Add(time.Hour), &got); err != nil {
		t.Fatal(err)
	}
	if got.UserID != 42 || got.Token.AccessToken != "secret-token" || !got.CheckCSRF(s.CSRF) {
		t.Errorf("opened %+v", got)
	}
	login, _ := NewSealer(secret, "login")
	other, _ := NewSealer(bytes.Repeat([]byte{8}, 32), "session")
	flip := []byte(text)
	flip[len(flip)/2] ^= 1
	tests := []struct {
		name string
		s    *Sealer
		text string
		at   time.Time
		want error
	}{
		{"expired", sess, text, now.Add(SessionTTL), ErrExpired},
		{"other purpose", login, text, now, ErrBadSeal},
		{"other secret", other, text, now, ErrBadSeal},
		{"altered", sess, string(flip), now, ErrBadSeal},
		{"garbage", sess, "%%%", now, ErrBadSeal},
		{"empty", sess, "", now, ErrBadSeal},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var v Session
			if err := tc.s.Open(tc.text, tc.at, &v); !errors.Is(err, tc.want) {
				t.Errorf("Open = %v, want %v", err, tc.want)
			}
		})
	}
	if _, err := NewSealer([]byte("short"), "x"); err == nil {
		t.Error("a short secret was accepted")
	}
	if s.CheckCSRF("") || s.CheckCSRF(s.CSRF+"x") || (Session{}).CheckCSRF("") {
		t.Error("CheckCSRF accepts a wrong value")
	}
	c := Cookie(SessionCookie, text, SessionTTL, http.SameSiteStrictMode)
	if !c.Secure || !c.HttpOnly || c.SameSite != http.SameSiteStrictMode || c.Path != "/mapper" || c.MaxAge != 43200 {
		t.Errorf("cookie %+v", c)
	}
}
