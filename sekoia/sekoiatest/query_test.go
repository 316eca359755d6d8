package sekoiatest

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/socgo/xdr/internal/argcheck"
)

// queryEvent is the event the parser tests match against.
const queryEvent = `{"timestamp":"2026-03-01T12:00:00Z","host":{"name":"srv-01","ip":"10.0.0.5"},"host.os":"linux",
"user.name":"Joe","n":25,"f":2.5,"ok":true,"nil":null,"empty":[],"tags":["a","b c"],
"procs":[{"name":"cmd.exe"},{"name":"sh"}],"message":"User joe logged in from 10.0.0.5",
"ip6":"2001:db8::1","q":"say \"hi\"","star":"a*b","deep":[["x"],["y"]]}`

func TestQueryMatches(t *testing.T) {
	t.Parallel()
	doc, err := decodeEvent([]byte(queryEvent))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		q    string
		want bool
	}{
		// Everything.
		{``, true}, {`   `, true}, {`*`, true}, {`* AND n:25`, true}, {`NOT *`, false},
		// field:value, nested, flat and mixed dotted names.
		{`host.name:"srv-01"`, true}, {`host.name:srv-01`, true}, {`host.name:srv\-01`, true},
		{`host.name:srv-02`, false}, {`host.os:linux`, true}, {`user.name:Joe`, true},
		{`host.name:SRV-01`, false}, {`user.name:joe`, false}, {`Host.name:srv-01`, false}, // case-sensitive
		{`message:joe`, false}, {`message:"User joe"`, false}, // a field term is the whole value
		// Wildcards: in words, not in phrases; escaped, they are literal.
		{`host.name:srv*`, true}, {`host.name:srv-0?`, true}, {`host.name:srv?`, false},
		{`host.name:*01`, true}, {`host.name:"srv*"`, false},
		{`star:a\*b`, true}, {`star:"a*b"`, true}, {`host.name:srv\*`, false},
		// Escapes in phrases.
		{`q:"say \"hi\""`, true}, {`q:"say \"ho\""`, false},
		// Numbers and booleans as their JSON text.
		{`n:25`, true}, {`n:"25"`, true}, {`n:25.0`, false}, {`f:2.5`, true},
		{`ok:true`, true}, {`ok:false`, false}, {`nil:null`, false},
		// Lists: one item matches; lists of objects; nested lists.
		{`tags:a`, true}, {`tags:"b c"`, true}, {`tags:b`, false},
		{`procs.name:sh`, true}, {`procs.name:cmd*`, true}, {`procs.name:bash`, false}, {`deep:y`, true},
		// Existence.
		{`host.name:*`, true}, {`host:*`, true}, {`nil:*`, false}, {`empty:*`, false}, {`missing:*`, false},
		// Comparisons and ranges: numbers, dates, IP addresses.
		{`n:>24`, true}, {`n:>25`, false}, {`n:>=25`, true}, {`n:<25`, false}, {`n:<=25`, true}, {`n:<1e3`, true},
		{`n:[20 TO 30]`, true}, {`n:[25 TO 25]`, true}, {`n:[26 TO 30]`, false}, {`f:[-1 TO 2.5]`, true},
		{`host.name:>1`, false}, // not a number
		{`timestamp:>=2026-03-01`, true}, {`timestamp:>2026-03-01T12:00:00Z`, false},
		{`timestamp:<2026-03-01T13:00:00+01:00`, false}, {`timestamp:[2026-02-28 TO 2026-03-02]`, true},
		{`host.ip:[10.0.0.0 TO 10.0.0.255]`, true}, {`host.ip:[10.0.1.0 TO 10.0.1.255]`, false},
		{`ip6:[2001:db8:: TO 2001:db8::ffff]`, true}, {`host.ip:>2001:db8::`, false},
		// Regular expressions, anchored.
		{`path:"/usr/bin/sh"`, false}, {`message:/User .* from .*/`, true}, {`message:/logged/`, false}, {`host.name:/srv-\d+/`, true},
		{`host.name:/srv\/01/`, false},
		// Terms without a field: any value, or a run of a string's words.
		{`srv-01`, true}, {`joe`, true}, {`Joe`, true}, {`"logged in"`, true}, {`"in  logged"`, false},
		{`"joe logged in"`, true}, {`log*`, true}, {`25`, true}, {`linux`, true}, {`nobody`, false},
		{`/sr.-01/`, true}, {`cmd.exe`, true}, {`x`, true},
		// AND, OR, NOT, precedence and parentheses.
		{`host.name:srv-01 AND n:25`, true}, {`host.name:srv-01 AND n:26`, false},
		{`host.name:x OR n:25`, true}, {`host.name:x OR n:26`, false},
		{`NOT n:25`, false}, {`NOT NOT n:25`, true}, {`n:25 AND NOT host.name:x`, true},
		{`n:1 OR n:25 AND host.name:x`, false}, // n:1 OR (n:25 AND host.name:x)
		{`(n:1 OR n:25) AND host.name:srv-01`, true},
		{`NOT n:25 OR ok:true`, true}, // (NOT n:25) OR ok:true
		{`NOT (n:25 OR n:1)`, false}, {`((n:25))`, true},
		{`event.type:connection AND NOT action.outcome:failure AND destination.domain:evil*`, false},
		// Grouped values: the field applies to each term of the group.
		{`host.name:(srv-01 OR srv-02)`, true}, {`host.name:(srv-02 OR srv-03)`, false},
		{`host.name:(srv-01 AND srv-02)`, false}, {`tags:(a AND "b c")`, true}, // one item each
		{`host.name:(NOT srv-02)`, true}, {`host.name:(NOT srv-01)`, false},
		{`host.name:(srv-02 OR NOT srv-01)`, false}, {`host.name:(srv* AND NOT *02)`, true},
		{`host.name:("srv-01")`, true}, {`host.name:("srv*" OR srv?1)`, false}, {`host.name:(/srv-\d+/)`, true},
		{`host.name:(*)`, true}, {`nil:(*)`, false}, {`host.name:(srv\-01)`, true},
		{`host.name:( srv-02 OR ( srv-03 OR srv-01 ) )`, true}, {`host.name:((srv-01))`, true},
		{`host.name:(srv-02 OR srv-01 AND srv-03)`, false}, // srv-02 OR (srv-01 AND srv-03)
		{`host.name:((srv-02 OR srv-01) AND srv*)`, true},
		{`message:(joe OR "User joe")`, false}, // a field term is the whole value, in a group too
		{`n:(24 OR 25)`, true}, {`n:(>=20 AND <30)`, true}, {`n:(>25 OR <25)`, false},
		{`n:([1 TO 2] OR {24 TO 26})`, true}, {`n:([1 TO 2] OR {25 TO 26})`, false},
		{`host.name:(x OR y) OR n:25`, true}, {`NOT host.name:(x OR y)`, true},
		{`n:1 OR host.name:(srv-01) AND n:26`, false}, // n:1 OR (host.name:srv-01 AND n:26)
		{`(host.name:(srv-01 OR x) AND user.name:(Joe)) OR n:1`, true},
		// Exclusive and mixed ranges: { } leave the bound out.
		{`n:{24 TO 26}`, true}, {`n:{25 TO 26}`, false}, {`n:{24 TO 25}`, false}, {`n:{25 TO 25}`, false},
		{`n:[25 TO 26}`, true}, {`n:[24 TO 25}`, false}, {`n:{24 TO 25]`, true}, {`n:{25 TO 26]`, false},
		{`n:{2.4e1 TO 25.5}`, true}, {`f:{2.4999 TO 2.5001}`, true}, {`f:{2.5 TO 3}`, false},
		{`timestamp:{2026-03-01 TO 2026-03-02}`, true}, {`timestamp:{2026-03-01T12:00:00Z TO 2026-03-02}`, false},
		{`timestamp:[2026-03-01T12:00:00Z TO 2026-03-02}`, true}, {`timestamp:{2026-02-28 TO 2026-03-01T13:00:00+01:00]`, true},
		{`timestamp:{2026-02-28 TO 2026-03-01T13:00:00+01:00}`, false},
		{`host.ip:{10.0.0.4 TO 10.0.0.6}`, true}, {`host.ip:{10.0.0.5 TO 10.0.0.6}`, false}, {`host.ip:[10.0.0.1 TO 10.0.0.5}`, false},
		{`host.name:{1 TO 2}`, false}, {`n:{24 TO 26} AND NOT n:{25 TO 30]`, true},
	} {
		n, err := parseQuery(tc.q)
		if err != nil {
			t.Errorf("%s: refused: %v", tc.q, err)
			continue
		}
		if got := n == nil || n.match(doc); got != tc.want {
			t.Errorf("%s: match = %v, want %v", tc.q, got, tc.want)
		}
	}
}

func TestQueryRefused(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ q, want string }{
		{`host.name:srv-01 host.name:srv-02`, `no AND or OR before "host.name:srv-02"`},
		{`a and b`, `no AND or OR before "and"`},
		{`a (b)`, `no AND or OR before "("`},
		{`a NOT b`, `no AND or OR before "NOT"`},
		{`a && b`, `&& and || are not supported`},
		{`a || b`, `&& and || are not supported`},
		{`host.name:`, `field "host.name" has no value`},
		{`host.name: x`, `has no value`},
		{`:x`, `no field name`},
		{`host.name:"srv`, `unterminated phrase`},
		{`/abc`, `unterminated regular expression`},
		{`x:/(a/`, `regular expression "(a"`},
		{`"a"b`, `must be followed by a space`},
		{`path:/usr/bin/sh`, `quote a value that starts with a slash`},
		{`(a OR b`, `unbalanced '('`},
		{`a OR b)`, `unbalanced ')'`},
		{`()`, `empty parentheses`},
		{`a AND`, `ends where a term is expected`},
		{`NOT`, `ends where a term is expected`},
		{`AND a`, `AND where a term is expected`},
		{`a OR OR b`, `OR where a term is expected`},
		{`-host.name:x`, `prefix operator "-" before field "host.name"`},
		{`-x`, `prefix operator '-'`},
		{`+x`, `prefix operator '+'`},
		{`!x`, `prefix operator '!'`},
		{`host.name:!x`, `prefix operator '!' before the value of "host.name"`},
		{`host.*:x`, `wildcards in field name`},
		{`host..name:x`, `has an empty part`},
		{`.host:x`, `has an empty part`},
		{`ho$t:x`, `holds '$'`},
		{`ho\st:x`, `holds an escape`},
		{`host.name:(a b)`, `no AND or OR before "b"`},
		{`host.name:(a OR user.name:b)`, `unescaped ':' in the group of "host.name"`},
		{`host.name:(a OR b:(c))`, `unescaped ':' in the group of "host.name"`},
		{`ip:(2001:db8::1)`, `unescaped ':' in the group of "ip"`},
		{`host.name:()`, `empty group`},
		{`host.name:( )`, `empty group`},
		{`host.name:(a OR b`, `unbalanced '('`},
		{`host.name:(a OR (b)`, `unbalanced '('`},
		{`host.name:(a OR)`, `')' where a term is expected`},
		{`(a AND)`, `')' where a term is expected`},
		{`host.name:(AND a)`, `AND where a term is expected`},
		{`host.name:(-a)`, `prefix operator '-' before the value of "host.name"`},
		{`host.name:(a~2)`, `fuzzy (~) and boost (^)`},
		{`host.name:(a)b`, `no AND or OR before "b"`},
		{`x:(` + strings.Repeat("(", 70) + "a" + strings.Repeat(")", 71), `nests deeper than 64`},
		{`n:[1 TO *]`, `open bounds`},
		{`n:{* TO 2}`, `open bounds`},
		{`n:{1 TO *]`, `open bounds`},
		{`n:{1 2}`, `is not [X TO Y]`},
		{`n:{1 TO 2`, `unbalanced '{'`},
		{`n:{1 TO 2}x`, `must be followed by a space`},
		{`n:{1 TO 10.0.0.1}`, `mixes kinds`},
		{`n:{a TO b}`, `"a" is not a number, a date or an IP address`},
		{`n:{1 TO 2]]`, `must be followed by a space`},
		{`n:[1 2]`, `is not [X TO Y]`},
		{`n:[1 to 2]`, `is not [X TO Y]`},
		{`n:[1 TO 2`, `unbalanced '['`},
		{`n:[1 TO 2]x`, `must be followed by a space`},
		{`n:[1 TO 10.0.0.1]`, `mixes kinds`},
		{`n:>abc`, `"abc" is not a number, a date or an IP address`},
		{`n:>`, `has no value`},
		{`url:http://x`, `unescaped ':' in the value of "url"`},
		{`a~2`, `fuzzy (~) and boost (^)`},
		{`a^2`, `fuzzy (~) and boost (^)`},
		{`a[b`, `unescaped '['`},
		{`a\`, `lone backslash`},
		{"a\xff", `not valid UTF-8`},
		{strings.Repeat("(", 70) + "a" + strings.Repeat(")", 70), `nests deeper than 64`},
		{strings.Repeat("NOT ", 70) + "a", `nests deeper than 64`},
		{`x:` + strings.Repeat("y", 200) + ` z`, `no AND or OR before "z"`},
	} {
		_, err := parseQuery(tc.q)
		var qe *queryError
		if !errors.As(err, &qe) {
			t.Errorf("%s: accepted (err %v)", argcheck.Short(tc.q), err)
			continue
		}
		if !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), " at offset ") {
			t.Errorf("%s: error %q, want it to contain %q and the offset", argcheck.Short(tc.q), err, tc.want)
		}
	}
	// A long argument is quoted short.
	_, err := parseQuery(strings.Repeat("a", 500) + " b")
	if err == nil || len(err.Error()) > 250 {
		t.Errorf("long query: %v", err)
	}
}

func TestSearchBounds(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 1, 12, 0, 0, 500, time.UTC)
	for in, want := range map[string]time.Time{
		"now":                            now,
		"NOW":                            now,
		"-1h":                            now.Add(-time.Hour),
		"-90M":                           now.Add(-90 * time.Minute),
		"+3d":                            now.Add(72 * time.Hour),
		"-1w":                            now.Add(-7 * 24 * time.Hour),
		"-30s":                           now.Add(-30 * time.Second),
		"2026-02-01":                     time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC),
		"2026-02-01T10:00:00.250":        time.Date(2026, 2, 1, 10, 0, 0, 250e6, time.UTC),
		"2026-02-01 10:00:00":            time.Date(2026, 2, 1, 10, 0, 0, 0, time.UTC),
		"2026-02-01T10:00:00+02:00":      time.Date(2026, 2, 1, 8, 0, 0, 0, time.UTC),
		"2026-02-01T10:00:00.123456789Z": time.Date(2026, 2, 1, 10, 0, 0, 123456789, time.UTC),
	} {
		got, ok := searchBound(in, now)
		if !ok || !got.Equal(want) {
			t.Errorf("%s: %s %v, want %s", in, got, ok, want)
		}
	}
	if got, ok := searchBound("-999999999w", now); !ok || got.Year() > -19000000 {
		t.Errorf("far bound: %s %v", got, ok)
	}
	for _, bad := range []string{"", "yesterday", "1h", "-1y", "-h", "--1h", "-1234567890s", "2026-13-01", "-1.5h"} {
		if _, ok := searchBound(bad, now); ok {
			t.Errorf("%q accepted", bad)
		}
	}
}

func FuzzParseQuery(f *testing.F) {
	for _, s := range []string{
		``, `*`, `host.name:"srv-01"`, `a AND (b OR NOT c:d*)`, `n:[1 TO 2]`, `n:>=2026-03-01T00:00:00Z`,
		`x:/a(b|c)+/`, `"a \" b"`, `ip:[10.0.0.0 TO 10.255.255.255]`, `a\:b`, `((`, `NOT NOT x:?`,
		`x:(a OR "b c" AND NOT d*)`, `n:({1 TO 2] OR >=3)`, `x:((a) OR (/b/))`, `n:[1 TO 2}`,
	} {
		f.Add(s)
	}
	doc, err := decodeEvent([]byte(queryEvent))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, q string) {
		n, err := parseQuery(q)
		if err != nil {
			var qe *queryError
			if !errors.As(err, &qe) || qe.msg == "" || qe.pos < 0 || qe.pos > len(q) {
				t.Fatalf("%q: bad refusal %#v", q, err)
			}
			return
		}
		if n != nil {
			_ = n.match(doc)
		}
	})
}
