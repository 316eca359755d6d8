package collect

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"time"
)

// checkpointVersion is the version written in every checkpoint.
const checkpointVersion = 1

// state is a decoded checkpoint: the boundary granule's start and the ids
// already delivered in it.
type state struct {
	Time time.Time
	IDs  map[string]struct{}
}

// wireCheckpoint is the JSON form:
//
//	{"v":1,"time":"2026-05-01T10:00:00Z","ids":["41","42"]}
type wireCheckpoint struct {
	V    int       `json:"v"`
	Time time.Time `json:"time"`
	IDs  []string  `json:"ids"`
}

// encodeCheckpoint returns the canonical JSON of s: UTC time, sorted ids.
func encodeCheckpoint(s state) ([]byte, error) {
	ids := make([]string, 0, len(s.IDs))
	for id := range s.IDs {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	b, err := json.Marshal(wireCheckpoint{V: checkpointVersion, Time: s.Time.UTC(), IDs: ids})
	if err != nil { // only a time outside years 0..9999
		return nil, fmt.Errorf("encode checkpoint: %w", err)
	}
	return b, nil
}

// decodeCheckpoint parses a checkpoint strictly: any deviation is
// ErrCorruptCheckpoint, never a silent restart.
func decodeCheckpoint(b []byte) (state, error) {
	if len(bytes.TrimSpace(b)) == 0 {
		return state{}, fmt.Errorf("%w: empty (%d bytes); delete it to start from Config.Start", ErrCorruptCheckpoint, len(b))
	}
	var w struct {
		V    *int       `json:"v"`
		Time *time.Time `json:"time"`
		IDs  []string   `json:"ids"`
	}
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	if err := d.Decode(&w); err != nil {
		return state{}, fmt.Errorf("%w: %v", ErrCorruptCheckpoint, err)
	}
	if d.More() {
		return state{}, fmt.Errorf("%w: data after the JSON object", ErrCorruptCheckpoint)
	}
	switch {
	case w.V == nil:
		return state{}, fmt.Errorf("%w: no version", ErrCorruptCheckpoint)
	case *w.V != checkpointVersion:
		return state{}, fmt.Errorf("%w: version %d is not supported (want %d)", ErrCorruptCheckpoint, *w.V, checkpointVersion)
	case w.Time == nil || w.Time.IsZero():
		return state{}, fmt.Errorf("%w: no time", ErrCorruptCheckpoint)
	}
	s := state{Time: w.Time.UTC(), IDs: make(map[string]struct{}, len(w.IDs))}
	for _, id := range w.IDs {
		if id == "" {
			return state{}, fmt.Errorf("%w: empty id", ErrCorruptCheckpoint)
		}
		s.IDs[id] = struct{}{}
	}
	return s, nil
}
