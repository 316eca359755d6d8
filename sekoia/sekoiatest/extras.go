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

// registerExtras adds the alert count, comment edit and deletion, alert
// custom fields, /v1/me and the asset lifecycle routes.
func (s *Server) registerExtras(mux *http.ServeMux) {
	mux.HandleFunc("GET /v1/sic/alerts/count", s.alerts.handleCount)
	// One PATCH route for the two six-segment shapes, which a ServeMux
	// cannot tell apart: /v1/sic/alerts/countermeasures/{cm}/activate|deny
	// and /v1/sic/alerts/{id}/comments/{comment}.
	mux.HandleFunc("PATCH /v1/sic/alerts/{id}/{sub}/{leaf}", s.handleAlertPatch3)
	mux.HandleFunc("DELETE /v1/sic/alerts/{id}/comments/{comment}", s.alerts.handleDeleteComment)
	mux.HandleFunc("PATCH /v1/sic/alerts/{id}/custom-fields", s.handleSetCustomFields)
	mux.HandleFunc("GET /v1/me", s.handleMe)
	mux.HandleFunc("PUT /v2/asset-management/assets/{uuid}/revoke", s.assets.handleRevoke(true))
	mux.HandleFunc("PUT /v2/asset-management/assets/{uuid}/restore", s.assets.handleRevoke(false))
	mux.HandleFunc("POST /v2/asset-management/assets/merge", s.assets.handleMerge)
	mux.HandleFunc("GET /v2/asset-management/assets/{uuid}/history", s.handleAssetHistory)
}

func (s *Server) handleAlertPatch3(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.PathValue("id") == "countermeasures":
		s.countermeasures.handleDecide(w, r, r.PathValue("sub"), r.PathValue("leaf"))
	case r.PathValue("sub") == "comments":
		s.alerts.handleEditComment(w, r)
	default:
		writeError(w, http.StatusNotFound, "", "Not found")
	}
}

// handleCount counts the alerts matching the list filters.
func (st *alertStore) handleCount(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	for _, k := range []string{"offset", "sort", "direction", "with_count", "stix", "cases"} {
		if q.Has(k) {
			writeError(w, http.StatusBadRequest, "", "Invalid parameters: "+k+" is not a count parameter")
			return
		}
	}
	q.Del("limit")
	st.mu.Lock()
	defer st.mu.Unlock()
	fs, ok := st.filters(w, q)
	if !ok {
		return
	}
	n := 0
	for _, rec := range st.list {
		if !slices.ContainsFunc(fs, func(f alertFilter) bool { return !f(&rec.a) }) {
			n++
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"total": n, "has_more": false})
}

// withComment runs f on the comment named by the path, or answers 404.
func (st *alertStore) withComment(w http.ResponseWriter, r *http.Request, f func(rec *alertRec, i int)) {
	st.withAlert(w, r, func(rec *alertRec) {
		id := r.PathValue("comment")
		if id == "" {
			id = r.PathValue("leaf")
		}
		i := slices.IndexFunc(rec.comments, func(c sekoia.Comment) bool { return c.UUID == id })
		if i < 0 {
			writeError(w, http.StatusNotFound, "", "Unknown comment")
			return
		}
		f(rec, i)
	})
}

func (st *alertStore) handleEditComment(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Content string `json:"content"`
	}
	if !decodeBody(w, r, &body) {
		return
	}
	if strings.TrimSpace(body.Content) == "" {
		writeError(w, http.StatusBadRequest, "", "content is required")
		return
	}
	st.withComment(w, r, func(rec *alertRec, i int) {
		rec.comments[i].Content = body.Content
		rec.item = nil
		writeJSON(w, http.StatusOK, rec.comments[i])
	})
}

func (st *alertStore) handleDeleteComment(w http.ResponseWriter, r *http.Request) {
	st.withComment(w, r, func(rec *alertRec, i int) {
		rec.comments = slices.Delete(rec.comments, i, i+1)
		rec.a.NumberOfTotalComments = len(rec.comments)
		rec.item = nil
		w.WriteHeader(http.StatusNoContent)
	})
}

// handleSetCustomFields sets custom field values of an alert; every field
// must be one the server holds (see AddCustomField).
func (s *Server) handleSetCustomFields(w http.ResponseWriter, r *http.Request) {
	var body struct {
		CustomFields []struct {
			UUID  string          `json:"uuid"`
			Value json.RawMessage `json:"value"`
		} `json:"custom_fields"`
	}
	if !decodeBody(w, r, &body) {
		return
	}
	if len(body.CustomFields) == 0 {
		writeError(w, http.StatusBadRequest, "", "custom_fields is required")
		return
	}
	set := make([]sekoia.AlertCustomField, 0, len(body.CustomFields))
	for _, v := range body.CustomFields {
		def, ok := s.custom.field(v.UUID)
		if !ok {
			writeError(w, http.StatusBadRequest, "", "Unknown custom field "+v.UUID)
			return
		}
		set = append(set, sekoia.AlertCustomField{UUID: def.UUID, Name: def.Name, Slug: def.Slug, Type: string(def.Type), Value: v.Value})
	}
	s.alerts.withAlert(w, r, func(rec *alertRec) {
		for _, f := range set {
			i := slices.IndexFunc(rec.a.CustomFields, func(c sekoia.AlertCustomField) bool { return c.UUID == f.UUID })
			switch {
			case i >= 0 && string(f.Value) == "null":
				rec.a.CustomFields = slices.Delete(rec.a.CustomFields, i, i+1)
			case i >= 0:
				rec.a.CustomFields[i] = f
			case string(f.Value) != "null":
				rec.a.CustomFields = append(rec.a.CustomFields, f)
			}
		}
		rec.item = nil
		out := rec.a.CustomFields
		if out == nil {
			out = []sekoia.AlertCustomField{}
		}
		writeJSON(w, http.StatusOK, map[string]any{"custom_fields": out})
	})
}

func (s *Server) handleMe(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{
		"uuid": seqUUID(0xa9, 1), "type": "apikey", "email": "", "firstname": "", "lastname": "",
		"community_uuid": DefaultCommunityUUID,
	})
}

func (st *assetStore) handleRevoke(revoke bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		now := st.s.nowUTC()
		st.withAsset(w, r, func(a *sekoia.Asset) {
			a.Revoked, a.UpdatedAt = revoke, now
			if revoke {
				a.RevokedAt, a.RevokedBy = now, seqUUID(0xa9, 1)
			} else {
				a.RevokedAt, a.RevokedBy = time.Time{}, ""
			}
			action := "restored"
			if revoke {
				action = "revoked"
			}
			st.s.assetHistory.add(a.UUID, now, action, "Asset "+action)
			writeJSON(w, http.StatusOK, a)
		})
	}
}

// handleMerge merges the atoms, tags and props of the source assets into
// the destination and deletes the sources.
func (st *assetStore) handleMerge(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Destination string   `json:"destination"`
		Sources     []string `json:"sources"`
	}
	if err := decodeStrict(w, r, &body); err != nil {
		writeDetail(w, http.StatusUnprocessableEntity, err.Error())
		return
	}
	if body.Destination == "" || len(body.Sources) == 0 {
		writeDetail(w, http.StatusUnprocessableEntity, "destination and sources are required")
		return
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	dst := st.find(body.Destination)
	if dst == nil {
		writeDetail(w, http.StatusNotFound, "Asset not found")
		return
	}
	srcs := make([]*sekoia.Asset, 0, len(body.Sources))
	for _, id := range body.Sources {
		a := st.find(id)
		if a == nil || a == dst {
			writeDetail(w, http.StatusNotFound, "Asset not found")
			return
		}
		srcs = append(srcs, a)
	}
	for _, a := range srcs {
		for k, vals := range a.Atoms {
			if dst.Atoms == nil {
				dst.Atoms = sekoia.Atoms{}
			}
			for _, v := range vals {
				if !slices.Contains(dst.Atoms[k], v) {
					dst.Atoms[k] = append(dst.Atoms[k], v)
				}
			}
		}
		for _, t := range a.Tags {
			if !slices.Contains(dst.Tags, t) {
				dst.Tags = append(dst.Tags, t)
			}
		}
		for k, v := range a.Props {
			if dst.Props == nil {
				dst.Props = map[string]any{}
			}
			if _, ok := dst.Props[k]; !ok {
				dst.Props[k] = v
			}
		}
	}
	st.list = slices.DeleteFunc(st.list, func(a *sekoia.Asset) bool { return slices.Contains(srcs, a) })
	dst.UpdatedAt = st.s.nowUTC()
	st.s.assetHistory.add(dst.UUID, dst.UpdatedAt, "merged", "Merged "+strings.Join(body.Sources, ", "))
	writeJSON(w, http.StatusOK, dst)
}

// assetHistory keeps the timeline entries of the asset lifecycle changes
// (revoke, restore, merge), by asset UUID, oldest first.
type assetHistory struct {
	mu sync.Mutex
	m  map[string][]sekoia.AssetHistoryEntry
}

func (h *assetHistory) add(uuid string, at time.Time, action, msg string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.m == nil {
		h.m = map[string][]sekoia.AssetHistoryEntry{}
	}
	h.m[uuid] = append(h.m[uuid], sekoia.AssetHistoryEntry{CreatedAt: at, CreatedBy: seqUUID(0xa9, 1), CreatedByType: "apikey", Action: action, Message: msg})
}

// handleAssetHistory serves a page of entries (newest first unless
// order=asc; filtered by earliest, latest and search in the message),
// grouped by day as the API does: one item per day.
func (s *Server) handleAssetHistory(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	limit, offset, ok := paging(w, q, 100, 1000)
	if !ok {
		return
	}
	if _, found := s.Asset(r.PathValue("uuid")); !found {
		writeDetail(w, http.StatusNotFound, "Asset not found")
		return
	}
	var bounds [2]time.Time
	for i, k := range []string{"earliest", "latest"} {
		if v := q.Get(k); v != "" {
			t, err := time.Parse(time.RFC3339Nano, v)
			if err != nil {
				writeDetail(w, http.StatusUnprocessableEntity, k+" is not a date-time")
				return
			}
			bounds[i] = t
		}
	}
	h := &s.assetHistory
	h.mu.Lock()
	entries := slices.DeleteFunc(slices.Clone(h.m[r.PathValue("uuid")]), func(e sekoia.AssetHistoryEntry) bool {
		return !bounds[0].IsZero() && e.CreatedAt.Before(bounds[0]) || !bounds[1].IsZero() && e.CreatedAt.After(bounds[1]) ||
			!strings.Contains(strings.ToLower(e.Message), strings.ToLower(q.Get("search")))
	})
	h.mu.Unlock()
	if q.Get("order") != "asc" {
		slices.Reverse(entries)
	}
	total := len(entries)
	entries = entries[min(offset, total):min(offset+limit, total)]
	items := []map[string][]sekoia.AssetHistoryEntry{}
	for _, e := range entries {
		day := e.CreatedAt.UTC().Format(time.DateOnly)
		if n := len(items); n > 0 && items[n-1][day] != nil {
			items[n-1][day] = append(items[n-1][day], e)
			continue
		}
		items = append(items, map[string][]sekoia.AssetHistoryEntry{day: {e}})
	}
	writeJSON(w, http.StatusOK, map[string]any{"total": total, "items": items})
}
