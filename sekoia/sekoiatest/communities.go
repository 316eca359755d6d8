package sekoiatest

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/socgo/xdr/sekoia"
)

type communityStore struct {
	s           *Server
	mu          sync.Mutex
	communities []*sekoia.Community
	stages      []sekoia.KillChainStage
}

func newCommunityStore(s *Server) *communityStore {
	st := &communityStore{s: s}
	// The default community was made a year before the server started.
	created := s.Now().Truncate(24*time.Hour).AddDate(-1, 0, 0)
	st.communities = append(st.communities, &sekoia.Community{
		UUID: DefaultCommunityUUID, Name: "Fake SOC", Description: "The community of the sekoiatest server",
		CreatedAt: created, UpdatedAt: created, CreatedBy: seqUUID(0xa9, 1), CreatedByType: "avatar",
		IsMFAEnforced: true, SessionTimeout: 60, Plans: []json.RawMessage{}, Features: []string{},
	})
	for i, st2 := range [...][3]string{
		{"Reconnaissance", "reconnaissance", "Intruder selects target, researches it, and attempts to identify vulnerabilities in the target network."},
		{"Weaponization", "weaponization", "Intruder creates remote access malware weapon, such as a virus or worm, tailored to one or more vulnerabilities."},
		{"Delivery", "delivery", "Intruder transmits weapon to target (e.g., via e-mail attachments, websites or USB drives)."},
		{"Exploitation", "exploitation", "Malware weapon's program code triggers, which takes action on target network to exploit vulnerability."},
		{"Installation", "installation", "Malware weapon installs access point (e.g., backdoor) usable by intruder."},
		{"Command and Control", "command-and-control", "Malware enables intruder to have persistent access to target network."},
		{"Actions on Objectives", "actions-on-objectives", "Intruder takes action to achieve their goals, such as data exfiltration, data destruction, or encryption for ransom."},
	} {
		st.stages = append(st.stages, sekoia.KillChainStage{
			OrderID: i + 1, UUID: seqUUID(0xcc, i+1), ShortID: shortID("KC", 1000+i),
			Name: st2[0], STIXName: st2[1], Description: st2[2],
		})
	}
	return st
}

func (st *communityStore) register(mux *http.ServeMux) {
	mux.HandleFunc("GET /v1/communities", st.handleList)
	mux.HandleFunc("GET /v1/communities/{uuid}", st.handleGet)
	mux.HandleFunc("GET /v1/sic/kill-chains", st.handleStages)
	mux.HandleFunc("GET /v1/sic/kill-chains/{id}", st.handleStage)
}

// AddCommunity stores a community (UUID and times filled when missing) and
// returns it. The server starts with one, DefaultCommunityUUID.
func (s *Server) AddCommunity(c sekoia.Community) sekoia.Community {
	st := s.communities
	st.mu.Lock()
	defer st.mu.Unlock()
	c.Raw = nil
	if c.UUID == "" {
		c.UUID = newUUID()
	}
	if c.CreatedAt.IsZero() {
		c.CreatedAt = s.nowUTC()
		c.UpdatedAt = c.CreatedAt
	}
	if c.CreatedBy == "" {
		c.CreatedBy, c.CreatedByType = seqUUID(0xa9, 1), "avatar"
	}
	st.communities = append(st.communities, &c)
	return c
}

// KillChainStages returns the seven stages the server holds.
func (s *Server) KillChainStages() []sekoia.KillChainStage {
	st := s.communities
	st.mu.Lock()
	defer st.mu.Unlock()
	return slices.Clone(st.stages)
}

func (st *communityStore) handleList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	limit, offset, ok := paging(w, q, 20, 100)
	if !ok {
		return
	}
	names, uuids := csv(q.Get("match[name]")), csv(q.Get("match[uuid]"))
	st.mu.Lock()
	defer st.mu.Unlock()
	var items []*sekoia.Community
	for _, c := range st.communities {
		switch {
		case len(names) > 0 && !slices.ContainsFunc(names, func(n string) bool { return strings.EqualFold(n, c.Name) }),
			len(uuids) > 0 && !slices.Contains(uuids, c.UUID),
			q.Get("disabled") != "" && (q.Get("disabled") == "true") != c.Disabled,
			q.Get("parent") != "" && (q.Get("parent") == "true") != c.IsParent:
			continue
		}
		items = append(items, c)
	}
	if q.Get("sort") == "name" {
		desc := q.Get("direction") == "desc"
		slices.SortStableFunc(items, func(x, y *sekoia.Community) int {
			c := strings.Compare(x.Name, y.Name)
			if desc {
				c = -c
			}
			return c
		})
	}
	writeJSON(w, http.StatusOK, pageBody(items, limit, offset))
}

func (st *communityStore) handleGet(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	st.mu.Lock()
	defer st.mu.Unlock()
	for _, c := range st.communities {
		if c.UUID == r.PathValue("uuid") && (!c.Disabled || q.Get("include_disabled") == "true") {
			out := *c
			if q.Get("include_licenses") == "true" && out.Licenses == nil {
				out.Licenses = []json.RawMessage{}
			}
			writeJSON(w, http.StatusOK, &out)
			return
		}
	}
	writeError(w, http.StatusNotFound, "", "Community not found")
}

func (st *communityStore) handleStages(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	limit, offset, ok := paging(w, q, 20, 100)
	if !ok {
		return
	}
	names, ids := csv(q.Get("match[name]")), csv(q.Get("match[short_id]"))
	st.mu.Lock()
	defer st.mu.Unlock()
	var items []sekoia.KillChainStage
	for _, k := range st.stages {
		if len(names) > 0 && !slices.Contains(names, k.Name) || len(ids) > 0 && !slices.Contains(ids, k.ShortID) {
			continue
		}
		items = append(items, k)
	}
	writeJSON(w, http.StatusOK, pageBody(items, limit, offset))
}

func (st *communityStore) handleStage(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	st.mu.Lock()
	defer st.mu.Unlock()
	for _, k := range st.stages {
		if k.UUID == id || k.ShortID == id {
			writeJSON(w, http.StatusOK, k)
			return
		}
	}
	writeError(w, http.StatusNotFound, "", "Unknown kill chain")
}
