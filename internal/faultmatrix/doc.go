// Package faultmatrix holds the fault-matrix test of this module: every
// kind of misbehaving server (rate limits, 5xx bursts, cut and truncated
// bodies, HTML pages, slow answers, huge bodies, redirects to another
// origin, a page repeated for ever, an error echoing the credential)
// against the main list iterator and one write of each API package and
// the Sekoia.io intake. Each cell asserts the documented outcome and that
// no credential reaches a log line, an error string or an error field.
// The same calls also meet a connection refused once (the server starts
// listening at the first retry): every one of them, writes included,
// succeeds, and the server gets each write once.
package faultmatrix
