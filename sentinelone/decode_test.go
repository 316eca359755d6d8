package sentinelone

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func readSample(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return bytes.TrimSpace(b)
}

func activitySamples(t testing.TB) []string {
	m, _ := filepath.Glob("testdata/activity_*.json")
	if len(m) != 7 {
		t.Fatalf("%d activity samples, want 7", len(m))
	}
	for i := range m {
		m[i] = filepath.Base(m[i])
	}
	return m
}

// checkReencode checks that MarshalJSON returns the input bytes exactly,
// and that an Encoder without HTML escaping (encoding/json compacts what a
// Marshaler returns) gives the compact form of the input: the bytes the API
// sends.
func checkReencode(t testing.TB, name string, raw []byte, marshal func() ([]byte, error), v any) {
	t.Helper()
	out, err := marshal()
	if err != nil || !bytes.Equal(out, raw) {
		t.Errorf("%s: MarshalJSON differs from the input (%v)", name, err)
	}
	var compact bytes.Buffer
	if err := json.Compact(&compact, raw); err != nil {
		t.Fatal(err)
	}
	var enc bytes.Buffer
	e := json.NewEncoder(&enc)
	e.SetEscapeHTML(false)
	err = e.Encode(v)
	if err != nil || !bytes.Equal(bytes.TrimSuffix(enc.Bytes(), []byte("\n")), compact.Bytes()) {
		t.Errorf("%s: encoding differs from the compact input (%v)", name, err)
	}
}

// topLevel reads the top-level string fields of a sample with a decoder
// that keeps numbers exact.
func topLevel(t testing.TB, b []byte) map[string]any {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var m map[string]any
	if err := d.Decode(&m); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestActivitySamplesLossless(t *testing.T) {
	t.Parallel()
	for _, name := range activitySamples(t) {
		raw := readSample(t, name)
		var a Activity
		if err := json.Unmarshal(raw, &a); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		checkReencode(t, name, raw, a.MarshalJSON, a)
		m := topLevel(t, raw)
		for key, got := range map[string]string{"id": a.ID, "accountId": a.AccountID, "agentId": a.AgentID, "siteId": a.SiteID, "groupId": a.GroupID, "userId": a.UserID, "threatId": a.ThreatID} {
			want, _ := m[key].(string)
			if got != want {
				t.Errorf("%s: %s = %q, want %q", name, key, got, want)
			}
		}
		if n, _ := m["activityType"].(json.Number).Int64(); int64(a.ActivityType) != n {
			t.Errorf("%s: activityType %d", name, a.ActivityType)
		}
		ca, _ := m["createdAt"].(string)
		if FormatTime(a.CreatedAt) != ca {
			t.Errorf("%s: createdAt %s, want %s", name, FormatTime(a.CreatedAt), ca)
		}
		if len(a.Data) == 0 || !bytes.Contains(raw, a.Data) {
			t.Errorf("%s: Data is not the raw data object", name)
		}
	}
}

func TestActivityTypedData(t *testing.T) {
	t.Parallel()
	decode := func(name string) *Activity {
		var a Activity
		if err := json.Unmarshal(readSample(t, name), &a); err != nil {
			t.Fatal(err)
		}
		return &a
	}
	login := decode("activity_type27_user_logged_in.json")
	if l, err := login.LoginData(); err != nil || l.IPAddress != "192.0.2.30" || l.Role != "Admin" || l.Username != "John Doe" || l.AccountName != "example.com" {
		t.Errorf("LoginData = %+v, %v", l, err)
	}
	if login.AgentID != "" || login.UserID != "111111111111111111" {
		t.Errorf("ids: agent %q user %q", login.AgentID, login.UserID)
	}
	q := decode("activity_type2004_threat_quarantined.json")
	if d, err := q.ThreatData(); err != nil || d.DownloadURL != "/threats/mitigation-report/1391846354842495401" || d.ThreatClassification != "PUA" || d.ComputerName != "host01.example.com" {
		t.Errorf("ThreatData = %+v, %v", d, err)
	}
	if q.ActivityType != ActivityThreatQuarantined || q.ThreatID != "1391846352913115209" {
		t.Errorf("type %d threat %s", q.ActivityType, q.ThreatID)
	}
	det := decode("activity_type4003_threat_detected_suspicious.json")
	if d, err := det.ThreatData(); err != nil || d.ConfidenceLevel != "suspicious" {
		t.Errorf("ThreatData = %+v, %v", d, err)
	}
	star := decode("activity_type3608_custom_rule_alert.json")
	r, err := star.RuleAlertData()
	if err != nil {
		t.Fatal(err)
	}
	// Integers beyond 2^53 sent as numbers keep every digit.
	if r.AlertID != "1290568698312097725" || r.RuleID != "1259119070812474070" || r.ProcessPID != "6676" {
		t.Errorf("RuleAlertData ids = %q %q %q", r.AlertID, r.RuleID, r.ProcessPID)
	}
	if !r.DetectedAt.Equal(time.UnixMilli(1637076565467)) || r.ProcessName != "powershell.exe" || r.Severity != "E_MEDIUM" {
		t.Errorf("RuleAlertData = %+v", r)
	}
	var m map[string]any
	if err := star.DecodeData(&m); err != nil || m["alertId"].(json.Number).String() != "1290568698312097725" {
		t.Errorf("DecodeData alertId = %v, %v", m["alertId"], err)
	}
	plat := decode("activity_type3784_platform_rule_alert_container_2025.json")
	if plat.AccountID != "org-12345678" {
		t.Errorf("accountId = %q", plat.AccountID)
	}
	r2, err := plat.RuleAlertData()
	if err != nil || r2.AlertID != "2347034961432617935" || !r2.DetectedAt.Equal(time.Date(2025, 11, 13, 6, 59, 30, 0, time.UTC)) || !strings.HasPrefix(r2.ContainerID, "ae7431b5") {
		t.Errorf("RuleAlertData = %+v, %v", r2, err)
	}
	usb := decode("activity_type5126_usb_device_disconnected_2025.json")
	if d, err := usb.DeviceControlData(); err != nil || d.EventType != "disconnected" || d.Interface != "USB" || d.DeviceName != "TEST" || d.EventTime.IsZero() {
		t.Errorf("DeviceControlData = %+v, %v", d, err)
	}
	scan := decode("activity_type90_full_disk_scan_started.json")
	if d, err := scan.ScanData(); err != nil || d.Status != "started" || d.ComputerName != "host06.example.com" {
		t.Errorf("ScanData = %+v, %v", d, err)
	}
	if scan.AccountName != "example.com" || scan.SiteName != "Sekoia.io" || scan.GroupName != "Default Group" {
		t.Errorf("scope names %q %q %q", scan.AccountName, scan.SiteName, scan.GroupName)
	}
	if scan.DataString("status") != "started" || scan.DataString("missing") != "" {
		t.Error("DataString")
	}
	var none Activity
	if _, err := none.LoginData(); err != ErrNoData {
		t.Errorf("no data: %v", err)
	}
}

func TestThreatSamplesLossless(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"threat_v21_malware_2021.json", "threat_v21_with_ecsinfo_2025.json"} {
		raw := readSample(t, name)
		var th Threat
		if err := json.Unmarshal(raw, &th); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		checkReencode(t, name, raw, th.MarshalJSON, th)
		m := topLevel(t, raw)
		ti := m["threatInfo"].(map[string]any)
		if th.ID != m["id"] || th.ThreatInfo.ThreatID != ti["threatId"] {
			t.Errorf("%s: ids %q %q", name, th.ID, th.ThreatInfo.ThreatID)
		}
		if FormatTime(th.CreatedAt()) != ti["createdAt"] || FormatTime(th.UpdatedAt()) != ti["updatedAt"] {
			t.Errorf("%s: CreatedAt %s UpdatedAt %s", name, th.CreatedAt(), th.UpdatedAt())
		}
		if th.ThreatInfo.IncidentStatus != IncidentUnresolved || th.ThreatInfo.AnalystVerdict != VerdictUndefined {
			t.Errorf("%s: status %q verdict %q", name, th.ThreatInfo.IncidentStatus, th.ThreatInfo.AnalystVerdict)
		}
		if th.AgentRealtimeInfo.NetworkStatus != NetworkConnected || len(th.AgentRealtimeInfo.NetworkInterfaces) != 1 {
			t.Errorf("%s: realtime %+v", name, th.AgentRealtimeInfo)
		}
	}
	var old Threat
	_ = json.Unmarshal(readSample(t, "threat_v21_malware_2021.json"), &old)
	if len(old.Indicators) != 3 || old.Indicators[0].IDs[0] != 29 || old.ThreatInfo.FileSize != 2976256 || old.ThreatInfo.SHA1 != "6666666666666666666666666666666666666666" {
		t.Errorf("2021 threat: %+v", old.ThreatInfo)
	}
	if old.AgentDetectionInfo.AgentIPv4 != "1.1.1.1" || old.AgentRealtimeInfo.AgentID != "1109245354690326957" || old.ThreatInfo.CollectionID != "1112767491720942490" {
		t.Error("2021 threat agent fields")
	}
	if !old.AgentRealtimeInfo.ScanFinishedAt.IsZero() || old.AgentRealtimeInfo.ScanStartedAt.IsZero() {
		t.Error("null times")
	}
	var ecs Threat
	_ = json.Unmarshal(readSample(t, "threat_v21_with_ecsinfo_2025.json"), &ecs)
	if ecs.AgentDetectionInfo.AccountID != "00000000000000000005678900000000000000000005678" || len(ecs.ECSInfo) == 0 || ecs.ThreatInfo.SHA256 == "" {
		t.Errorf("2025 threat: %+v", ecs.AgentDetectionInfo)
	}
}

// TestPageDecodeKeepsSampleBytes decodes a list response holding every
// sample: each item's Raw is exactly the sample.
func TestPageDecodeKeepsSampleBytes(t *testing.T) {
	t.Parallel()
	names := activitySamples(t)
	var body bytes.Buffer
	body.WriteString(`{"data":[`)
	for i, n := range names {
		if i > 0 {
			body.WriteString(",\n")
		}
		body.Write(readSample(t, n))
	}
	body.WriteString(`],"pagination":{"nextCursor":null,"totalItems":7},"errors":null}`)
	w := newWire(t)
	w.on("GET", "/activities", vals("limit", "1000"), "", 200, body.String())
	p, err := newTestClient(t, w).Activities.List(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	for i, a := range p.Items {
		if !bytes.Equal(a.Raw, readSample(t, names[i])) {
			t.Errorf("%s: Raw differs", names[i])
		}
	}
	if p.Total != 7 {
		t.Errorf("Total = %d", p.Total)
	}
}

func TestActivityMarshalWithoutRaw(t *testing.T) {
	t.Parallel()
	a := Activity{ID: "5", ActivityType: 27, CreatedAt: time.Date(2024, 1, 1, 0, 0, 0, 1000, time.UTC)}
	b, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	var back Activity
	if err := json.Unmarshal(b, &back); err != nil || back.ID != "5" || !back.CreatedAt.Equal(a.CreatedAt) {
		t.Errorf("round trip: %s → %+v, %v", b, back, err)
	}
}
