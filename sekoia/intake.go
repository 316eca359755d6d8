package sekoia

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"runtime"
	"strings"
	"sync"

	"github.com/klauspost/compress/gzip"

	"github.com/socgo/xdr/internal/apierror"
	"github.com/socgo/xdr/internal/argcheck"
	"github.com/socgo/xdr/internal/jsonstr"
	"github.com/socgo/xdr/internal/rest"
	"github.com/socgo/xdr/internal/transport"
	wire "github.com/socgo/xdr/internal/wire/sekoia"
)

// Limits of the HTTP intake.
const (
	// MaxIntakeEventBytes is the largest event the intake accepts (250 KiB,
	// counted in bytes); larger events are refused before any request.
	MaxIntakeEventBytes = 250 << 10
	// MaxIntakeRequestBytes is the largest request body the intake accepts
	// (10 MiB, counted before compression and after JSON escaping).
	MaxIntakeRequestBytes = 10 << 20
	// MaxIntakeBatchEvents is the most events Push puts in one request.
	MaxIntakeBatchEvents = 5000
	// DefaultIntakeParallelism is the number of requests Push sends at once
	// unless WithIntakeParallelism says otherwise.
	DefaultIntakeParallelism = 4
)

// Errors of the intake.
var (
	// ErrEventTooLarge: an event is over MaxIntakeEventBytes; it is refused
	// before any request.
	ErrEventTooLarge = errors.New("sekoia: intake event over 250 KiB")
	// ErrInvalidEvent: an event is empty or not valid UTF-8, so it cannot be
	// sent byte for byte as a JSON string; it is refused before any request.
	ErrInvalidEvent = errors.New("sekoia: intake event is empty or not valid UTF-8")
	// ErrPayloadTooLarge matches a 413 from the intake: an event or the
	// request was too large, or every event of the batch was rejected.
	ErrPayloadTooLarge = errors.New("sekoia: intake refused the payload as too large (413)")
)

// Intake pushes events to a Sekoia.io HTTP intake. It authenticates with
// the intake key alone (no API key) and is safe for concurrent use.
//
// It posts to the intake's /batch endpoint, where every event travels as a
// JSON string holding its exact bytes: what arrives is what was given,
// whitespace, key order, big numbers and unknown fields included.
//
// Delivery is at least once. Requests are compressed (gzip) and retried on
// 429, 5xx and network errors; a request that reached the intake but whose
// answer was lost is sent again, so an event may be stored twice. No
// event accepted by Push is lost without Push returning an error.
type Intake struct {
	key         string
	rest        *rest.Client
	parallelism int
	maxBody     int // request body cap, before compression
	maxEvents   int // events per request
	prefix      []byte
	pools       *intakePools
}

// NewIntake returns an intake client for intakeKey. The intake URL comes
// from WithRegion (FRA1 by default) or WithIntakeURL; WithIntakeParallelism
// sets how many requests Push sends at once; WithHTTPClient, WithLogger,
// WithMaxRetries, WithRetryWait, WithMaxRetryAfter, WithLimiter,
// WithUserAgent and WithMaxBodyBytes apply as for NewClient, and
// WithBaseURL is ignored. Without WithHTTPClient, the intake's own client
// keeps a connection open for each parallel request. It sends no request.
func NewIntake(intakeKey string, opts ...Option) (*Intake, error) {
	if strings.TrimSpace(intakeKey) == "" {
		return nil, errors.New("sekoia: NewIntake: intakeKey is empty")
	}
	if err := argcheck.Credential(intakeKey); err != nil {
		return nil, fmt.Errorf("sekoia: NewIntake: intakeKey %w", err)
	}
	o, err := newOptions(opts)
	if err != nil {
		return nil, err
	}
	cfg := o.Transport
	cfg.Base = o.intakeURL
	cfg.Auth = nil // the key travels in the body
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = intakeHTTPClient(o.intakeParallelism)
	}
	t, err := transport.New(cfg)
	if err != nil {
		return nil, errors.New("sekoia: NewIntake: " + err.Error())
	}
	r := rest.New("sekoia", t)
	r.Public = publicError
	r.RequestIDHeader = RequestIDHeader
	r.DecodeError = decodeIntakeError
	r.Secrets = func() []string { return []string{intakeKey} }
	in := &Intake{
		key:         intakeKey,
		rest:        r,
		parallelism: o.intakeParallelism,
		maxBody:     MaxIntakeRequestBytes,
		maxEvents:   MaxIntakeBatchEvents,
		pools:       newIntakePools(),
	}
	in.prefix = jsonstr.AppendQuoted([]byte(`{"intake_key":`), []byte(intakeKey))
	in.prefix = append(in.prefix, `,"jsons":[`...)
	return in, nil
}

// intakeHTTPClient returns the client of an intake given no
// WithHTTPClient: a fresh pooled one keeping a connection idle for each of
// the parallel requests, where the default keeps 2 and so would close and
// open (a TLS handshake each) connections on every round of Push.
func intakeHTTPClient(parallelism int) *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = max(t.MaxIdleConnsPerHost, http.DefaultMaxIdleConnsPerHost, parallelism)
	return &http.Client{Transport: t}
}

func decodeIntakeError(body []byte, e *apierror.Error) {
	decodeError(body, e)
	if e.StatusCode == http.StatusRequestEntityTooLarge {
		e.Sentinels = append(e.Sentinels, ErrPayloadTooLarge)
	}
}

// URL returns the intake base URL events are sent to.
func (in *Intake) URL() string { return in.rest.URL("", nil).String() }

// PushError reports a request of Push that failed: the events
// events[Start:End] were not accepted.
type PushError struct {
	// Start and End delimit the events of the failed request (End excluded).
	Start, End int
	// Err is the cause: an *APIError, a network error or a context error.
	Err error
}

// Error renders "sekoia: intake push of events [start, end): cause".
func (e *PushError) Error() string {
	return fmt.Sprintf("sekoia: intake push of events [%d, %d): %s", e.Start, e.End, causeText(e.Err))
}

// Unwrap returns Err.
func (e *PushError) Unwrap() error { return e.Err }

// Push sends events and returns their ids, in the order of events. Each
// event is sent as is (it is usually one JSON object) and must be 1 byte to
// MaxIntakeEventBytes of valid UTF-8; otherwise Push fails before any
// request with an error naming the event's index and matching
// ErrEventTooLarge or ErrInvalidEvent.
//
// Events are packed into requests of at most MaxIntakeBatchEvents
// events and MaxIntakeRequestBytes (JSON escaping counted), gzip-compressed
// and sent to POST /batch, several at once (see WithIntakeParallelism). Requests
// are retried on 429, 5xx and network errors, so delivery is at least once:
// an event may arrive twice, never silently not at all.
//
// On error Push stops sending, waits for the requests under way, and
// returns the ids it got ("" for every event not accepted) with a
// *PushError naming the failed request's events, or the context's error.
// A 413 matches ErrPayloadTooLarge.
func (in *Intake) Push(ctx context.Context, events [][]byte) ([]string, error) {
	sizes, err := checkEvents("Intake.Push", events)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(events))
	batches := in.plan(sizes)
	if len(batches) == 0 {
		return ids, nil
	}
	if len(batches) == 1 || in.parallelism == 1 {
		for _, b := range batches {
			if err := in.pushRange(ctx, events, sizes, b, ids); err != nil {
				return ids, err
			}
		}
		return ids, nil
	}
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		first error
		sem   = make(chan struct{}, in.parallelism)
	)
loop:
	for _, b := range batches {
		select {
		case sem <- struct{}{}:
		case <-sctx.Done():
			break loop
		}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			if err := in.pushRange(sctx, events, sizes, b, ids); err != nil {
				mu.Lock()
				if first == nil && sctx.Err() == nil {
					first = err
				}
				mu.Unlock()
				cancel()
			}
		}()
	}
	wg.Wait()
	if first != nil {
		return ids, first
	}
	if err := ctx.Err(); err != nil {
		return ids, err
	}
	return ids, nil
}

// batchRange is events[start:end], whose body is size bytes.
type batchRange struct{ start, end, size int }

// plan packs consecutive events into requests within the limits. sizes are
// the escaped sizes of the events, quotes included.
func (in *Intake) plan(sizes []int) []batchRange {
	return planBatches(sizes, len(in.prefix)+len("]}"), in.maxBody, in.maxEvents)
}

func planBatches(sizes []int, overhead, maxBody, maxEvents int) []batchRange {
	var out []batchRange
	cur := batchRange{size: overhead}
	for i, s := range sizes {
		add := s
		if i > cur.start {
			add++ // comma
		}
		if i > cur.start && (cur.size+add > maxBody || i-cur.start >= maxEvents) {
			cur.end = i
			out = append(out, cur)
			cur = batchRange{start: i, size: overhead}
			add = s
		}
		cur.size += add
	}
	if len(sizes) > cur.start {
		cur.end = len(sizes)
		out = append(out, cur)
	}
	return out
}

// checkEvents validates every event and returns the size of each once
// quoted and escaped as a JSON string. Above checkSpan events, the events
// are checked in as many parts at once as there are processors (GOMAXPROCS);
// the error is still that of the first invalid event.
func checkEvents(method string, events [][]byte) ([]int, error) {
	sizes := make([]int, len(events))
	parts := min(runtime.GOMAXPROCS(0), len(events)/checkSpan)
	if parts <= 1 {
		if err := checkRange(method, events, sizes, 0); err != nil {
			return nil, err
		}
		return sizes, nil
	}
	errs := make([]error, parts)
	per := (len(events) + parts - 1) / parts
	var wg sync.WaitGroup
	for p := range parts {
		lo, hi := p*per, min((p+1)*per, len(events))
		wg.Go(func() { errs[p] = checkRange(method, events[lo:hi], sizes[lo:hi], lo) })
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil { // the parts are in order: the first is the earliest event
			return nil, err
		}
	}
	return sizes, nil
}

// checkSpan is the fewest events checkEvents gives a goroutine: below it,
// starting one costs more than it saves.
const checkSpan = 4096

// checkRange checks events (those from index first of the caller's
// events) into sizes.
func checkRange(method string, events [][]byte, sizes []int, first int) error {
	for i, ev := range events {
		n, err := checkEvent(ev)
		if err != nil {
			return fmt.Errorf("sekoia: %s: event %d: %w", method, first+i, err)
		}
		sizes[i] = n
	}
	return nil
}

func checkEvent(ev []byte) (int, error) {
	if len(ev) > MaxIntakeEventBytes {
		return 0, fmt.Errorf("%d bytes is over the %d-byte limit: %w", len(ev), MaxIntakeEventBytes, ErrEventTooLarge)
	}
	n := jsonstr.QuotedLen(ev)
	if n < 0 || len(ev) == 0 {
		return 0, ErrInvalidEvent
	}
	return n, nil
}

func (in *Intake) pushRange(ctx context.Context, events [][]byte, sizes []int, b batchRange, ids []string) error {
	got, err := in.send(ctx, events[b.start:b.end], sizes[b.start:b.end], b.size)
	if err != nil {
		if ctx.Err() != nil && errors.Is(err, ctx.Err()) {
			return err
		}
		return &PushError{Start: b.start, End: b.end, Err: err}
	}
	copy(ids[b.start:b.end], got)
	return nil
}

// intakeChunk is how many bytes of a request body Push builds before
// handing them to the compressor: a body (up to 10 MiB) is never held
// whole before compression, and the chunk stays in the processor's cache
// between the two.
const intakeChunk = 64 << 10

// intakePools hold the buffers and gzip writers an Intake reuses.
type intakePools struct {
	chunk sync.Pool // *[]byte: chunks of request bodies being built
	gzip  sync.Pool // *gzip.Writer, whose state is costly to allocate
	body  sync.Pool // *[]byte: the bodies of IntakeWriter batches
}

// getBody returns an empty buffer for the body of an IntakeWriter batch,
// of capacity size when none is there to reuse.
func (p *intakePools) getBody(size int) []byte {
	if b, ok := p.body.Get().(*[]byte); ok {
		return (*b)[:0]
	}
	return make([]byte, 0, size)
}

// putBody gives back the body of a batch once compressed; one grown past
// the request limit by a huge batch is left to the collector.
func (p *intakePools) putBody(b []byte) {
	if cap(b) <= MaxIntakeRequestBytes+2 {
		p.body.Put(&b)
	}
}

func newIntakePools() *intakePools {
	p := &intakePools{}
	p.chunk.New = func() any { b := make([]byte, 0, 2*intakeChunk); return &b }
	p.gzip.New = func() any { w, _ := gzip.NewWriterLevel(nil, gzip.BestSpeed); return w }
	return p
}

// send builds the body of events (size bytes; sizes are those of the
// events, quoted), compressing it on the way, and posts it.
func (in *Intake) send(ctx context.Context, events [][]byte, sizes []int, size int) ([]string, error) {
	gz, err := in.compressBatch(events, sizes, size)
	if err != nil {
		return nil, fmt.Errorf("sekoia: intake: compress: %w", err)
	}
	return in.post(ctx, gz, len(events))
}

// compressBatch returns the gzip-compressed /batch body of events (size
// bytes uncompressed), built and compressed intakeChunk bytes at a time.
func (in *Intake) compressBatch(events [][]byte, sizes []int, size int) ([]byte, error) {
	var out bytes.Buffer
	out.Grow(size/6 + 64)
	zw := in.pools.gzip.Get().(*gzip.Writer)
	zw.Reset(&out)
	cp := in.pools.chunk.Get().(*[]byte)
	chunk := append((*cp)[:0], in.prefix...)
	var err error
	for i, ev := range events {
		if len(chunk) >= intakeChunk {
			if _, err = zw.Write(chunk); err != nil {
				break
			}
			chunk = chunk[:0]
		}
		if i > 0 {
			chunk = append(chunk, ',')
		}
		chunk = jsonstr.AppendQuotedN(chunk, ev, sizes[i])
	}
	if err == nil {
		_, err = zw.Write(append(chunk, ']', '}'))
	}
	if cerr := zw.Close(); err == nil {
		err = cerr
	}
	in.pools.gzip.Put(zw)
	if cap(chunk) <= 4*intakeChunk { // not one grown by a huge event
		*cp = chunk[:0]
		in.pools.chunk.Put(cp)
	}
	return out.Bytes(), err
}

// gzipBody returns body compressed (the IntakeWriter's batches, built as
// events are written).
func (in *Intake) gzipBody(body []byte) ([]byte, error) {
	var out bytes.Buffer
	out.Grow(len(body)/3 + 64)
	zw := in.pools.gzip.Get().(*gzip.Writer)
	zw.Reset(&out)
	_, err := zw.Write(body)
	if cerr := zw.Close(); err == nil {
		err = cerr
	}
	in.pools.gzip.Put(zw)
	return out.Bytes(), err
}

// post sends one gzip-compressed /batch body holding n events.
func (in *Intake) post(ctx context.Context, gz []byte, n int) ([]string, error) {
	// The request line comes from the generated wire layer like any other
	// call; in.rest holds the intake's own base URL (another host).
	enc := wire.PushIntakeBatchParamsContentEncoding("gzip")
	req, err := line("Intake.Push")(wire.NewPushIntakeBatchRequest(&wire.PushIntakeBatchParams{ContentEncoding: &enc}))
	if err != nil {
		return nil, err
	}
	req.Body, req.ContentType = gz, "application/json"
	// The intake stores what it receives: a retry (after a 429, a 5xx, a
	// network error or an answer cut on its way back) may store a batch
	// twice, which at-least-once delivery accepts.
	req.RetrySafe = true
	// The answer is a list of n ids: a larger one is not read.
	req.MaxBody = intakeAnswerCap(n)
	body, _, err := in.rest.Fetch(ctx, req)
	if err != nil {
		return nil, err
	}
	ids, err := decodeEventIDs(body)
	if err != nil {
		return nil, fmt.Errorf("sekoia: POST /batch: decode response: %w", err)
	}
	if len(ids) != n {
		return nil, fmt.Errorf("sekoia: POST /batch: the intake returned %d event ids for %d events", len(ids), n)
	}
	return ids, nil
}

// intakeAnswerCap is the most bytes read of the answer to a batch of n
// events: its ids (UUIDs, 38 bytes quoted with a comma) with room to
// spare.
func intakeAnswerCap(n int) int64 { return 4<<10 + int64(n)*128 }
