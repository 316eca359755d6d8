package sentinelone

import (
	"bytes"
	"encoding/json"
	"testing"
)

// FuzzHuntDecode checks that the Deep Visibility event, STAR alert and
// PowerQuery decoders never panic, keep the input bytes of what they
// accept, and that PowerQuery cell accessors never panic.
func FuzzHuntDecode(f *testing.F) {
	for _, s := range []string{
		dvEventsPage2, alertJSONSample, pqFinished, `{}`, `null`, `{"id":1,"pid":1e3}`, `{"alertInfo":null}`,
		`{"alertInfo":{"alertId":5,"isEdr":"yes"}}`, `{"data":{"queryId":"q","status":"FINISHED","columns":[{"name":"a"}],"data":[[1],[],[null,2]]}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var ev DVEvent
		if ev.UnmarshalJSON(b) == nil && !bytes.Equal(ev.Raw, b) {
			t.Errorf("DVEvent Raw %q != input %q", ev.Raw, b)
		}
		var a Alert
		if a.UnmarshalJSON(b) == nil && !bytes.Equal(a.Raw, b) {
			t.Errorf("Alert Raw %q != input %q", a.Raw, b)
		}
		var env struct {
			Data *PQResult `json:"data"`
		}
		if json.Unmarshal(b, &env) == nil && env.Data != nil {
			r := env.Data
			r.buildIndex()
			for row := range r.Rows() {
				for _, c := range r.Columns {
					_, _ = row.String(c.Name)
					_, _ = row.Int(c.Name)
					_, _ = row.Float(c.Name)
					_, _ = row.Bool(c.Name)
					_, _ = row.Time(c.Name)
				}
			}
		}
	})
}
