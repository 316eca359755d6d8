package tehtris

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/socgo/xdr/internal/rest"
	wire "github.com/socgo/xdr/internal/wire/tehtris"
)

// ActionResult tells how a live order (isolation, quarantine, restore,
// disk scan) was taken.
type ActionResult struct {
	// Queued is true when the agent is offline and the order was queued
	// (202 Accepted, with Persist); false when it was carried out (204
	// No Content, 200 or 201).
	Queued bool
	// StatusCode is the HTTP status of the answer.
	StatusCode int
}

func resultOf(meta rest.Meta) ActionResult {
	return ActionResult{Queued: meta.StatusCode == http.StatusAccepted, StatusCode: meta.StatusCode}
}

// IsolateHost isolates the endpoint named hostname in one call: it finds
// it with Inventory.FindByName (an exact, case-insensitive match over
// every inventory page), then calls Isolate with opts. A name that matches
// no endpoint gives an error matching ErrHostNotFound, and one that
// matches several an *AmbiguousHostError (ErrAmbiguousHost): then no order
// is sent. The host found is returned with the result, and also with an
// error of Isolate (a 409 for an endpoint behind a local proxy, for one).
func (s *EndpointsService) IsolateHost(ctx context.Context, hostname string, opts *IsolationOptions) (*Host, IsolationResult, error) {
	h, err := s.c.Inventory.findByName(ctx, "Endpoints.IsolateHost", hostname)
	if err != nil {
		return nil, IsolationResult{}, err
	}
	res, err := s.isolation(ctx, "Endpoints.IsolateHost", "enable", h.Endpoint(), opts)
	return h, res, err
}

// QuarantineOptions are the optional arguments of Quarantine and Restore.
type QuarantineOptions struct {
	// Persist sends persist=true: an order for an agent that is offline is
	// queued until it reconnects (the API answers 202).
	Persist bool
	// Notification is a message shown to the user of the endpoint
	// (Quarantine only; Windows only).
	Notification string
	// RetrySafe lets the call be retried on 5xx, 408, network errors and
	// a cut answer, which may repeat the order. By default it is retried
	// only on 429 and when it provably never left (a failed DNS lookup,
	// connection or TLS handshake).
	RetrySafe bool
}

// Quarantine moves the file at path on the endpoint into quarantine. It
// calls POST /edr/v2/live/{applianceId}/{edrUuid}/remediation/quarantine
// with path, persist and notification in the query. The agent must be
// connected (504 otherwise) unless opts.Persist queues the order (202).
// It is not retried after a send unless opts.RetrySafe is set.
func (s *EndpointsService) Quarantine(ctx context.Context, ep Endpoint, path string, opts *QuarantineOptions) (ActionResult, error) {
	return s.quarantine(ctx, "Endpoints.Quarantine", http.MethodPost, ep, path, opts)
}

// Restore brings a quarantined file back. quarantinePath is the path the
// file has in quarantine, as Quarantined lists it (not its original
// path). It calls PATCH
// /edr/v2/live/{applianceId}/{edrUuid}/remediation/quarantine with path
// and persist in the query (opts.Notification must be empty). It is not
// retried after a send unless opts.RetrySafe is set.
func (s *EndpointsService) Restore(ctx context.Context, ep Endpoint, quarantinePath string, opts *QuarantineOptions) (ActionResult, error) {
	return s.quarantine(ctx, "Endpoints.Restore", http.MethodPatch, ep, quarantinePath, opts)
}

func (s *EndpointsService) quarantine(ctx context.Context, method, httpMethod string, ep Endpoint, path string, opts *QuarantineOptions) (ActionResult, error) {
	if err := ep.check(method); err != nil {
		return ActionResult{}, err
	}
	if err := checkFilePath(path); err != nil {
		return ActionResult{}, fmt.Errorf("tehtris: %s: %w", method, err)
	}
	var o QuarantineOptions
	if opts != nil {
		o = *opts
	}
	if httpMethod == http.MethodPatch && o.Notification != "" {
		return ActionResult{}, fmt.Errorf("tehtris: %s: Notification is only used when quarantining", method)
	}
	if err := checkText(o.Notification); err != nil {
		return ActionResult{}, fmt.Errorf("tehtris: %s: Notification %s: %w", method, quoteArg(o.Notification), err)
	}
	uuid := strings.ToLower(ep.AgentUUID)
	var req rest.Request
	var err error
	if httpMethod == http.MethodPatch {
		req, err = line(method)(wire.NewRestoreFileRequest(ep.ApplianceID, uuid, &wire.RestoreFileParams{Path: path, Persist: flag(o.Persist)}))
	} else {
		req, err = line(method)(wire.NewQuarantineFileRequest(ep.ApplianceID, uuid, &wire.QuarantineFileParams{
			Path: path, Persist: flag(o.Persist), Notification: nonEmpty(o.Notification),
		}))
	}
	if err != nil {
		return ActionResult{}, err
	}
	req.RetrySafe = o.RetrySafe
	meta, err := s.c.rest.Do(ctx, req, nil)
	if err != nil {
		return ActionResult{}, err
	}
	return resultOf(meta), nil
}

// checkFilePath refuses an empty path, one with control characters and
// one longer than 4096 bytes.
func checkFilePath(p string) error {
	switch {
	case strings.TrimSpace(p) == "":
		return errors.New("path is empty")
	case len(p) > 4096:
		return fmt.Errorf("path %s is longer than 4096 bytes", quoteArg(p))
	}
	if err := checkText(p); err != nil {
		return fmt.Errorf("path %s: %w", quoteArg(p), err)
	}
	return nil
}

// QuarantineList is the content of an endpoint's quarantine.
type QuarantineList struct {
	// Paths are the files' paths in quarantine ("quarantinePaths"), the
	// argument Restore takes.
	Paths []string
	// Raw is the exact JSON of the reply.
	Raw json.RawMessage
}

// Quarantined lists the endpoint's quarantined files. It calls GET
// /edr/v2/live/{applianceId}/{edrUuid}/remediation/quarantine and reads
// "quarantinePaths" from the reply (a bare array of paths is accepted
// too); Raw keeps the whole reply, whose other members are not publicly
// documented.
func (s *EndpointsService) Quarantined(ctx context.Context, ep Endpoint) (*QuarantineList, error) {
	if err := ep.check("Endpoints.Quarantined"); err != nil {
		return nil, err
	}
	req, err := line("Endpoints.Quarantined")(wire.NewListQuarantineRequest(ep.ApplianceID, strings.ToLower(ep.AgentUUID)))
	if err != nil {
		return nil, err
	}
	path := req.Path
	body, _, err := s.c.rest.Fetch(ctx, req)
	if err != nil {
		return nil, err
	}
	body = bytes.TrimSpace(body)
	out := &QuarantineList{Paths: []string{}, Raw: append(json.RawMessage(nil), body...)}
	if len(body) == 0 {
		return out, nil
	}
	if body[0] == '{' {
		var w struct {
			Paths []string `json:"quarantinePaths"`
		}
		if err := json.Unmarshal(body, &w); err != nil {
			return nil, fmt.Errorf("tehtris: GET %s: %w", path, err)
		}
		if w.Paths != nil {
			out.Paths = w.Paths
		}
	} else if err := json.Unmarshal(body, &out.Paths); err != nil {
		return nil, fmt.Errorf("tehtris: GET %s: %w", path, err)
	}
	return out, nil
}

// ScanOptions are the optional arguments of ScanDisk.
type ScanOptions struct {
	// ScanADS also scans the alternate data streams (Windows)
	// ("scanADS").
	ScanADS bool
	// StartFolders are the folders the scan starts from
	// ("startFolders"); the whole disk when empty.
	StartFolders []string
	// ExcludePaths are paths left out of the scan
	// ("scanWhitelistPaths").
	ExcludePaths []string
	// Persist sends persist=true: a scan for an agent that is offline is
	// queued until it reconnects (202).
	Persist bool
	// RetrySafe lets the call be retried on 5xx, 408, network errors and
	// a cut answer, which may start a second scan. By default it is
	// retried only on 429 and when it provably never left (a failed DNS
	// lookup, connection or TLS handshake).
	RetrySafe bool
}

type scanBody struct {
	ScanADS      bool     `json:"scanADS,omitempty"`
	ExcludePaths []string `json:"scanWhitelistPaths,omitempty"`
	StartFolders []string `json:"startFolders,omitempty"`
}

// ScanResult tells how a disk scan order was taken.
type ScanResult struct {
	ActionResult
	// Raw is the reply's body, if any (its shape, which may carry the
	// scan's id, is not publicly documented).
	Raw json.RawMessage
}

// ScanDisk starts a disk scan on the endpoint. It calls POST
// /edr/v2/live/{applianceId}/{edrUuid}/scan-disk with persist in the query
// and {"scanADS", "scanWhitelistPaths", "startFolders"} (members left out
// when empty). It is not retried after a send unless opts.RetrySafe is
// set.
func (s *EndpointsService) ScanDisk(ctx context.Context, ep Endpoint, opts *ScanOptions) (ScanResult, error) {
	if err := ep.check("Endpoints.ScanDisk"); err != nil {
		return ScanResult{}, err
	}
	var o ScanOptions
	if opts != nil {
		o = *opts
	}
	for _, l := range []struct {
		name  string
		paths []string
	}{{"StartFolders", o.StartFolders}, {"ExcludePaths", o.ExcludePaths}} {
		for i, p := range l.paths {
			if err := checkFilePath(p); err != nil {
				return ScanResult{}, fmt.Errorf("tehtris: Endpoints.ScanDisk: %s[%d]: %w", l.name, i, err)
			}
		}
	}
	req, err := line("Endpoints.ScanDisk")(wire.NewStartScanRequest(ep.ApplianceID, strings.ToLower(ep.AgentUUID), &wire.StartScanParams{Persist: flag(o.Persist)}))
	if err != nil {
		return ScanResult{}, err
	}
	req.RetrySafe = o.RetrySafe
	req.Body = scanBody{ScanADS: o.ScanADS, ExcludePaths: o.ExcludePaths, StartFolders: o.StartFolders}
	body, meta, err := s.c.rest.Fetch(ctx, req)
	if err != nil {
		return ScanResult{}, err
	}
	return ScanResult{ActionResult: resultOf(meta), Raw: nonNull(body)}, nil
}

// ScanStatus returns the status of the endpoint's disk scan scanID, or
// of its latest scan when scanID is empty. It calls GET
// /edr/v2/live/{applianceId}/{edrUuid}/scan-disk with scanId. The reply's
// shape is not publicly documented; it is returned as it came.
func (s *EndpointsService) ScanStatus(ctx context.Context, ep Endpoint, scanID string) (json.RawMessage, error) {
	if err := ep.check("Endpoints.ScanStatus"); err != nil {
		return nil, err
	}
	if scanID != "" {
		if err := checkID("scanID", scanID); err != nil {
			return nil, fmt.Errorf("tehtris: Endpoints.ScanStatus: %w", err)
		}
	}
	req, err := line("Endpoints.ScanStatus")(wire.NewGetScanRequest(ep.ApplianceID, strings.ToLower(ep.AgentUUID), &wire.GetScanParams{ScanId: nonEmpty(scanID)}))
	if err != nil {
		return nil, err
	}
	return s.rawGet(ctx, req)
}

// CurrentScan returns the state of the scan running on the endpoint. It
// calls GET /edr/v2/live/{applianceId}/{edrUuid}/scan-disk/current; the
// reply is returned as it came (its shape is not publicly documented).
func (s *EndpointsService) CurrentScan(ctx context.Context, ep Endpoint) (json.RawMessage, error) {
	if err := ep.check("Endpoints.CurrentScan"); err != nil {
		return nil, err
	}
	req, err := line("Endpoints.CurrentScan")(wire.NewGetCurrentScanRequest(ep.ApplianceID, strings.ToLower(ep.AgentUUID)))
	if err != nil {
		return nil, err
	}
	return s.rawGet(ctx, req)
}

// StopScan stops the scan running on the endpoint. It calls DELETE
// /edr/v2/live/{applianceId}/{edrUuid}/scan-disk/current; being
// idempotent, it is retried like a read.
func (s *EndpointsService) StopScan(ctx context.Context, ep Endpoint) error {
	if err := ep.check("Endpoints.StopScan"); err != nil {
		return err
	}
	req, err := line("Endpoints.StopScan")(wire.NewStopScanRequest(ep.ApplianceID, strings.ToLower(ep.AgentUUID)))
	if err != nil {
		return err
	}
	_, err = s.c.rest.Do(ctx, req, nil)
	return err
}

// rawGet sends the GET request req and returns its JSON reply as it came.
func (s *EndpointsService) rawGet(ctx context.Context, req rest.Request) (json.RawMessage, error) {
	body, _, err := s.c.rest.Fetch(ctx, req)
	if err != nil {
		return nil, err
	}
	body = bytes.TrimSpace(body)
	if len(body) > 0 && !json.Valid(body) {
		return nil, fmt.Errorf("tehtris: GET %s: the reply is not JSON", req.Path)
	}
	return append(json.RawMessage(nil), body...), nil
}
