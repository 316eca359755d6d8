package sekoiatest

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/socgo/xdr/sekoia"
)

type assetStore struct {
	s    *Server
	mu   sync.Mutex
	list []*sekoia.Asset
}

func newAssetStore(s *Server) *assetStore { return &assetStore{s: s} }

func (st *assetStore) register(mux *http.ServeMux) {
	mux.HandleFunc("GET /v2/asset-management/assets", st.handleList)
	mux.HandleFunc("POST /v2/asset-management/assets", st.handleCreate)
	mux.HandleFunc("GET /v2/asset-management/assets/{uuid}", st.handleGet)
	mux.HandleFunc("PUT /v2/asset-management/assets/{uuid}", st.handleUpdate)
	mux.HandleFunc("DELETE /v2/asset-management/assets/{uuid}", st.handleDelete)
	mux.HandleFunc("POST /v2/asset-management/assets/{uuid}/tag/{tag}", st.handleTag)
	mux.HandleFunc("DELETE /v2/asset-management/assets/{uuid}/tag/{tag}", st.handleTag)
}

// AddAsset stores an asset (UUID, community, source, times filled when
// missing) and returns it.
func (s *Server) AddAsset(a sekoia.Asset) sekoia.Asset {
	st := s.assets
	st.mu.Lock()
	defer st.mu.Unlock()
	return *st.add(a, s.nowUTC())
}

func (st *assetStore) add(a sekoia.Asset, now time.Time) *sekoia.Asset {
	a.Raw = nil
	if a.UUID == "" {
		a.UUID = newUUID()
	}
	if a.CommunityUUID == "" {
		a.CommunityUUID = DefaultCommunityUUID
	}
	if a.Type == "" {
		a.Type = sekoia.AssetHost
	}
	if a.Source == "" {
		a.Source = sekoia.AssetManual
	}
	if a.CreatedAt.IsZero() {
		a.CreatedAt = now
	}
	if a.CreatedBy == "" {
		a.CreatedBy, a.CreatedByType = seqUUID(0xa9, 1), "apikey"
	}
	if a.Tags == nil {
		a.Tags = []string{}
	}
	if a.Atoms == nil {
		a.Atoms = sekoia.Atoms{}
	}
	n := 0
	for _, v := range a.Atoms {
		n += len(v)
	}
	a.NbAtoms = &n
	p := &a
	st.list = append(st.list, p)
	return p
}

// Asset returns the asset with this UUID.
func (s *Server) Asset(uuid string) (sekoia.Asset, bool) {
	st := s.assets
	st.mu.Lock()
	defer st.mu.Unlock()
	if a := st.find(uuid); a != nil {
		return *a, true
	}
	return sekoia.Asset{}, false
}

func (st *assetStore) find(uuid string) *sekoia.Asset {
	for _, a := range st.list {
		if a.UUID == uuid {
			return a
		}
	}
	return nil
}

// withAsset runs f, under the store's lock, on the asset named by the
// request's path, or answers 404.
func (st *assetStore) withAsset(w http.ResponseWriter, r *http.Request, f func(a *sekoia.Asset)) {
	st.mu.Lock()
	defer st.mu.Unlock()
	a := st.find(r.PathValue("uuid"))
	if a == nil {
		writeDetail(w, http.StatusNotFound, "Asset not found")
		return
	}
	f(a)
}

func csv(v string) []string {
	if v == "" {
		return nil
	}
	return strings.Split(v, ",")
}

func (st *assetStore) handleList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	limit, offset, ok := paging(w, q, 20, 100)
	if !ok {
		return
	}
	known := []string{"limit", "offset", "search", "also_search_in_detection_properties", "also_search_in_tags",
		"uuids", "community_uuids", "type", "category", "source", "tags", "reviewed", "criticality", "sort",
		"direction", "with_telemetry", "incorporate_atoms", "include_revoked", "rule_uuid", "rule_version",
		"connectors", "connectors_configuration", "include_intake_formats", "intake_format_uuids"}
	for k := range q {
		if !slices.Contains(known, k) {
			writeDetail(w, http.StatusUnprocessableEntity, "unknown query parameter "+k)
			return
		}
	}
	search := strings.ToLower(q.Get("search"))
	inAtoms := q.Get("also_search_in_detection_properties") == "true"
	inTags := q.Get("also_search_in_tags") == "true"
	uuids, comms, types, cats, srcs, tags := csv(q.Get("uuids")), csv(q.Get("community_uuids")), csv(q.Get("type")), csv(q.Get("category")), csv(q.Get("source")), csv(q.Get("tags"))
	revoked := q.Get("include_revoked") == "true"
	minCrit := -1
	if v := q.Get("criticality"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			writeDetail(w, http.StatusUnprocessableEntity, "criticality must be an integer")
			return
		}
		minCrit = n
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	var items []*sekoia.Asset
	for _, a := range st.list {
		switch {
		case a.Revoked && !revoked,
			len(uuids) > 0 && !slices.Contains(uuids, a.UUID),
			len(comms) > 0 && !slices.Contains(comms, a.CommunityUUID),
			len(types) > 0 && !slices.Contains(types, string(a.Type)),
			len(cats) > 0 && !slices.Contains(cats, a.CategoryName()),
			len(srcs) > 0 && !slices.Contains(srcs, string(a.Source)),
			len(tags) > 0 && !slices.ContainsFunc(tags, func(t string) bool { return slices.Contains(a.Tags, t) }),
			minCrit >= 0 && (a.Criticality == nil || *a.Criticality <= minCrit),
			q.Get("reviewed") != "" && strconv.FormatBool(a.Reviewed) != q.Get("reviewed"):
			continue
		}
		if search != "" && !assetMatches(a, search, inAtoms, inTags) {
			continue
		}
		items = append(items, a)
	}
	if s := q.Get("sort"); s != "" {
		desc := q.Get("direction") == "desc"
		slices.SortStableFunc(items, func(x, y *sekoia.Asset) int {
			var c int
			switch s {
			case "name":
				c = strings.Compare(x.Name, y.Name)
			case "type":
				c = strings.Compare(string(x.Type), string(y.Type))
			case "criticality":
				c = cmpInt(int64(deref(x.Criticality)), int64(deref(y.Criticality)))
			default:
				c = x.CreatedAt.Compare(y.CreatedAt)
			}
			if desc {
				c = -c
			}
			return c
		})
	}
	writeJSON(w, http.StatusOK, pageBody(items, limit, offset))
}

func deref(p *int) int {
	if p == nil {
		return 0
	}
	return *p
}

func assetMatches(a *sekoia.Asset, search string, inAtoms, inTags bool) bool {
	if strings.Contains(strings.ToLower(a.Name), search) {
		return true
	}
	if inAtoms {
		for _, vs := range a.Atoms {
			for _, v := range vs {
				if strings.Contains(strings.ToLower(v), search) {
					return true
				}
			}
		}
	}
	if inTags {
		for _, t := range a.Tags {
			if strings.Contains(strings.ToLower(t), search) {
				return true
			}
		}
	}
	return false
}

func (st *assetStore) handleGet(w http.ResponseWriter, r *http.Request) {
	st.withAsset(w, r, func(a *sekoia.Asset) { writeJSON(w, http.StatusOK, a) })
}

func (st *assetStore) handleCreate(w http.ResponseWriter, r *http.Request) {
	var body sekoia.AssetCreate
	if err := decodeStrict(w, r, &body); err != nil {
		writeDetail(w, http.StatusUnprocessableEntity, err.Error())
		return
	}
	if len(body.Name) < 2 || body.CommunityUUID == "" || body.Type == "" {
		writeDetail(w, http.StatusUnprocessableEntity, "community_uuid, name (2 characters or more) and type are required")
		return
	}
	a := sekoia.Asset{
		UUID: body.UUID, CommunityUUID: body.CommunityUUID, EntityUUID: body.EntityUUID, Name: body.Name,
		Type: body.Type, Description: body.Description, Criticality: body.Criticality, Props: body.Props,
		Atoms: body.Atoms, Tags: body.Tags, Reviewed: body.Reviewed, Source: body.Source,
	}
	if body.Category != "" {
		a.Category, _ = json.Marshal(body.Category)
	}
	if a.Criticality == nil {
		z := 0
		a.Criticality = &z
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	if a.UUID != "" && st.find(a.UUID) != nil {
		writeDetail(w, http.StatusConflict, "Asset already exists")
		return
	}
	writeJSON(w, http.StatusOK, st.add(a, st.s.nowUTC()))
}

// assetPatch is the body of PUT /v2/asset-management/assets/{uuid}.
type assetPatch struct {
	EntityUUID  *string           `json:"entity_uuid"`
	Name        *string           `json:"name"`
	Description *string           `json:"description"`
	Type        *sekoia.AssetType `json:"type"`
	Category    *string           `json:"category"`
	Criticality *int              `json:"criticality"`
	Props       map[string]any    `json:"props"`
	Atoms       sekoia.Atoms      `json:"atoms"`
	Tags        []string          `json:"tags"`
	Revoked     *bool             `json:"revoked"`
	Reviewed    *bool             `json:"reviewed"`
}

func (st *assetStore) handleUpdate(w http.ResponseWriter, r *http.Request) {
	var body assetPatch
	if err := decodeStrict(w, r, &body); err != nil {
		writeDetail(w, http.StatusUnprocessableEntity, err.Error())
		return
	}
	st.withAsset(w, r, func(a *sekoia.Asset) { st.update(w, a, body) })
}

// update applies a PUT body to a.
func (st *assetStore) update(w http.ResponseWriter, a *sekoia.Asset, body assetPatch) {
	now := st.s.nowUTC()
	setIf(&a.EntityUUID, body.EntityUUID)
	setIf(&a.Name, body.Name)
	setIf(&a.Description, body.Description)
	setIf(&a.Type, body.Type)
	if body.Category != nil {
		a.Category, _ = json.Marshal(*body.Category)
	}
	if body.Criticality != nil {
		a.Criticality = body.Criticality
	}
	if body.Props != nil {
		a.Props = body.Props
	}
	if body.Atoms != nil {
		a.Atoms = body.Atoms
	}
	if body.Tags != nil {
		a.Tags = body.Tags
	}
	if body.Revoked != nil {
		a.Revoked = *body.Revoked
		a.RevokedAt = time.Time{}
		if a.Revoked {
			a.RevokedAt, a.RevokedBy = now, seqUUID(0xa9, 1)
		}
	}
	if body.Reviewed != nil {
		a.Reviewed = *body.Reviewed
		if a.Reviewed {
			a.ReviewedAt, a.ReviewedBy = now, seqUUID(0xa9, 1)
		}
	}
	a.UpdatedAt = now
	writeJSON(w, http.StatusOK, a)
}

func (st *assetStore) handleDelete(w http.ResponseWriter, r *http.Request) {
	st.withAsset(w, r, func(a *sekoia.Asset) {
		st.list = slices.DeleteFunc(st.list, func(x *sekoia.Asset) bool { return x.UUID == a.UUID })
		w.WriteHeader(http.StatusNoContent)
	})
}

func (st *assetStore) handleTag(w http.ResponseWriter, r *http.Request) {
	st.withAsset(w, r, func(a *sekoia.Asset) {
		tag := r.PathValue("tag")
		if r.Method == http.MethodPost {
			if !slices.Contains(a.Tags, tag) {
				a.Tags = append(a.Tags, tag)
			}
		} else {
			a.Tags = slices.DeleteFunc(a.Tags, func(t string) bool { return t == tag })
		}
		a.UpdatedAt = st.s.nowUTC()
		writeJSON(w, http.StatusOK, true)
	})
}
