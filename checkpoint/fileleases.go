package checkpoint

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// FileLeases is a LeaseStore in a directory, for the processes of one
// machine: each source has a file holding its checkpoint and its lease
// (token, holder, expiry), replaced atomically like File, and every
// operation holds an exclusive lock (flock(2) on Unix) on a lock file
// beside it, so the check of the lease and the write of the checkpoint are
// one step across processes. Expiry is read on this machine's clock: the
// directory must not be shared across machines (a network file system);
// use a database store there. On systems without flock the lock covers the
// goroutines of one process only.
type FileLeases struct {
	dir string
	mu  sync.Mutex // serializes this process's operations
}

var _ LeaseStore = (*FileLeases)(nil)

// NewFileLeases returns a FileLeases in dir, which must exist.
func NewFileLeases(dir string) (*FileLeases, error) {
	if dir == "" {
		return nil, errors.New("checkpoint: directory is empty")
	}
	st, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("checkpoint: %w", err)
	}
	if !st.IsDir() {
		return nil, errors.New("checkpoint: lease directory is not a directory")
	}
	return &FileLeases{dir: dir}, nil
}

// fileLease is the JSON form of a source's file.
type fileLease struct {
	V       int    `json:"v"`
	Token   int64  `json:"token"`
	Holder  string `json:"holder,omitempty"`
	Expires int64  `json:"expires_unix_nano,omitempty"`
	Data    []byte `json:"data,omitempty"`
}

// path returns the file of source; the name is escaped so any source id
// is one file name in dir, and hashed when the escaped form is too long
// for a file name.
func (f *FileLeases) path(source string) string {
	name := url.QueryEscape(source)
	if len(name) > 180 {
		sum := sha256.Sum256([]byte(source))
		name = "h-" + hex.EncodeToString(sum[:])
	}
	return filepath.Join(f.dir, "source-"+name+".json")
}

// with runs fn on source's record under the lock; fn returns whether to
// write the record back.
func (f *FileLeases) with(ctx context.Context, source string, fn func(r *fileLease) (bool, error)) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := CheckSource(source); err != nil {
		return fmt.Errorf("checkpoint: source %s", err)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	path := f.path(source)
	unlock, err := lockFile(path + ".lock")
	if err != nil {
		return fmt.Errorf("checkpoint: lock: %w", err)
	}
	defer unlock()
	var r fileLease
	b, err := os.ReadFile(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		r.V = 1
	case err != nil:
		return fmt.Errorf("checkpoint: %w", err)
	default:
		if err := json.Unmarshal(b, &r); err != nil || r.V != 1 {
			return fmt.Errorf("checkpoint: %s: corrupt lease file", filepath.Base(path))
		}
	}
	write, err := fn(&r)
	if err != nil || !write {
		return err
	}
	b, err = json.Marshal(&r)
	if err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	return writeAtomic(path, b)
}

func (r *fileLease) current(l Lease, now time.Time) bool {
	return r.Token == l.Token && r.Holder != "" && now.UnixNano() < r.Expires
}

// Acquire implements LeaseStore.
func (f *FileLeases) Acquire(ctx context.Context, source, holder string, ttl time.Duration) (Lease, error) {
	if err := checkLeaseArgs(source, holder, ttl); err != nil {
		return Lease{}, err
	}
	var l Lease
	err := f.with(ctx, source, func(r *fileLease) (bool, error) {
		now := time.Now()
		if r.Holder != "" && r.Holder != holder && now.UnixNano() < r.Expires {
			return false, fmt.Errorf("%w: %s", ErrLeaseHeld, source)
		}
		r.Token++
		r.Holder, r.Expires = holder, now.Add(ttl).UnixNano()
		l = Lease{Source: source, Holder: holder, Token: r.Token}
		return true, nil
	})
	return l, err
}

// Renew implements LeaseStore.
func (f *FileLeases) Renew(ctx context.Context, l Lease, ttl time.Duration) error {
	return f.with(ctx, l.Source, func(r *fileLease) (bool, error) {
		now := time.Now()
		if !r.current(l, now) {
			return false, lost(l)
		}
		r.Expires = now.Add(ttl).UnixNano()
		return true, nil
	})
}

// Release implements LeaseStore.
func (f *FileLeases) Release(ctx context.Context, l Lease) error {
	return f.with(context.WithoutCancel(ctx), l.Source, func(r *fileLease) (bool, error) {
		if r.Token != l.Token || r.Holder == "" {
			return false, nil
		}
		r.Holder, r.Expires = "", 0
		return true, nil
	})
}

// Load implements LeaseStore.
func (f *FileLeases) Load(ctx context.Context, source string) ([]byte, error) {
	var data []byte
	err := f.with(ctx, source, func(r *fileLease) (bool, error) {
		data = r.Data
		return false, nil
	})
	return data, err
}

// Save implements LeaseStore.
func (f *FileLeases) Save(ctx context.Context, l Lease, data []byte) error {
	return f.with(ctx, l.Source, func(r *fileLease) (bool, error) {
		if !r.current(l, time.Now()) {
			return false, lost(l)
		}
		r.Data = append([]byte{}, data...)
		return true, nil
	})
}
