package jsonscan

import (
	"bytes"
	"encoding/json"
	"strings"
	"unicode/utf8"
)

// This file is the one hand-written object decoder of the module: a
// single pass over a buffer that fills a struct's typed fields from a
// field table and skips the other members. It accepts only the plain JSON
// the APIs send (member names spelled exactly as in the table, each at
// most once, values of the expected JSON type, strings without \u
// escapes); on anything else it reports !ok and the caller decodes the
// input again with encoding/json, which gives the same result or the
// error. The packages that use it fuzz both paths against each other.

// Field is one member of a table: its name as sent and, set by one of
// the constructors, how its value is decoded: into the field an accessor
// returns, or by a Value function given the buffer and the index of the
// value's first byte, which returns the index just past the value (or
// false to give the input up; it checks what it reads).
type Field[T any] struct {
	Name   string
	str    func(*T) *string
	num    bool // str: a number is taken as its text
	i64    func(*T) *int64
	int    func(*T) *int
	intPtr func(*T) **int64
	bool   func(*T) *bool
	value  func(v *T, b []byte, i int) (end int, ok bool)
}

// String is a string member (null leaves the field unchanged).
func String[T any](name string, f func(*T) *string) Field[T] { return Field[T]{Name: name, str: f} }

// StringOrNumber is a string member that may also be sent as a number,
// which it keeps as its text, exactly as written (null leaves the field
// unchanged): the ids that some servers send either way.
func StringOrNumber[T any](name string, f func(*T) *string) Field[T] {
	return Field[T]{Name: name, str: f, num: true}
}

// Int64 is an integer member (null leaves the field unchanged).
func Int64[T any](name string, f func(*T) *int64) Field[T] { return Field[T]{Name: name, i64: f} }

// Int is an integer member held in an int (null leaves it unchanged).
func Int[T any](name string, f func(*T) *int) Field[T] { return Field[T]{Name: name, int: f} }

// IntPtr is an integer member held in a *int64 (null sets nil).
func IntPtr[T any](name string, f func(*T) **int64) Field[T] {
	return Field[T]{Name: name, intPtr: f}
}

// Bool is a boolean member (null leaves the field unchanged).
func Bool[T any](name string, f func(*T) *bool) Field[T] { return Field[T]{Name: name, bool: f} }

// Value is a member that f decodes itself.
func Value[T any](name string, f func(v *T, b []byte, i int) (end int, ok bool)) Field[T] {
	return Field[T]{Name: name, value: f}
}

// Table is the field table of a struct type T, at most 64 members.
type Table[T any] struct {
	// slots is an open-addressed hash of the names: field index + 1, or 0.
	slots  [256]uint8
	fields []Field[T]
}

// slot returns the first slot of key (cheaper than a map's hash: the
// names of a table differ in length or in these bytes).
func slot(key []byte) uint8 {
	n := len(key)
	if n == 0 {
		return 0
	}
	return uint8(n*7 + int(key[0])*31 + int(key[n-1])*131 + int(key[n/2])*17)
}

// lookup returns the index of the field named key, or -1.
func (t *Table[T]) lookup(key []byte) int {
	for h := slot(key); ; h++ {
		k := int(t.slots[h]) - 1
		if k < 0 {
			return -1
		}
		if t.fields[k].Name == string(key) {
			return k
		}
	}
}

// NewTable returns the table of fields. It panics when it holds more than
// 64 fields or a name twice (a programming error, found at start-up).
func NewTable[T any](fields ...Field[T]) *Table[T] {
	if len(fields) > 64 {
		panic("jsonscan: more than 64 fields")
	}
	t := &Table[T]{fields: fields}
	for k, f := range fields {
		if t.lookup([]byte(f.Name)) >= 0 {
			panic("jsonscan: field " + f.Name + " twice")
		}
		h := slot([]byte(f.Name))
		for t.slots[h] != 0 {
			h++
		}
		t.slots[h] = uint8(k + 1)
	}
	return t
}

// folds reports whether encoding/json, which matches member names without
// regard to case, could take key for one of the table's fields.
func (t *Table[T]) folds(key []byte) bool {
	for _, c := range key {
		if c >= utf8.RuneSelf {
			return true // Unicode folding: leave it to encoding/json
		}
	}
	for _, f := range t.fields {
		if len(f.Name) == len(key) && strings.EqualFold(f.Name, string(key)) {
			return true
		}
	}
	return false
}

// Decoder holds the buffer being decoded and the allocations its values
// share: string text goes to one arena (when reserved) or is gathered and
// made into strings with one allocation per Flush (the text of escaped
// strings waits unescaped in the Decoder), and the integers behind pointer
// fields come from one slab. Declare one (var d Decoder) and Init it; it
// is never handed to the tables' functions, so it stays on the stack. A
// Decoder must not be copied once used.
type Decoder struct {
	b []byte
	// trusted: b is known to be valid JSON, skipped values are not checked.
	trusted bool
	arena   strings.Builder
	ints    []int64
	npend   int
	psize   int
	pend    [32]pending
	// unesc holds the unescaped text of the gathered escaped strings,
	// unesc[:nunesc] (pending refers to it by offsets: a slice of it kept
	// in the Decoder would move the Decoder to the heap).
	unesc  [1024]byte
	nunesc int
}

// pending is a string gathered for Flush: its text, or when text is nil
// unesc[off:off+n].
type pending struct {
	dst    *string
	text   []byte
	off, n int
}

// Init prepares d for b, forgetting any previous use. trusted says that
// b is valid JSON (encoding/json or jsontext checked it), so that skipped
// members need no check. reserve is the arena's size for string text (0:
// none, strings are gathered until Flush); text beyond it is gathered too.
func (d *Decoder) Init(b []byte, trusted bool, reserve int) {
	d.b, d.trusted = b, trusted
	d.arena, d.ints = strings.Builder{}, nil
	clear(d.pend[:d.npend])
	d.npend, d.psize, d.nunesc = 0, 0, 0
	if reserve > 0 {
		d.arena.Grow(reserve)
	}
}

// Space returns the index of the first byte from i on that is not white
// space.
func (d *Decoder) Space(i int) int { return SkipSpace(d.b, i) }

// Object decodes the object starting at b[i] into v with the fields of t
// and returns the index just past it. Members not in t are skipped (and
// checked unless the buffer is trusted). It gives up on escaped or
// case-folded names of fields and on repeated fields.
func Object[T any](d *Decoder, t *Table[T], v *T, i int) (end int, ok bool) {
	b := d.b
	if i >= len(b) || b[i] != '{' {
		return 0, false
	}
	i = SkipSpace(b, i+1)
	if i < len(b) && b[i] == '}' {
		return i + 1, true
	}
	var seen uint64
	for {
		// The member name: a plain string.
		if i >= len(b) || b[i] != '"' {
			return 0, false
		}
		ks := i + 1
		ke := ks
		for ke < len(b) && b[ke] != '"' {
			if c := b[ke]; c == '\\' || c < 0x20 {
				return 0, false
			}
			ke++
		}
		if ke >= len(b) {
			return 0, false
		}
		key := b[ks:ke]
		i = SkipSpace(b, ke+1)
		if i >= len(b) || b[i] != ':' {
			return 0, false
		}
		i = SkipSpace(b, i+1)
		if k := t.lookup(key); k >= 0 {
			if seen&(1<<k) != 0 {
				return 0, false
			}
			seen |= 1 << k
			switch f := &t.fields[k]; {
			case f.str != nil:
				i, ok = d.string(f.str(v), i, f.num)
			case f.i64 != nil:
				i, ok = d.int64(f.i64(v), i)
			case f.int != nil:
				i, ok = d.int(f.int(v), i)
			case f.intPtr != nil:
				i, ok = d.intPtr(f.intPtr(v), i)
			case f.bool != nil:
				i, ok = d.bool(f.bool(v), i)
			default:
				i, ok = f.value(v, b, i)
			}
		} else {
			if t.folds(key) {
				return 0, false
			}
			i, ok = d.skip(i)
		}
		if !ok {
			return 0, false
		}
		var done bool
		if i, done, ok = next(b, i, '}'); done || !ok {
			return i, ok
		}
	}
}

// next reads, from b[i] on, what follows a member or element of an object
// or array that closer ends: done with the index past it, or the index
// of the next member or element after a comma.
func next(b []byte, i int, closer byte) (j int, done, ok bool) {
	i = SkipSpace(b, i)
	switch {
	case i >= len(b):
		return 0, false, false
	case b[i] == ',':
		return SkipSpace(b, i+1), false, true
	case b[i] == closer:
		return i + 1, true, true
	}
	return 0, false, false
}

// skip passes over the value at i and returns the index just past it,
// checking that it is valid JSON unless the buffer is trusted.
func (d *Decoder) skip(i int) (int, bool) {
	end, ok := ValueEnd(d.b, i)
	if !ok || end == i || !d.trusted && !json.Valid(d.b[i:end]) {
		return 0, false
	}
	return end, true
}

// IsNull reports whether the literal null starts at b[i].
func IsNull(b []byte, i int) bool {
	return len(b)-i >= 4 && string(b[i:i+4]) == "null"
}

// int64 decodes an integer (null leaves *v unchanged). Numbers with a
// fraction or an exponent, and those of more than 18 digits, give up.
func (d *Decoder) int64(v *int64, i int) (int, bool) {
	b := d.b
	if IsNull(d.b, i) {
		return i + 4, true
	}
	neg := false
	if i < len(b) && b[i] == '-' {
		neg = true
		i++
	}
	s := i
	for i < len(b) && b[i] >= '0' && b[i] <= '9' {
		i++
	}
	digits := i - s
	if digits == 0 || digits > 18 || (digits > 1 && b[s] == '0') {
		return 0, false
	}
	if i < len(b) {
		switch b[i] {
		case '.', 'e', 'E':
			return 0, false
		}
	}
	var n int64
	for _, c := range b[s:i] {
		n = n*10 + int64(c-'0')
	}
	if neg {
		n = -n
	}
	*v = n
	return i, true
}

// int decodes an integer into an int (null leaves *v unchanged).
func (d *Decoder) int(v *int, i int) (int, bool) {
	var n int64
	end, ok := d.int64(&n, i)
	if ok && !IsNull(d.b, i) {
		*v = int(n)
		ok = int64(*v) == n
	}
	return end, ok
}

// intPtr decodes an integer into a new *int64 taken from the slab; null
// sets nil.
func (d *Decoder) intPtr(p **int64, i int) (int, bool) {
	if IsNull(d.b, i) {
		*p = nil
		return i + 4, true
	}
	var n int64
	end, ok := d.int64(&n, i)
	if !ok {
		return 0, false
	}
	if len(d.ints) == cap(d.ints) {
		d.ints = make([]int64, 0, 512)
	}
	d.ints = append(d.ints, n)
	*p = &d.ints[len(d.ints)-1]
	return end, true
}

// bool decodes true or false (null leaves *v unchanged).
func (d *Decoder) bool(v *bool, i int) (int, bool) {
	b := d.b
	switch {
	case len(b)-i >= 4 && string(b[i:i+4]) == "true":
		*v = true
		return i + 4, true
	case len(b)-i >= 5 && string(b[i:i+5]) == "false":
		*v = false
		return i + 5, true
	case IsNull(d.b, i):
		return i + 4, true
	}
	return 0, false
}

// ScanString returns the index just past the string starting at b[i],
// and whether it holds escapes or bytes that are not ASCII; ok is false if
// no complete JSON string starts there (or it holds a control byte).
func ScanString(b []byte, i int) (end int, escaped, nonASCII, ok bool) {
	if i >= len(b) || b[i] != '"' {
		return 0, false, false, false
	}
	for j := i + 1; j < len(b); j++ {
		switch c := b[j]; {
		case c == '"':
			return j + 1, escaped, nonASCII, true
		case c == '\\':
			escaped = true
			j++ // the escaped byte; checked when unescaped
		case c < 0x20:
			return 0, false, false, false
		case c >= utf8.RuneSelf:
			nonASCII = true
		}
	}
	return 0, false, false, false
}

// string decodes a string into *v (null leaves *v unchanged), or, when
// num is set, a number as its text. The text goes to the arena when it
// fits, else it is gathered for Flush, which must run before *v is read.
// Invalid UTF-8 and \u escapes give up.
func (d *Decoder) string(v *string, i int, num bool) (int, bool) {
	if IsNull(d.b, i) {
		return i + 4, true
	}
	if num && i < len(d.b) && (d.b[i] == '-' || d.b[i] >= '0' && d.b[i] <= '9') {
		end, ok := d.skip(i) // checks the number unless the buffer is trusted
		if !ok {
			return 0, false
		}
		d.text(v, d.b[i:end])
		return end, true
	}
	end, escaped, nonASCII, ok := ScanString(d.b, i)
	if !ok {
		return 0, false
	}
	body := d.b[i+1 : end-1]
	if nonASCII && !utf8.Valid(body) {
		return 0, false // encoding/json replaces invalid UTF-8
	}
	switch {
	case !escaped:
		d.text(v, body)
	case !d.escaped(v, body):
		return 0, false
	}
	return end, true
}

// text sets *v to body (no escapes): in the arena when it fits, else
// gathered for Flush.
func (d *Decoder) text(v *string, body []byte) {
	switch {
	case len(body) == 0:
		*v = ""
	case d.arena.Cap()-d.arena.Len() >= len(body):
		start := d.arena.Len()
		d.arena.Write(body)
		*v = d.arena.String()[start:]
	default:
		d.gather(pending{dst: v, text: body})
	}
}

// gather adds p to the strings set by the next Flush.
func (d *Decoder) gather(p pending) {
	if d.npend == len(d.pend) {
		d.Flush()
	}
	d.pend[d.npend] = p
	d.npend++
	d.psize += p.n + len(p.text)
}

// escaped sets *v to the text of body, which holds escapes: unescaped
// into unesc (which a Flush empties when full), then put in the arena when
// it fits or gathered for Flush. A body longer than unesc is unescaped
// into a buffer of its own (rare). It gives up on \u escapes and anything
// unusual.
func (d *Decoder) escaped(v *string, body []byte) bool {
	if d.npend == len(d.pend) || len(body) > len(d.unesc)-d.nunesc && len(body) <= len(d.unesc) {
		d.Flush() // before unesc is written: a Flush empties it
	}
	if len(body) > len(d.unesc)-d.nunesc {
		buf := make([]byte, len(body))
		n, ok := unescape(buf, body)
		if ok {
			d.text(v, buf[:n])
		}
		return ok
	}
	off := d.nunesc
	n, ok := unescape(d.unesc[off:], body) // unescaping only shrinks
	if !ok {
		return false
	}
	if d.arena.Cap()-d.arena.Len() >= n {
		start := d.arena.Len()
		d.arena.Write(d.unesc[off : off+n])
		*v = d.arena.String()[start:]
		return true
	}
	d.nunesc += n
	d.gather(pending{dst: v, off: off, n: n})
	return true
}

// Flush sets the strings gathered since the last Flush, with one
// allocation for all their text.
func (d *Decoder) Flush() {
	if d.npend == 0 {
		return
	}
	var sb strings.Builder
	sb.Grow(d.psize)
	for _, p := range d.pend[:d.npend] {
		if p.text != nil {
			sb.Write(p.text)
		} else {
			sb.Write(d.unesc[p.off : p.off+p.n])
		}
	}
	all := sb.String()
	off := 0
	for k := range d.pend[:d.npend] {
		p := &d.pend[k]
		n := p.n + len(p.text)
		*p.dst = all[off : off+n]
		off += n
		*p = pending{}
	}
	d.npend, d.psize, d.nunesc = 0, 0, 0
}

// unescape writes the text of the string body s, its escapes decoded, to
// dst (at least as long as s) and returns its length; \u escapes, and
// anything unusual, give up.
func unescape(dst, s []byte) (int, bool) {
	w := 0
	for len(s) > 0 {
		k := bytes.IndexByte(s, '\\')
		if k < 0 {
			return w + copy(dst[w:], s), true
		}
		w += copy(dst[w:], s[:k])
		if k+1 >= len(s) {
			return 0, false
		}
		var c byte
		switch s[k+1] {
		case '"', '\\', '/':
			c = s[k+1]
		case 'b':
			c = '\b'
		case 'f':
			c = '\f'
		case 'n':
			c = '\n'
		case 'r':
			c = '\r'
		case 't':
			c = '\t'
		default:
			return 0, false
		}
		dst[w] = c
		w++
		s = s[k+2:]
	}
	return w, true
}

// Array decodes the array starting at b[i], calling elem with the index
// of each element (elem returns the index just past it), and returns the
// index just past the array.
func (d *Decoder) Array(i int, elem func(i int) (int, bool)) (end int, ok bool) {
	b := d.b
	if i >= len(b) || b[i] != '[' {
		return 0, false
	}
	i = SkipSpace(b, i+1)
	if i < len(b) && b[i] == ']' {
		return i + 1, true
	}
	for {
		if i, ok = elem(i); !ok {
			return 0, false
		}
		var done bool
		if i, done, ok = next(b, i, ']'); done || !ok {
			return i, ok
		}
	}
}
