package sekoiatest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/netip"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/socgo/xdr/internal/argcheck"
)

// qword is a word of a query as read: its text with escapes removed, and
// the anchored pattern it stands for when it holds a wildcard.
type qword struct {
	raw     string
	text    string
	pattern string // RE2 source, when wild
	escaped bool   // a backslash was used
	wild    bool   // an unescaped * or ?
}

// word reads a word: up to white space, a parenthesis, a double quote or,
// when stopAtColon, an unescaped colon.
func (lx *qlexer) word(stopAtColon bool) (qword, error) {
	start := lx.i
	var text, pat strings.Builder
	w := qword{}
	for lx.i < len(lx.s) {
		r, n := utf8.DecodeRuneInString(lx.s[lx.i:])
		if unicode.IsSpace(r) || r == '(' || r == ')' || r == '"' || (stopAtColon && r == ':') {
			break
		}
		switch r {
		case '\\':
			if lx.i+n >= len(lx.s) {
				return w, &queryError{lx.i, "the query ends with a lone backslash"}
			}
			e, m := utf8.DecodeRuneInString(lx.s[lx.i+n:])
			w.escaped = true
			text.WriteRune(e)
			pat.WriteString(regexp.QuoteMeta(string(e)))
			lx.i += n + m
			continue
		case '*', '?':
			w.wild = true
			text.WriteRune(r)
			if r == '*' {
				pat.WriteString(".*")
			} else {
				pat.WriteString(".")
			}
		case '[', ']', '{', '}':
			return w, &queryError{lx.i, fmt.Sprintf("unescaped %q in a word (ranges are field:[X TO Y] or field:{X TO Y})", r)}
		case '~', '^':
			return w, &queryError{lx.i, fmt.Sprintf("fuzzy (~) and boost (^) operators are not supported; escape %q as \\%c", r, r)}
		default:
			text.WriteRune(r)
			pat.WriteString(regexp.QuoteMeta(string(r)))
		}
		lx.i += n
	}
	w.raw, w.text, w.pattern = lx.s[start:lx.i], text.String(), pat.String()
	if strings.Contains(w.raw, "&&") || strings.Contains(w.raw, "||") {
		return w, &queryError{start, "&& and || are not supported; use AND and OR"}
	}
	return w, nil
}

// into makes the word the literal of t: a lone * is opExists (every event
// when bare), a word with wildcards a pattern, any other word its text.
func (w qword) into(t *qterm, pos int, bare bool) error {
	if w.raw == "*" {
		t.op = opExists
		return nil
	}
	if r := w.raw[0]; (r == '+' || r == '!' || r == '-') && !queryNumber(w.raw) {
		what := "term"
		if !bare {
			what = "value of " + strconv.Quote(argcheck.Short(t.field))
		}
		return &queryError{pos, fmt.Sprintf("prefix operator %q before the %s is not supported (use NOT, or escape it as \\%c)", r, what, r)}
	}
	t.text, t.words = w.text, len(strings.Fields(w.text))
	if w.wild {
		t.re = regexp.MustCompile(`^(?s:` + w.pattern + `)$`) // quoted literals and .* and .: always valid
		t.words = max(t.words, 1)
	}
	return nil
}

// literal reads a "phrase" or a /regexp/ into t.
func (lx *qlexer) literal(t *qterm) error {
	start := lx.i
	quote := lx.s[start]
	var b strings.Builder
	i := start + 1
	closed := false
	for i < len(lx.s) {
		c := lx.s[i]
		if c == quote {
			closed = true
			i++
			break
		}
		if c == '\\' && i+1 < len(lx.s) {
			if quote == '"' || lx.s[i+1] == '/' {
				b.WriteByte(lx.s[i+1]) // a phrase takes the next byte as is; a regexp keeps its own escapes
				i += 2
				continue
			}
			b.WriteString(lx.s[i : i+2])
			i += 2
			continue
		}
		b.WriteByte(c)
		i++
	}
	lx.i = i
	what := "phrase"
	if quote == '/' {
		what = "regular expression"
	}
	if !closed {
		return &queryError{start, fmt.Sprintf("unterminated %s (no closing %c)", what, quote)}
	}
	if !lx.atDelim() {
		hint := ""
		if quote == '/' {
			hint = " (quote a value that starts with a slash)"
		}
		return &queryError{lx.i, fmt.Sprintf("a %s must be followed by a space or a parenthesis%s", what, hint)}
	}
	src := b.String()
	if !utf8.ValidString(src) {
		return &queryError{start, fmt.Sprintf("%s is not valid UTF-8", what)}
	}
	if quote == '"' {
		t.text, t.words = src, len(strings.Fields(src))
		return nil
	}
	re, err := regexp.Compile(`^(?:` + src + `)$`)
	if err != nil {
		return &queryError{start, fmt.Sprintf("regular expression %q: %v", argcheck.Short(src), err)}
	}
	t.re, t.words = re, 1
	return nil
}

// match reports whether the event doc (decoded with UseNumber) matches
// the term.
func (t *qterm) match(doc any) bool {
	if t.field == "" {
		return queryLeaves(doc, t.matchBare)
	}
	return queryResolve(doc, t.field, func(v any) bool {
		switch t.op {
		case opExists:
			return v != nil
		case opRange:
			return t.inRange(v)
		}
		s, ok := queryText(v)
		return ok && t.matchText(s)
	})
}

func (t *qterm) matchText(s string) bool {
	if t.re != nil {
		return t.re.MatchString(s)
	}
	return s == t.text
}

// matchBare matches a value of any field: the whole value, or a run of
// as many of its words as the literal holds.
func (t *qterm) matchBare(v any) bool {
	if t.op == opRange {
		return t.inRange(v)
	}
	s, ok := queryText(v)
	if !ok {
		return false
	}
	if t.matchText(s) {
		return true
	}
	if _, isString := v.(string); !isString || t.words == 0 {
		return false
	}
	words := strings.Fields(s)
	want := t.text
	if t.re == nil {
		want = strings.Join(strings.Fields(t.text), " ")
	}
	for i := 0; i+t.words <= len(words); i++ {
		run := strings.Join(words[i:i+t.words], " ")
		if t.re != nil && t.re.MatchString(run) || t.re == nil && run == want {
			return true
		}
	}
	return false
}

// inRange reports whether v lies within the term's bounds.
func (t *qterm) inRange(v any) bool {
	for _, b := range []struct {
		q    qbound
		sign int
	}{{t.lo, 1}, {t.hi, -1}} {
		if !b.q.set {
			continue
		}
		c, ok := b.q.compare(v)
		if !ok || c*b.sign < 0 || c == 0 && !b.q.incl {
			return false
		}
	}
	return true
}

// compare compares v with the bound: -1, 0 or +1, and false when v is not
// of the bound's kind.
func (q qbound) compare(v any) (int, bool) {
	switch q.kind {
	case 'n':
		n, ok := v.(json.Number)
		if !ok {
			return 0, false
		}
		f, err := strconv.ParseFloat(string(n), 64)
		if err != nil {
			return 0, false
		}
		switch {
		case f < q.num:
			return -1, true
		case f > q.num:
			return 1, true
		}
		return 0, true
	case 't':
		s, ok := v.(string)
		if !ok {
			return 0, false
		}
		tv, ok := queryTime(s)
		if !ok {
			return 0, false
		}
		return tv.Compare(q.t), true
	case 'i':
		s, ok := v.(string)
		if !ok {
			return 0, false
		}
		ip, err := netip.ParseAddr(s)
		if err != nil || ip.Unmap().BitLen() != q.ip.BitLen() {
			return 0, false
		}
		return ip.Unmap().Compare(q.ip), true
	}
	return 0, false
}

// queryText is the text a value compares as: a string's content, a
// number or boolean as written; false for null, objects and lists.
func queryText(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case json.Number:
		return string(x), true
	case bool:
		return strconv.FormatBool(x), true
	}
	return "", false
}

// queryResolve calls f with each value that the dotted path names in v,
// through nested objects, flat dotted keys and lists (whose items are
// passed one by one), until f returns true; it reports whether f did.
func queryResolve(v any, path string, f func(any) bool) bool {
	switch x := v.(type) {
	case []any:
		for _, e := range x {
			if queryResolve(e, path, f) {
				return true
			}
		}
	case map[string]any:
		if val, ok := x[path]; ok && queryItems(val, f) {
			return true
		}
		for i := 0; i < len(path); i++ {
			if path[i] != '.' {
				continue
			}
			if sub, ok := x[path[:i]]; ok && queryResolve(sub, path[i+1:], f) {
				return true
			}
		}
	}
	return false
}

// queryItems calls f with v, or with each item of the list v (nested lists
// flattened), until f returns true.
func queryItems(v any, f func(any) bool) bool {
	if l, ok := v.([]any); ok {
		for _, e := range l {
			if queryItems(e, f) {
				return true
			}
		}
		return false
	}
	return f(v)
}

// queryLeaves calls f with every value of v that is not an object or a
// list, until f returns true.
func queryLeaves(v any, f func(any) bool) bool {
	switch x := v.(type) {
	case []any:
		for _, e := range x {
			if queryLeaves(e, f) {
				return true
			}
		}
		return false
	case map[string]any:
		for _, e := range x {
			if queryLeaves(e, f) {
				return true
			}
		}
		return false
	}
	return f(v)
}

// decodeEvent decodes an event for matching, numbers kept as written.
func decodeEvent(raw []byte) (any, error) {
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	var doc any
	err := d.Decode(&doc)
	return doc, err
}
