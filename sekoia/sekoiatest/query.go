package sekoiatest

import (
	"fmt"
	"net/netip"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/socgo/xdr/internal/argcheck"
)

// The query language of the fake's event search.
//
// A job's term is parsed when the job is created, whatever its term_lang
// (dork or es-query-string: the fake knows one language); a term the fake
// does not understand is refused with 400 and a message naming the problem
// and its byte offset, so that a test never passes on a query that
// silently matches nothing. The subset is the one of Sekoia.io's "Events
// query language", with two forms of the Lucene query syntax it derives
// from (and that the es-query-string term_lang names) that Sekoia.io's
// page does not list: exclusive ranges and grouped values, given Lucene's
// meaning:
//
//   - field:value — one of the field's values is exactly value. A word may
//     hold the wildcards * (any run of characters) and ? (one character);
//     a backslash escapes the next character (\*, \:, \ , \\ ...).
//   - field:"quoted value" — exactly that text; \" and \\ (a backslash
//     before any character) are escapes; * and ? are not wildcards there.
//   - field:/regexp/ — the whole value matches the regular expression
//     (Go's RE2 syntax, anchored at both ends; \/ is a slash).
//   - field:* — the field has a value (present, not null, not an empty
//     list).
//   - field:>N, :>=N, :<N, :<=N and the ranges field:[X TO Y] (bounds
//     included), field:{X TO Y} (bounds left out) and the mixed [X TO Y}
//     and {X TO Y] — the value compares with a number (against JSON
//     numbers, as numbers), a date or date time ("2026-03-01", RFC 3339,
//     UTC when no zone is given; against strings holding such a time, as
//     instants) or an IP address (against strings holding an address of
//     the same family).
//   - field:( … ) — grouped values: the field applies to each term of the
//     group, which holds values only (words, wildcards, "phrases",
//     /regexps/, *, comparisons and ranges) combined with AND, OR, NOT and
//     parentheses: host.name:(srv-01 OR "srv 02") is host.name:srv-01 OR
//     host.name:"srv 02", and n:(>=10 AND <20) is n:>=10 AND n:<20. As in
//     Lucene, each term is matched on its own: tags:(a AND b) matches an
//     event whose list holds a and b in different items.
//   - a term without a field (a word, "a phrase" or /regexp/) matches when
//     any value of the event matches it as above, or any run of the
//     string's space-separated words does (one word, or as many as the
//     phrase holds).
//   - AND, OR and NOT (upper case only), NOT binding tighter than AND and
//     AND tighter than OR, and parentheses. Two terms with no operator
//     between them are refused: the real API's implicit operator is not
//     documented.
//   - an empty term or * alone matches every event.
//
// Field names are dotted paths: host.name resolves against nested objects
// ({"host":{"name":...}}), a flat key ({"host.name":...}) or a mix of
// both, and through lists (one item must match). Values compare as their
// JSON text: a string by its content, a number or a boolean as written in
// the event (n:25 matches 25 but not 25.0). Everything is case-sensitive:
// field names, values and the operators.
//
// Refused: lower-case operators, &&, ||, prefix operators (+, -, !), fuzzy
// (~) and boost (^) suffixes, open bounds (*) in ranges, a field inside a
// field:( … ) group (a nested group or field:value: any unescaped colon
// there), two terms of a group with no operator between them, an empty
// group, wildcards in field names, an unescaped colon in a value word,
// unbalanced quotes, slashes, brackets or parentheses, and nesting deeper
// than queryMaxDepth (groups count as parentheses).

// queryMaxDepth bounds the nesting of parentheses and NOTs.
const queryMaxDepth = 64

// queryError is a refused query: what is wrong and where (a byte offset).
type queryError struct {
	pos int
	msg string
}

func (e *queryError) Error() string { return fmt.Sprintf("%s at offset %d", e.msg, e.pos) }

// qnode is a parsed query; nil matches every event.
type qnode interface {
	match(doc any) bool
}

type (
	qand struct{ l, r qnode }
	qor  struct{ l, r qnode }
	qnot struct{ x qnode }
	qall struct{}
)

func (n qand) match(doc any) bool { return n.l.match(doc) && n.r.match(doc) }
func (n qor) match(doc any) bool  { return n.l.match(doc) || n.r.match(doc) }
func (n qnot) match(doc any) bool { return !n.x.match(doc) }
func (qall) match(any) bool       { return true }

// Operators of a term.
const (
	opEqual  = iota // field:value, or a bare value
	opExists        // field:*
	opRange         // field:>N, :>=N, :<N, :<=N, [X TO Y]
)

// qterm is one term of a query.
type qterm struct {
	field string // "" searches every field
	op    int
	text  string         // opEqual: the literal, when re is nil
	re    *regexp.Regexp // opEqual: a wildcard or regexp literal
	words int            // opEqual: the number of words of the literal
	lo    qbound         // opRange
	hi    qbound         // opRange
}

// qbound is one end of a comparison; an unset end is open.
type qbound struct {
	set  bool
	incl bool
	kind byte // 'n' number, 't' time, 'i' IP address
	num  float64
	t    time.Time
	ip   netip.Addr
}

// parseQuery parses a job's term; it returns nil for a term that matches
// every event.
func parseQuery(s string) (qnode, error) {
	if !utf8.ValidString(s) {
		return nil, &queryError{0, "the term is not valid UTF-8"}
	}
	p := &qparser{lx: qlexer{s: s}}
	if err := p.advance(); err != nil {
		return nil, err
	}
	if p.tok.kind == tokEOF {
		return nil, nil
	}
	n, err := p.parseOr(0)
	if err != nil {
		return nil, err
	}
	if p.tok.kind != tokEOF {
		return nil, p.unexpected()
	}
	if _, ok := n.(qall); ok {
		return nil, nil
	}
	return n, nil
}

// Token kinds.
const (
	tokEOF = iota
	tokLParen
	tokRParen
	tokAnd
	tokOr
	tokNot
	tokTerm
	tokGroup // field:( — the values up to the matching ')' take the field
)

type qtoken struct {
	kind  int
	pos   int
	raw   string // the token's text, for messages
	term  qnode  // tokTerm
	field string // tokGroup
}

type qparser struct {
	lx  qlexer
	tok qtoken
}

func (p *qparser) advance() error {
	t, err := p.lx.next()
	if err != nil {
		return err
	}
	p.tok = t
	return nil
}

// unexpected refuses the current token.
func (p *qparser) unexpected() error {
	switch p.tok.kind {
	case tokEOF:
		return &queryError{p.tok.pos, "the query ends where a term is expected"}
	case tokRParen:
		return &queryError{p.tok.pos, "unbalanced ')'"}
	case tokAnd, tokOr:
		return &queryError{p.tok.pos, p.tok.raw + " where a term is expected"}
	}
	return &queryError{p.tok.pos, fmt.Sprintf("unexpected %q", argcheck.Short(p.tok.raw))}
}

func (p *qparser) parseOr(depth int) (qnode, error) {
	l, err := p.parseAnd(depth)
	if err != nil {
		return nil, err
	}
	for p.tok.kind == tokOr {
		if err := p.advance(); err != nil {
			return nil, err
		}
		r, err := p.parseAnd(depth)
		if err != nil {
			return nil, err
		}
		l = qor{l, r}
	}
	return l, nil
}

func (p *qparser) parseAnd(depth int) (qnode, error) {
	l, err := p.parseUnary(depth)
	if err != nil {
		return nil, err
	}
	for {
		switch p.tok.kind {
		case tokAnd:
			if err := p.advance(); err != nil {
				return nil, err
			}
			r, err := p.parseUnary(depth)
			if err != nil {
				return nil, err
			}
			l = qand{l, r}
		case tokTerm, tokLParen, tokNot, tokGroup:
			return nil, &queryError{p.tok.pos, fmt.Sprintf("no AND or OR before %q (two terms need an operator between them; AND, OR and NOT are upper case)", argcheck.Short(p.tok.raw))}
		default:
			return l, nil
		}
	}
}

func (p *qparser) parseUnary(depth int) (qnode, error) {
	if depth >= queryMaxDepth {
		return nil, &queryError{p.tok.pos, fmt.Sprintf("the query nests deeper than %d parentheses and NOTs", queryMaxDepth)}
	}
	switch p.tok.kind {
	case tokNot:
		if err := p.advance(); err != nil {
			return nil, err
		}
		x, err := p.parseUnary(depth + 1)
		if err != nil {
			return nil, err
		}
		return qnot{x}, nil
	case tokLParen:
		return p.parseParens(depth, p.tok.pos, p.lx.group, "empty parentheses")
	case tokGroup:
		return p.parseParens(depth, p.tok.pos+len(p.tok.raw)-1, p.tok.field, fmt.Sprintf("empty group after field %q", argcheck.Short(p.tok.field)))
	case tokTerm:
		t := p.tok.term
		if err := p.advance(); err != nil {
			return nil, err
		}
		return t, nil
	case tokRParen:
		return nil, &queryError{p.tok.pos, "')' where a term is expected"}
	}
	return nil, p.unexpected()
}

// parseParens parses what follows the '(' at offset open, up to the
// matching ')'. group is the field that the values inside take: the one
// of field:( … ) (Lucene's field grouping: each term of the group is a
// value of the field), or the enclosing one for plain parentheses. empty
// is the refusal of "()".
func (p *qparser) parseParens(depth, open int, group, empty string) (qnode, error) {
	outer := p.lx.group
	p.lx.group = group // the tokens after the '(' are read with it
	if err := p.advance(); err != nil {
		return nil, err
	}
	if p.tok.kind == tokRParen {
		return nil, &queryError{open, empty}
	}
	x, err := p.parseOr(depth + 1)
	if err != nil {
		return nil, err
	}
	if p.tok.kind != tokRParen {
		if p.tok.kind == tokEOF {
			return nil, &queryError{open, "unbalanced '('"}
		}
		return nil, p.unexpected()
	}
	p.lx.group = outer // the token after the ')' is read without it
	if err := p.advance(); err != nil {
		return nil, err
	}
	return x, nil
}

// qlexer cuts a query into tokens; a term (field, operator and literal)
// is one token.
type qlexer struct {
	s     string
	i     int
	group string // inside field:( … ), the field of its values
}

func (lx *qlexer) peek() rune {
	if lx.i >= len(lx.s) {
		return -1
	}
	r, _ := utf8.DecodeRuneInString(lx.s[lx.i:])
	return r
}

// atDelim reports whether the lexer is at the end of a word.
func (lx *qlexer) atDelim() bool {
	r := lx.peek()
	return r == -1 || r == '(' || r == ')' || unicode.IsSpace(r)
}

func (lx *qlexer) next() (qtoken, error) {
	for lx.i < len(lx.s) {
		r, n := utf8.DecodeRuneInString(lx.s[lx.i:])
		if !unicode.IsSpace(r) {
			break
		}
		lx.i += n
	}
	start := lx.i
	switch lx.peek() {
	case -1:
		return qtoken{kind: tokEOF, pos: start}, nil
	case '(':
		lx.i++
		return qtoken{kind: tokLParen, pos: start, raw: "("}, nil
	case ')':
		lx.i++
		return qtoken{kind: tokRParen, pos: start, raw: ")"}, nil
	case '[', '{', '>', '<':
		if lx.group != "" { // a range or a comparison in field:( … )
			t := &qterm{field: lx.group, op: opEqual}
			if err := lx.value(t, start); err != nil {
				return qtoken{}, err
			}
			return qtoken{kind: tokTerm, pos: start, raw: lx.s[start:lx.i], term: t}, nil
		}
		// Elsewhere a word: '>' and '<' are text there, '[' and '{' refused.
	case '"', '/':
		t := &qterm{field: lx.group, op: opEqual}
		if err := lx.literal(t); err != nil {
			return qtoken{}, err
		}
		return qtoken{kind: tokTerm, pos: start, raw: lx.s[start:lx.i], term: t}, nil
	}
	w, err := lx.word(true)
	if err != nil {
		return qtoken{}, err
	}
	if !w.escaped {
		switch w.text {
		case "AND":
			return qtoken{kind: tokAnd, pos: start, raw: w.text}, nil
		case "OR":
			return qtoken{kind: tokOr, pos: start, raw: w.text}, nil
		case "NOT":
			return qtoken{kind: tokNot, pos: start, raw: w.text}, nil
		}
	}
	if lx.group != "" {
		return lx.groupValue(w, start)
	}
	if lx.peek() != ':' {
		t := &qterm{op: opEqual}
		if err := w.into(t, start, true); err != nil {
			return qtoken{}, err
		}
		if t.op == opExists { // a bare *: every event
			return qtoken{kind: tokTerm, pos: start, raw: w.text, term: qall{}}, nil
		}
		return qtoken{kind: tokTerm, pos: start, raw: w.text, term: t}, nil
	}
	if err := checkFieldName(w, start); err != nil {
		return qtoken{}, err
	}
	lx.i++ // the colon
	if lx.peek() == '(' {
		lx.i++
		return qtoken{kind: tokGroup, pos: start, raw: lx.s[start:lx.i], field: w.text}, nil
	}
	t := &qterm{field: w.text, op: opEqual}
	if err := lx.value(t, start); err != nil {
		return qtoken{}, err
	}
	return qtoken{kind: tokTerm, pos: start, raw: lx.s[start:lx.i], term: t}, nil
}

// groupValue makes the word w, read inside field:( … ), a value of the
// group's field.
func (lx *qlexer) groupValue(w qword, start int) (qtoken, error) {
	if lx.peek() == ':' {
		return qtoken{}, &queryError{lx.i, fmt.Sprintf("unescaped ':' in the group of %q (a group holds values of that field only; quote a value holding a colon or escape it as \\:)", argcheck.Short(lx.group))}
	}
	t := &qterm{field: lx.group, op: opEqual}
	if err := w.into(t, start, false); err != nil {
		return qtoken{}, err
	}
	return qtoken{kind: tokTerm, pos: start, raw: w.raw, term: t}, nil
}

// checkFieldName refuses what is not a dotted field name.
func checkFieldName(w qword, pos int) error {
	name := w.text
	switch {
	case w.escaped:
		return &queryError{pos, fmt.Sprintf("field name %q holds an escape", argcheck.Short(w.raw))}
	case w.wild:
		return &queryError{pos, fmt.Sprintf("wildcards in field name %q are not supported", argcheck.Short(name))}
	case name == "":
		return &queryError{pos, "a colon with no field name before it"}
	case name[0] == '-' || name[0] == '+' || name[0] == '!':
		return &queryError{pos, fmt.Sprintf("prefix operator %q before field %q is not supported (use NOT)", name[:1], argcheck.Short(name[1:]))}
	case name[0] == '.' || name[len(name)-1] == '.' || strings.Contains(name, ".."):
		return &queryError{pos, fmt.Sprintf("field name %q has an empty part", argcheck.Short(name))}
	}
	for _, r := range name {
		if !(unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune("_.@-", r)) {
			return &queryError{pos, fmt.Sprintf("field name %q holds %q", argcheck.Short(name), r)}
		}
	}
	return nil
}

// value reads what follows "field:".
func (lx *qlexer) value(t *qterm, start int) error {
	at := lx.i
	switch r := lx.peek(); {
	case r == -1 || unicode.IsSpace(r) || r == ')':
		return &queryError{start, fmt.Sprintf("field %q has no value", argcheck.Short(t.field))}
	case r == '[' || r == '{':
		return lx.rangeValue(t)
	case r == '"' || r == '/':
		return lx.literal(t)
	case r == '>' || r == '<':
		lx.i++
		incl := lx.peek() == '='
		if incl {
			lx.i++
		}
		w, err := lx.word(false)
		if err != nil {
			return err
		}
		if w.text == "" {
			return &queryError{at, fmt.Sprintf("comparison on %q has no value", argcheck.Short(t.field))}
		}
		b, err := parseBound(w.text, at)
		if err != nil {
			return err
		}
		b.incl = incl
		t.op = opRange
		if r == '>' {
			t.lo = b
		} else {
			t.hi = b
		}
		return nil
	}
	w, err := lx.word(true)
	if err != nil {
		return err
	}
	if lx.peek() == ':' {
		return &queryError{lx.i, fmt.Sprintf("unescaped ':' in the value of %q (quote the value or escape it as \\:)", argcheck.Short(t.field))}
	}
	return w.into(t, at, false)
}

// rangeValue reads [X TO Y], {X TO Y}, [X TO Y} or {X TO Y]: a square
// bracket includes its bound, a curly one leaves it out.
func (lx *qlexer) rangeValue(t *qterm) error {
	at := lx.i
	end := strings.IndexAny(lx.s[at:], "]}")
	if end < 0 {
		return &queryError{at, fmt.Sprintf("unbalanced '%c'", lx.s[at])}
	}
	parts := strings.Fields(lx.s[at+1 : at+end])
	lx.i = at + end + 1
	if len(parts) != 3 || parts[1] != "TO" {
		return &queryError{at, fmt.Sprintf("range %q is not [X TO Y] nor {X TO Y} (a square bracket includes its bound, a curly one leaves it out)", argcheck.Short(lx.s[at:lx.i]))}
	}
	if parts[0] == "*" || parts[2] == "*" {
		return &queryError{at, "open bounds (*) in ranges are not supported; use :>, :>=, :< or :<="}
	}
	lo, err := parseBound(parts[0], at)
	if err != nil {
		return err
	}
	hi, err := parseBound(parts[2], at)
	if err != nil {
		return err
	}
	if lo.kind != hi.kind {
		return &queryError{at, fmt.Sprintf("range %q mixes kinds of bounds", argcheck.Short(lx.s[at:lx.i]))}
	}
	if !lx.atDelim() {
		return &queryError{lx.i, "a range must be followed by a space or a parenthesis"}
	}
	lo.incl, hi.incl = lx.s[at] == '[', lx.s[at+end] == ']'
	t.op, t.lo, t.hi = opRange, lo, hi
	return nil
}

// parseBound reads a number, a date or date time, or an IP address.
func parseBound(s string, pos int) (qbound, error) {
	if queryNumber(s) {
		f, err := strconv.ParseFloat(s, 64)
		if err == nil {
			return qbound{set: true, kind: 'n', num: f}, nil
		}
	}
	if t, ok := queryTime(s); ok {
		return qbound{set: true, kind: 't', t: t}, nil
	}
	if ip, err := netip.ParseAddr(s); err == nil {
		return qbound{set: true, kind: 'i', ip: ip.Unmap()}, nil
	}
	return qbound{}, &queryError{pos, fmt.Sprintf("%q is not a number, a date or an IP address", argcheck.Short(s))}
}

// queryNumber reports whether s is a JSON number.
func queryNumber(s string) bool {
	i := 0
	if i < len(s) && s[i] == '-' {
		i++
	}
	digits := func() int {
		n := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
			n++
		}
		return n
	}
	if digits() == 0 {
		return false
	}
	if i < len(s) && s[i] == '.' {
		i++
		if digits() == 0 {
			return false
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if digits() == 0 {
			return false
		}
	}
	return i == len(s)
}

// queryTimeLayouts are the time forms of queries, bounds and events; a
// form without a zone is UTC.
var queryTimeLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05.999999999", "2006-01-02"}

// queryTime parses a date or date time.
func queryTime(s string) (time.Time, bool) {
	for _, layout := range queryTimeLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}
