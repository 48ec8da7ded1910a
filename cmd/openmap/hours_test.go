package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func runHoursCmd(t *testing.T, stdin string, args ...string) (string, string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	err := run(context.Background(), append([]string{"hours"}, args...), func(string) string { return "" }, strings.NewReader(stdin), &out, &errb)
	return out.String(), errb.String(), err
}

func TestHoursCommand(t *testing.T) {
	at := []string{"--at", "2025-07-14T10:00:00+02:00", "--at", "2025-07-15T10:00:00+02:00", "--at", "2025-07-15T23:30:00+02:00"}
	cases := []struct {
		name  string
		args  []string
		value string
		want  string
	}{
		{"valid with holiday", at, "Mo-Fr 09:00-18:00; PH off",
			`{"value":"Mo-Fr 09:00-18:00; PH off","valid":true,"error":null,"normalized":"Mo-Fr 09:00-18:00; PH off","warnings":[],"open":[false,true,false],"next_change":["2025-07-15T09:00:00+02:00","2025-07-15T18:00:00+02:00","2025-07-16T09:00:00+02:00"]}`},
		{"unknown is null (no PH rule: 14 July is a plain Monday)", at, `Mo-Fr 09:00-12:00 || "sur rendez-vous"`,
			`{"value":"Mo-Fr 09:00-12:00 || \"sur rendez-vous\"","valid":true,"error":null,"normalized":"Mo-Fr 09:00-12:00 || \"sur rendez-vous\"","warnings":[],"open":[true,true,null],"next_change":["2025-07-14T12:00:00+02:00","2025-07-15T12:00:00+02:00","2025-07-16T09:00:00+02:00"]}`},
		{"24/7 never changes", at[:2], "24/7",
			`{"value":"24/7","valid":true,"error":null,"normalized":"24/7","warnings":[],"open":[true],"next_change":[null]}`},
		{"strict rejects one-digit hours", at[:2], "Mo-Fr 8:00-18:00",
			`{"value":"Mo-Fr 8:00-18:00","valid":false,"error":"character 7: hours must have two digits (08:00, not 8:00)","normalized":null,"warnings":[],"open":[null],"next_change":[null]}`},
		{"lenient repairs", append(at[:2:2], "--lenient"), "Mo-Fr 8:00-18:00",
			`{"value":"Mo-Fr 8:00-18:00","valid":true,"error":null,"normalized":"Mo-Fr 08:00-18:00","warnings":["character 7: hour written with two digits"],"open":[true],"next_change":["2025-07-14T18:00:00+02:00"]}`},
		{"bad value", append(at[:2:2], "--lenient"), "nach Vereinbarung",
			`{"value":"nach Vereinbarung","valid":false,"error":"character 1: unexpected “nach”","normalized":null,"warnings":[],"open":[null],"next_change":[null]}`},
		{"Berlin holidays", []string{"--at", "2021-03-08T10:00:00+01:00", "--tz", "Europe/Berlin", "--country", "DE-BE"}, "Mo-Fr 09:00-18:00; PH off",
			`{"value":"Mo-Fr 09:00-18:00; PH off","valid":true,"error":null,"normalized":"Mo-Fr 09:00-18:00; PH off","warnings":[],"open":[false],"next_change":["2021-03-09T09:00:00+01:00"]}`},
		{"sunset at the given place", []string{"--at", "2025-06-21T21:50:00+02:00", "--lat", "48.8566", "--lon", "2.3522"}, "sunrise-sunset",
			`{"value":"sunrise-sunset","valid":true,"error":null,"normalized":"sunrise-sunset","warnings":[],"open":[true],"next_change":["2025-06-21T21:58:00+02:00"]}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, _, err := runHoursCmd(t, c.value+"\n", c.args...)
			if err != nil {
				t.Fatalf("run: %v", err)
			}
			if got := strings.TrimSuffix(out, "\n"); got != c.want {
				t.Errorf("got  %s\nwant %s", got, c.want)
			}
			var v map[string]any
			if err := json.Unmarshal([]byte(out), &v); err != nil {
				t.Errorf("not JSON: %v", err)
			}
		})
	}
}

func TestHoursCommandLines(t *testing.T) {
	out, _, err := runHoursCmd(t, "24/7\r\nMo 10:00-12:00\n\nfoo\n", "--at", "2025-06-02T11:00:00+02:00")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != 4 {
		t.Fatalf("%d lines, want one per input line:\n%s", len(lines), out)
	}
	for i, want := range []string{`"valid":true`, `"open":[true]`, `"error":"character 1: empty value"`, `"valid":false`} {
		if !strings.Contains(lines[i], want) {
			t.Errorf("line %d %s lacks %s", i+1, lines[i], want)
		}
	}
}

func TestHoursCommandUsage(t *testing.T) {
	for _, args := range [][]string{
		{"--at", "tomorrow"},
		{"--tz", "Mars/Olympus"},
		{"--lat", "91"},
		{"extra"},
	} {
		_, _, err := runHoursCmd(t, "24/7\n", args...)
		if !errors.Is(err, errUsage) || exitCode(err) != 2 {
			t.Errorf("%v: err %v, want a usage error", args, err)
		}
	}
}
