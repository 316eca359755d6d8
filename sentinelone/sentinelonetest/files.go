package sentinelonetest

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash/fnv"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// DefaultUploadSize is the size of the archives the server makes for file
// fetches (see SetUploadSize).
const DefaultUploadSize = 4096

// upload is an archive an agent uploaded: its bytes are generated from
// seed when served, so that an upload of any size costs no memory.
type upload struct {
	agentID string
	size    int64
	seed    uint64
}

// zipMagic starts every archive the server serves, as a zip file does.
var zipMagic = []byte("PK\x03\x04")

// writeTo writes the archive's bytes to w in chunks.
func (u *upload) writeTo(w io.Writer) (int64, error) {
	rng := rand.New(rand.NewPCG(u.seed, u.seed^0x9e3779b97f4a7c15))
	buf := make([]byte, 32<<10)
	var n int64
	for n < u.size {
		chunk := buf[:min(int64(len(buf)), u.size-n)]
		for i := 0; i < len(chunk); i += 8 {
			v := rng.Uint64()
			for j := 0; j < 8 && i+j < len(chunk); j++ {
				chunk[i+j] = byte(v >> (8 * j))
			}
		}
		if n == 0 {
			copy(chunk, zipMagic)
		}
		m, err := w.Write(chunk)
		n += int64(m)
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// SetUploadSize sets the size in bytes of the archives made by the next
// file fetches (default DefaultUploadSize). The bytes are generated as they
// are served: a large upload costs the server no memory.
func (s *Server) SetUploadSize(n int64) {
	s.mu.Lock()
	s.ops.uploadSize = n
	s.mu.Unlock()
}

// SetFetchDelay sets how long after a fetch call the agent's upload and the
// activity announcing it (type 86) appear (0, the default, at once).
func (s *Server) SetFetchDelay(d time.Duration) {
	s.mu.Lock()
	s.ops.fetchDelay = d
	s.mu.Unlock()
}

// UploadSHA256 returns the hex SHA-256 of the archive announced by
// activity activityID, to compare with a download.
func (s *Server) UploadSHA256(activityID string) (string, bool) {
	s.mu.Lock()
	u, ok := s.ops.uploads[activityID]
	s.mu.Unlock()
	if !ok {
		return "", false
	}
	h := sha256.New()
	_, _ = u.writeTo(h)
	return hex.EncodeToString(h.Sum(nil)), true
}

// scheduleUploadLocked makes an upload for agentID (and threatID, for a threat
// fetch) after the fetch delay: the archive and the activity of type 86
// whose data.downloadUrl names it.
func (s *Server) scheduleUploadLocked(agentID, threatID string, files []string) {
	delay, size := s.ops.fetchDelay, s.ops.uploadSize
	if size <= 0 {
		size = DefaultUploadSize
	}
	makeLocked := func() {
		id := s.newIDLocked()
		h := fnv.New64a()
		_, _ = h.Write([]byte(id))
		if s.ops.uploads == nil {
			s.ops.uploads = map[string]*upload{}
		}
		s.ops.uploads[id] = &upload{agentID: agentID, size: size, seed: h.Sum64()}
		now := s.now()
		name := "fetched_files.zip"
		if len(files) == 1 {
			name = files[0]
		}
		doc := map[string]any{
			"id": id, "activityType": 86, "agentId": agentID, "createdAt": formatTime(now), "updatedAt": formatTime(now),
			"primaryDescription": "The agent uploaded fetched files.", "threatId": nilIfEmpty(threatID),
			"data": map[string]any{"downloadUrl": "/agents/" + agentID + "/uploads/" + id, "fileDisplayName": name, "fileSize": size,
				"filePath": "/agents/" + agentID + "/uploads/" + id, "filename": "fetch_" + id, "uploadedFilename": "fetch_" + id + ".zip"},
		}
		fields := map[string][]string{"activityTypes": {"86"}, "agentIds": {agentID}}
		if threatID != "" {
			fields["threatIds"] = []string{threatID}
		}
		rec := newRecord(id, doc, now.UTC().Truncate(time.Microsecond), fields)
		s.actByID[id] = rec
		s.activities = insertSorted(s.activities, rec)
	}
	if delay <= 0 {
		makeLocked()
		return
	}
	time.AfterFunc(delay, func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		makeLocked()
	})
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// checkPassword refuses the fetch passwords the console refuses: shorter
// than 10 characters or holding white space. The answer does not quote it.
func checkPassword(w http.ResponseWriter, pw string) bool {
	switch {
	case len(pw) < 10:
		badParam(w, "data.password: at least 10 characters")
		return false
	case strings.ContainsAny(pw, " \t\r\n\v\f"):
		badParam(w, "data.password: no white space")
		return false
	}
	return true
}

// fetchThreatFile serves POST /threats/fetch-file.
func (s *Server) fetchThreatFile(w http.ResponseWriter, r *http.Request) {
	var req actionReq
	if !decodeBody(w, r, &req) || !checkPassword(w, str(req.Data["password"])) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, t := range s.threats {
		ok, err := matchFilter(req.Filter, t.rec, threatFilterKeys)
		if err != nil {
			badParam(w, "%v", err)
			return
		}
		if ok {
			agent := ""
			if a := t.rec.fields["agentIds"]; len(a) > 0 {
				agent = a[0]
			}
			s.scheduleUploadLocked(agent, t.rec.id, []string{str(obj(t.doc, "threatInfo")["threatName"])})
			n++
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": map[string]int{"affected": n}})
}

// fetchAgentFiles serves POST /agents/{id}/actions/fetch-files.
func (s *Server) fetchAgentFiles(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	var req actionReq
	if !decodeBody(w, r, &req) || !checkPassword(w, str(req.Data["password"])) {
		return
	}
	files := idsOf(req.Data["files"])
	if len(files) == 0 || len(files) > 10 {
		badParam(w, "data.files: 1 to 10 paths")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.agentByID[id]; !ok {
		writeErrors(w, http.StatusNotFound, 4040010, "Not found", "no agent "+id)
		return
	}
	s.scheduleUploadLocked(id, "", files)
	writeJSON(w, http.StatusOK, map[string]any{"data": map[string]bool{"success": true}})
}

// serveUpload serves GET /agents/{id}/uploads/{activityId}: the archive,
// streamed with its Content-Length.
func (s *Server) serveUpload(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	u, ok := s.ops.uploads[r.PathValue("activityId")]
	s.mu.Unlock()
	if !ok || u.agentID != r.PathValue("id") {
		writeErrors(w, http.StatusNotFound, 4040010, "Not found", "no such upload")
		return
	}
	w.Header().Set("Content-Type", "application/zip")
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", r.PathValue("activityId")+".zip"))
	w.Header().Set("Content-Length", strconv.FormatInt(u.size, 10))
	_, _ = u.writeTo(w)
}

// cloudDownload serves GET /threats/{id}/download-from-cloud: a link to
// the fake's cloud store, another origin than the console.
func (s *Server) cloudDownload(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	s.mu.Lock()
	_, ok := s.threatByID[id]
	s.mu.Unlock()
	if !ok {
		writeErrors(w, http.StatusNotFound, 4040010, "Not found", "no threat "+id)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": map[string]string{
		"downloadUrl": s.store.URL() + "/cloud-store/" + id + ".zip?signature=fake", "fileName": id + ".zip"}})
}

// serveCloudStore serves the links of download-from-cloud and
// remote-scripts/fetch-file: an archive of DefaultUploadSize bytes derived
// from the link's path, as a cloud store would serve a pre-signed URL.
func (s *Server) serveCloudStore(w http.ResponseWriter, r *http.Request) {
	// A pre-signed link carries its own credential: the store refuses a
	// second one (S3 answers 400 InvalidArgument "Only one auth mechanism
	// allowed") and a link without its signature.
	switch {
	case r.Header.Get("Authorization") != "":
		http.Error(w, "InvalidArgument: only one auth mechanism allowed", http.StatusBadRequest)
		return
	case r.URL.RawQuery == "":
		http.Error(w, "AccessDenied", http.StatusForbidden)
		return
	}
	h := fnv.New64a()
	_, _ = h.Write([]byte(r.URL.Path))
	u := &upload{size: DefaultUploadSize, seed: h.Sum64()}
	w.Header().Set("Content-Type", "application/zip")
	w.Header().Set("Content-Length", strconv.FormatInt(u.size, 10))
	_, _ = u.writeTo(w)
}
