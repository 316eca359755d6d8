package tehtristest

import (
	"fmt"
	"net/http"
	"strings"
)

// Filter is a saved filter of the fake: it selects the events whose level
// is within MinLevel..MaxLevel (like "lvl": "5~9").
type Filter struct {
	// ID is set by AddFilter when empty.
	ID string
	// Name, Description and Module describe it in Filters.List.
	Name, Description, Module string
	// MinLevel and MaxLevel bound the level; MaxLevel 0 means 9.
	MinLevel, MaxLevel int
}

type filterEntry struct{ f Filter }

// AddFilter adds a saved filter and returns its id.
func (s *Server) AddFilter(f Filter) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if f.ID == "" {
		s.filterSeq++
		f.ID = fmt.Sprintf("%08x-0000-4000-8000-%012x", s.filterSeq, s.filterSeq)
	}
	if f.MaxLevel == 0 {
		f.MaxLevel = 9
	}
	s.filters = append(s.filters, &filterEntry{f: f})
	return f.ID
}

func (s *Server) listFilters(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	s.mu.Lock()
	out := make([]map[string]any, 0, len(s.filters))
	for _, fe := range s.filters {
		f := fe.f
		if n := q.Get("name"); n != "" && !strings.Contains(strings.ToLower(f.Name), strings.ToLower(n)) {
			continue
		}
		if m := q.Get("module"); m != "" && m != f.Module {
			continue
		}
		out = append(out, map[string]any{"id": f.ID, "name": f.Name, "description": f.Description, "module": f.Module})
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, out)
}
