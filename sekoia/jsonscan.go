package sekoia

import "github.com/socgo/xdr/internal/jsonscan"

// members calls f with the quoted key and the raw value of each member of
// the JSON object that b holds (after white space), in order, until f
// returns false. It stops where b is not such an object or ends early; it
// does not validate.
func members(b []byte, f func(key, val []byte) bool) {
	i := jsonscan.SkipSpace(b, 0)
	if i >= len(b) || b[i] != '{' {
		return
	}
	i = jsonscan.SkipSpace(b, i+1)
	for i < len(b) && b[i] == '"' {
		kEnd, ok := jsonscan.StringEnd(b, i)
		if !ok {
			return
		}
		key := b[i:kEnd]
		i = jsonscan.SkipSpace(b, kEnd)
		if i >= len(b) || b[i] != ':' {
			return
		}
		i = jsonscan.SkipSpace(b, i+1)
		vEnd, ok := jsonscan.ValueEnd(b, i)
		if !ok || !f(key, b[i:vEnd]) {
			return
		}
		i = jsonscan.SkipSpace(b, vEnd)
		if i < len(b) && b[i] == ',' {
			i = jsonscan.SkipSpace(b, i+1)
		}
	}
}
