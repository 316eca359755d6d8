package sentinelonetest

import (
	"fmt"
	"strings"
	"unicode"
)

// The fake understands a subset of S1QL 1.0 and refuses the rest with a
// 400, so that a test never passes on a query the fake misread:
//
//	expr  := and { OR and }
//	and   := unary { AND unary }
//	unary := NOT unary | "(" expr ")" | field op value | field IS [NOT] EMPTY
//	op    := "=" | "!=" | Contains | ContainsCIS | StartsWith | EndsWith |
//	         In | "In Contains" | "Not In"
//	value := "text" | 'text' | number | * | "(" value { "," value } ")"
//
// Keywords are case-insensitive. "=" and "!=" compare exactly, Contains,
// StartsWith and EndsWith case-sensitively, ContainsCIS without case.
// Field names are matched against the event's members without case
// (AgentName is agentName), dots ignored, with the aliases of fieldAliases
// (SrcProcName is processName); a field the event lacks is empty. A value
// of * matches any non-empty field.

// fieldAliases maps S1QL and PowerQuery field names (lower case, without
// dots) to event members.
var fieldAliases = map[string]string{
	"srcprocname": "processName", "srcproccmdline": "processCmd", "srcprocimagepath": "processImagePath",
	"srcprocpid": "pid", "srcprocparentname": "parentProcessName", "srcprocuser": "user", "srcprocusername": "user",
	"srcprocessname": "processName", "srcprocesscmdline": "processCmd", "srcprocesspid": "pid",
	"srcprocessimagepath": "processImagePath", "srcprocessuser": "user", "srcprocessparentname": "parentProcessName",
	"tgtfilepath": "fileFullName", "tgtfilesha1": "sha1", "tgtfilesha256": "sha256", "tgtfilemd5": "md5",
	"endpointname": "agentName", "endpointos": "agentOs", "agentuuid": "agentUuid", "eventtype": "eventType",
	"objecttype": "objectType", "dstipaddress": "dstIp", "srcipaddress": "srcIp", "dstportnumber": "dstPort",
	"srcportnumber": "srcPort", "eventdnsrequest": "dnsRequest", "dnsrequest": "dnsRequest", "urladdress": "networkUrl",
	"url": "networkUrl", "registrykeypath": "registryPath", "eventtime": "createdAt", "siteid": "siteId",
	"sitename": "siteName", "agentname": "agentName",
}

// resolve returns the value of field in ev as text, and whether it is set.
func resolve(ev map[string]any, field string) (string, bool) {
	k := strings.ToLower(strings.ReplaceAll(field, ".", ""))
	if a, ok := fieldAliases[k]; ok {
		k = strings.ToLower(a)
	}
	for name, v := range ev {
		if strings.ToLower(name) == k {
			s := str(v)
			return s, s != ""
		}
	}
	return "", false
}

// cond is a parsed query: a function of an event.
type cond func(ev map[string]any) bool

type lexer struct {
	toks []string
	pos  int
}

// lex splits q into tokens: quoted strings keep their quote as first byte.
func lex(q string) ([]string, error) {
	var toks []string
	r := []rune(q)
	for i := 0; i < len(r); {
		c := r[i]
		switch {
		case unicode.IsSpace(c):
			i++
		case c == '(' || c == ')' || c == ',' || c == '*':
			toks = append(toks, string(c))
			i++
		case c == '=':
			toks = append(toks, "=")
			i++
		case c == '!' && i+1 < len(r) && r[i+1] == '=':
			toks = append(toks, "!=")
			i += 2
		case c == '"' || c == '\'':
			j := i + 1
			var b strings.Builder
			b.WriteRune(c)
			for ; j < len(r) && r[j] != c; j++ {
				if r[j] == '\\' && j+1 < len(r) {
					j++
				}
				b.WriteRune(r[j])
			}
			if j >= len(r) {
				return nil, fmt.Errorf("unterminated string at offset %d", i)
			}
			toks = append(toks, b.String())
			i = j + 1
		case unicode.IsLetter(c) || unicode.IsDigit(c) || c == '_' || c == '-' || c == '.':
			j := i
			for j < len(r) && (unicode.IsLetter(r[j]) || unicode.IsDigit(r[j]) || r[j] == '_' || r[j] == '-' || r[j] == '.') {
				j++
			}
			toks = append(toks, string(r[i:j]))
			i = j
		default:
			return nil, fmt.Errorf("unsupported character %q at offset %d", c, i)
		}
	}
	return toks, nil
}

func (l *lexer) peek() string {
	if l.pos < len(l.toks) {
		return l.toks[l.pos]
	}
	return ""
}

func (l *lexer) next() string {
	t := l.peek()
	if l.pos < len(l.toks) {
		l.pos++
	}
	return t
}

func (l *lexer) is(word string) bool { return strings.EqualFold(l.peek(), word) }

// parseS1QL parses the supported subset of S1QL; an error names what it
// did not understand.
func parseS1QL(q string) (cond, error) {
	toks, err := lex(q)
	if err != nil {
		return nil, err
	}
	if len(toks) == 0 {
		return nil, fmt.Errorf("empty query")
	}
	l := &lexer{toks: toks}
	c, err := l.expr()
	if err != nil {
		return nil, err
	}
	if l.pos != len(l.toks) {
		return nil, fmt.Errorf("unexpected %q", l.peek())
	}
	return c, nil
}

func (l *lexer) expr() (cond, error) {
	left, err := l.and()
	if err != nil {
		return nil, err
	}
	for l.is("OR") {
		l.next()
		right, err := l.and()
		if err != nil {
			return nil, err
		}
		a, b := left, right
		left = func(ev map[string]any) bool { return a(ev) || b(ev) }
	}
	return left, nil
}

func (l *lexer) and() (cond, error) {
	left, err := l.unary()
	if err != nil {
		return nil, err
	}
	for l.is("AND") {
		l.next()
		right, err := l.unary()
		if err != nil {
			return nil, err
		}
		a, b := left, right
		left = func(ev map[string]any) bool { return a(ev) && b(ev) }
	}
	return left, nil
}

func isField(t string) bool {
	if t == "" || !(unicode.IsLetter(rune(t[0]))) {
		return false
	}
	switch strings.ToUpper(t) {
	case "AND", "OR", "NOT", "IN", "IS", "CONTAINS", "CONTAINSCIS", "STARTSWITH", "ENDSWITH", "EMPTY":
		return false
	}
	return true
}

func (l *lexer) unary() (cond, error) {
	switch {
	case l.is("NOT"):
		l.next()
		c, err := l.unary()
		if err != nil {
			return nil, err
		}
		return func(ev map[string]any) bool { return !c(ev) }, nil
	case l.peek() == "(":
		l.next()
		c, err := l.expr()
		if err != nil {
			return nil, err
		}
		if l.next() != ")" {
			return nil, fmt.Errorf("missing )")
		}
		return c, nil
	}
	field := l.next()
	if !isField(field) {
		return nil, fmt.Errorf("expected a field name, got %q", field)
	}
	return l.comparison(field)
}

func (l *lexer) comparison(field string) (cond, error) {
	op := strings.ToUpper(l.next())
	switch op {
	case "IS":
		neg := false
		if l.is("NOT") {
			l.next()
			neg = true
		}
		if !l.is("EMPTY") {
			return nil, fmt.Errorf("expected EMPTY after IS, got %q", l.peek())
		}
		l.next()
		return func(ev map[string]any) bool { _, set := resolve(ev, field); return set == neg }, nil
	case "IN", "NOT":
		if op == "NOT" {
			if !l.is("IN") {
				return nil, fmt.Errorf("expected IN after NOT, got %q", l.peek())
			}
			l.next()
		}
		contains := false
		if op == "IN" && l.is("CONTAINS") {
			l.next()
			contains = true
		}
		vals, err := l.list()
		if err != nil {
			return nil, err
		}
		neg := op == "NOT"
		return func(ev map[string]any) bool {
			v, _ := resolve(ev, field)
			for _, w := range vals {
				if contains && strings.Contains(v, w) || !contains && v == w {
					return !neg
				}
			}
			return neg
		}, nil
	case "=", "!=", "CONTAINS", "CONTAINSCIS", "STARTSWITH", "ENDSWITH":
		if l.peek() == "*" && (op == "=" || op == "!=") {
			l.next()
			neg := op == "!="
			return func(ev map[string]any) bool { _, set := resolve(ev, field); return set != neg }, nil
		}
		w, err := l.value()
		if err != nil {
			return nil, err
		}
		match := map[string]func(v string) bool{
			"=":           func(v string) bool { return v == w },
			"!=":          func(v string) bool { return v != w },
			"CONTAINS":    func(v string) bool { return strings.Contains(v, w) },
			"CONTAINSCIS": func(v string) bool { return strings.Contains(strings.ToLower(v), strings.ToLower(w)) },
			"STARTSWITH":  func(v string) bool { return strings.HasPrefix(v, w) },
			"ENDSWITH":    func(v string) bool { return strings.HasSuffix(v, w) },
		}[op]
		return func(ev map[string]any) bool { v, _ := resolve(ev, field); return match(v) }, nil
	case "":
		return nil, fmt.Errorf("expected an operator after %q", field)
	}
	return nil, fmt.Errorf("unsupported operator %q", op)
}

func (l *lexer) value() (string, error) {
	t := l.next()
	switch {
	case t == "":
		return "", fmt.Errorf("expected a value")
	case t[0] == '"' || t[0] == '\'':
		return t[1:], nil
	case t[0] >= '0' && t[0] <= '9' || t[0] == '-':
		for _, c := range t[1:] {
			if (c < '0' || c > '9') && c != '.' {
				return "", fmt.Errorf("bad number %q", t)
			}
		}
		return t, nil
	}
	return "", fmt.Errorf("expected a quoted value or a number, got %q", t)
}

func (l *lexer) list() ([]string, error) {
	if l.next() != "(" {
		return nil, fmt.Errorf("expected ( after In")
	}
	var vals []string
	for {
		v, err := l.value()
		if err != nil {
			return nil, err
		}
		vals = append(vals, v)
		switch l.next() {
		case ",":
		case ")":
			return vals, nil
		default:
			return nil, fmt.Errorf("expected , or ) in list")
		}
	}
}
