// Package argcheck holds the rules every API package applies to its
// arguments the same way: how much of a bad argument an error may quote,
// and what a credential may hold.
package argcheck

import (
	"errors"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"
)

// MaxQuoted is the most bytes of an argument an error quotes.
const MaxQuoted = 100

// Short returns s cut to its first MaxQuoted bytes (never inside a
// character) followed by "…" when it is longer, for an error that quotes
// it with %q.
func Short(s string) string {
	if len(s) <= MaxQuoted {
		return s
	}
	cut := MaxQuoted
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// Quote returns Short(s) quoted as by %q.
func Quote(s string) string { return strconv.Quote(Short(s)) }

// Credential checks an API key or token before it is stored: not empty,
// valid UTF-8, and no white space or control byte (NUL, DEL and C1
// controls included), which could not travel in a header or would fail
// only when a request is sent. The error never quotes the credential.
func Credential(s string) error {
	switch {
	case s == "":
		return errors.New("is empty")
	case !utf8.ValidString(s):
		return errors.New("is not valid UTF-8")
	}
	for _, r := range s {
		if r <= ' ' || r == 0x7f || 0x80 <= r && r <= 0x9f {
			return errors.New("contains white space or a control character")
		}
	}
	return nil
}

// IsDotSegment reports whether s, used as one path segment, is "." or
// "..", or becomes one once percent-decoded (any number of times: "%2e",
// "%2E%2e", "%252e"): a normalising proxy would read such a segment as
// "this directory" or "the parent", so that DELETE /assets/{id}/tag/..
// deletes the asset.
func IsDotSegment(s string) bool {
	for range 8 {
		if s == "." || s == ".." {
			return true
		}
		if !strings.Contains(s, "%") {
			return false
		}
		u, err := url.PathUnescape(s)
		if err != nil || u == s {
			return false
		}
		s = u
	}
	return true // still decoding after 8 rounds: refuse
}
