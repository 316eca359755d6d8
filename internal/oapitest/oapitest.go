// Package oapitest checks, in tests, that the requests a client sends and
// the responses it receives match the OpenAPI documents under openapi/.
package oapitest

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"

	"github.com/socgo/xdr/xdrtest"
)

// Validator validates traffic against one OpenAPI document.
type Validator struct {
	router routers.Router
	prefix string
}

var cache sync.Map // path → *Validator

// Load parses and validates the OpenAPI document at specPath. Request paths
// are matched after prefix (the API base path, like "/api") is removed.
func Load(t testing.TB, specPath, prefix string) *Validator {
	t.Helper()
	key := specPath + "\x00" + prefix
	if v, ok := cache.Load(key); ok {
		return v.(*Validator)
	}
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromFile(specPath)
	if err != nil {
		t.Fatalf("oapitest: load %s: %v", specPath, err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("oapitest: %s is not valid OpenAPI: %v", specPath, err)
	}
	doc.Servers = openapi3.Servers{{URL: "/"}}
	r, err := legacy.NewRouter(doc)
	if err != nil {
		t.Fatalf("oapitest: router for %s: %v", specPath, err)
	}
	v := &Validator{router: r, prefix: strings.TrimSuffix(prefix, "/")}
	cache.Store(key, v)
	return v
}

var opts = &openapi3filter.Options{
	AuthenticationFunc:    openapi3filter.NoopAuthenticationFunc,
	IncludeResponseStatus: true,
	MultiError:            false,
}

func (v *Validator) route(method, rawURL string) (*routers.Route, map[string]string, *http.Request, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, nil, nil, err
	}
	u.Scheme, u.Host = "", ""
	u.Path = strings.TrimPrefix(u.Path, v.prefix)
	u.RawPath = ""
	req, err := http.NewRequest(method, u.String(), nil)
	if err != nil {
		return nil, nil, nil, err
	}
	route, params, err := v.router.FindRoute(req)
	return route, params, req, err
}

// Request checks that a request (whose body is given separately) matches
// the document.
func (v *Validator) Request(method, rawURL string, header http.Header, body []byte) error {
	route, params, req, err := v.route(method, rawURL)
	if err != nil {
		return err
	}
	req.Header = header.Clone()
	if body != nil {
		req.Body = io.NopCloser(bytes.NewReader(body))
	}
	return openapi3filter.ValidateRequest(context.Background(), &openapi3filter.RequestValidationInput{
		Request: req, PathParams: params, Route: route, Options: opts,
	})
}

// Response checks that a response to method rawURL matches the document.
func (v *Validator) Response(method, rawURL string, status int, header http.Header, body []byte) error {
	route, params, req, err := v.route(method, rawURL)
	if err != nil {
		return err
	}
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route, Options: opts}
	out := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in, Status: status, Header: header, Options: opts,
	}
	out.SetBodyBytes(body)
	return openapi3filter.ValidateResponse(context.Background(), out)
}

// Transport wraps next so that every request and every response that goes
// through it is validated; a mismatch fails t.
//
// A request the document does not describe is reported once (its response
// is then not checked). A response marked by the fault package's Header is
// a deliberate fault, not a contract violation, and is not checked either,
// except for a Delay fault, whose response is the real one.
func (v *Validator) Transport(t testing.TB, next http.RoundTripper) http.RoundTripper {
	if next == nil {
		next = http.DefaultTransport
	}
	return rtFunc(func(r *http.Request) (*http.Response, error) {
		var body []byte
		if r.Body != nil {
			b, err := io.ReadAll(r.Body)
			if err != nil {
				return nil, err
			}
			_ = r.Body.Close()
			body = b
			r.Body = io.NopCloser(bytes.NewReader(b))
		}
		reqBody := body
		if r.Header.Get("Content-Encoding") == "gzip" {
			reqBody = nil // compressed bodies are checked by their own tests
		}
		checkResponse := true
		if err := v.Request(r.Method, r.URL.String(), r.Header, reqBody); err != nil {
			t.Errorf("oapitest: request %s %s does not match the spec: %v", r.Method, r.URL.Path, err)
			// Without a route the response cannot be checked: the same
			// error would be reported again.
			var re *routers.RouteError
			checkResponse = !errors.As(err, &re)
		}
		resp, err := next.RoundTrip(r)
		if err != nil {
			return resp, err
		}
		rb, rerr := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		if rerr != nil {
			// A cut body is the test's business, not the spec's: the
			// client reads the bytes that came, then the same error.
			resp.Body = io.NopCloser(io.MultiReader(bytes.NewReader(rb), errReader{rerr}))
			return resp, nil
		}
		resp.Body = io.NopCloser(bytes.NewReader(rb))
		if kind, ok := resp.Header[xdrtest.Header]; ok && (len(kind) != 1 || kind[0] != xdrtest.Delay.String()) {
			checkResponse = false
		}
		if checkResponse && resp.StatusCode < 300 {
			if err := v.Response(r.Method, r.URL.String(), resp.StatusCode, resp.Header, rb); err != nil {
				t.Errorf("oapitest: response %d to %s %s does not match the spec: %v", resp.StatusCode, r.Method, r.URL.Path, err)
			}
		}
		return resp, nil
	})
}

type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }

type rtFunc func(*http.Request) (*http.Response, error)

func (f rtFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
