// Package argcheck holds the rules every API package applies to its
// arguments the same way: how much of a bad argument an error may quote,
// and what a credential may hold.
package argcheck

import (
	"errors"
	"strconv"
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
