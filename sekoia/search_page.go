package sekoia

import (
	"errors"
	"strconv"

	"github.com/socgo/xdr/internal/jsonpage"
	"github.com/socgo/xdr/internal/jsonscan"
)

// errNotPlain stops a one-pass decoder at a value it leaves to the
// general path (a page of search results, the ids of an intake answer).
var errNotPlain = errors.New("not plain")

// decodeEventPageOnePass reads a results page in one pass of the module's
// list decoder (internal/jsonpage), which checks the JSON as it cuts each
// event out of the body. ok is false for anything but a plain, valid
// page; decodeEventPage then gives the result or the error.
func decodeEventPageOnePass(body []byte) (page *eventPage, ok bool) {
	dec := jsonpage.NewDecoder(body)
	if tok, err := dec.ReadToken(); err != nil || tok.Kind() != '{' {
		return nil, false
	}
	page = &eventPage{}
	seenItems := false
	for dec.PeekKind() != '}' {
		name, escaped, err := jsonpage.Name(dec)
		if err != nil || escaped {
			return nil, false
		}
		switch string(name) {
		case "items":
			if dec.PeekKind() == 'n' {
				if _, err := dec.ReadValue(); err != nil {
					return nil, false
				}
				page.Events, seenItems = nil, true
				continue
			}
			// One scan counts the events, so that the slice is made once.
			n := 0
			jsonscan.Elements(body[jsonscan.SkipSpace(body, valueStart(body, int(dec.InputOffset()))):],
				func([]byte) bool { n++; return true })
			evs := make([]Event, 0, n)
			isArray, err := jsonpage.Array(dec, func() error {
				if dec.PeekKind() != '{' {
					return errNotPlain
				}
				v, err := jsonpage.Value(dec, body)
				evs = append(evs, Event{Raw: v})
				return err
			})
			if !isArray || err != nil {
				return nil, false
			}
			page.Events, seenItems = evs, true
		case "total":
			v, err := dec.ReadValue()
			if err != nil || v[0] != 'n' && v[0] != '-' && (v[0] < '0' || v[0] > '9') {
				return nil, false
			}
			if v[0] != 'n' {
				n, perr := strconv.ParseFloat(string(v), 64)
				if perr != nil {
					return nil, false
				}
				page.Total = int64(n)
			}
		case "paging_token":
			v, err := dec.ReadValue()
			if err != nil {
				return nil, false
			}
			if v[0] == '"' {
				page.PagingToken = evUnquote(v)
			}
		default:
			if err := dec.SkipValue(); err != nil {
				return nil, false
			}
		}
	}
	if _, err := dec.ReadToken(); err != nil || !seenItems ||
		jsonscan.SkipSpace(body, int(dec.InputOffset())) != len(body) {
		return nil, false
	}
	return page, true
}

// valueStart returns the index of the value that follows the member name
// ending at i: past white space and the colon.
func valueStart(b []byte, i int) int {
	i = jsonscan.SkipSpace(b, i)
	if i < len(b) && b[i] == ':' {
		i++
	}
	return i
}
