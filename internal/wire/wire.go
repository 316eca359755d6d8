// Package wire holds what the generated wire layers of the API packages
// (internal/wire/sekoia, tehtris, sentinelone) share: the request line
// their builders return, the direct encoders they call for the common
// parameters (direct.go) and the query helper of the parameters they leave
// to github.com/oapi-codegen/runtime (AddQuery). Package wiretest checks
// the builders against runtime.
package wire

import (
	"fmt"
	"net/http"
	"net/url"
)

// Request is the request line of one operation, as its generated builder
// makes it. Path has each path parameter escaped (url.PathEscape) and is
// never resolved, so that a "." or ".." segment reaches internal/rest's
// check; Query and Header hold the values decoded, to be encoded once when
// the request is sent.
type Request struct {
	Method string
	Path   string
	Query  url.Values
	Header http.Header
}

// AddQuery adds the values of one query fragment, as
// github.com/oapi-codegen/runtime encodes a parameter, to q.
func AddQuery(q url.Values, param, frag string) error {
	vs, err := url.ParseQuery(frag)
	if err != nil {
		return fmt.Errorf("query parameter %s: %w", param, err)
	}
	for k, v := range vs {
		q[k] = append(q[k], v...)
	}
	return nil
}
