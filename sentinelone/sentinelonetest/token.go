package sentinelonetest

import (
	"net/http"
	"time"
)

// tokenDetails serves POST /users/api-token-details: the body names the
// token ({"data": {"apiToken": "..."}}).
func (s *Server) tokenDetails(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Data struct {
			APIToken string `json:"apiToken"`
		} `json:"data"`
	}
	if !decodeBody(w, r, &req) {
		return
	}
	if req.Data.APIToken == "" {
		badParam(w, "data.apiToken: required")
		return
	}
	s.mu.Lock()
	st := s.tokens[req.Data.APIToken]
	var created, expires string
	if st != nil {
		created, expires = formatMillis(st.createdAt), formatMillis(st.expiresAt)
	}
	s.mu.Unlock()
	if st == nil {
		badParam(w, "data.apiToken: unknown token")
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": map[string]string{"createdAt": created, "expiresAt": expires}})
}

// generateToken serves POST /users/generate-api-token: it replaces the
// caller's token; the old one stops working at once.
func (s *Server) generateToken(w http.ResponseWriter, r *http.Request) {
	old, _ := bearer(r.Header.Get("Authorization"))
	s.mu.Lock()
	if st := s.tokens[old]; st != nil {
		st.revoked = true
	}
	tok := s.newTokenLocked(DefaultTokenLifetime)
	expires := formatMillis(s.tokens[tok].expiresAt)
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"data": map[string]string{"token": tok, "expiresAt": expires}})
}

func formatMillis(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05.000Z")
}
