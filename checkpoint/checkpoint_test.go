package checkpoint_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/socgo/xdr/checkpoint"
)

var (
	_ checkpoint.Store = (*checkpoint.File)(nil)
	_ checkpoint.Store = (*checkpoint.Memory)(nil)
)

func newFile(t *testing.T) (*checkpoint.File, string) {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "tehtris.checkpoint")
	f, err := checkpoint.NewFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return f, dir
}

func TestFileMissingIsNoCheckpoint(t *testing.T) {
	t.Parallel()
	f, _ := newFile(t)
	b, err := f.Load(t.Context())
	if b != nil || err != nil {
		t.Errorf("Load of a missing file = %q, %v; want nil, nil", b, err)
	}
}

func TestFileSaveLoad(t *testing.T) {
	t.Parallel()
	f, dir := newFile(t)
	for _, data := range [][]byte{[]byte(`{"v":1,"t":"2026-03-01T12:00:00Z"}`), []byte(`{"v":1}`), {}} {
		if err := f.Save(t.Context(), data); err != nil {
			t.Fatalf("Save: %v", err)
		}
		got, err := f.Load(t.Context())
		if err != nil || !bytes.Equal(got, data) {
			t.Errorf("Load = %q, %v; want %q", got, err, data)
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("directory holds %v; temporary files must not be left behind", names)
	}
	if f.Path() != filepath.Join(dir, "tehtris.checkpoint") {
		t.Errorf("Path() = %q", f.Path())
	}
}

func TestFileSaveIsAtomic(t *testing.T) {
	t.Parallel()
	f, dir := newFile(t)
	old := []byte("old checkpoint")
	if err := f.Save(t.Context(), old); err != nil {
		t.Fatal(err)
	}
	// A save that cannot complete (its temporary file cannot be created)
	// leaves the old checkpoint intact.
	if err := os.Chmod(dir, 0o500); err != nil {
		t.Fatal(err)
	}
	defer os.Chmod(dir, 0o700)
	if os.Geteuid() != 0 { // root writes through permissions
		if err := f.Save(t.Context(), []byte("new")); err == nil {
			t.Error("Save into a read-only directory succeeded")
		}
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if got, _ := f.Load(t.Context()); !bytes.Equal(got, old) {
		t.Errorf("after a failed save Load = %q, want the old checkpoint", got)
	}
	// The file is replaced by rename, never rewritten in place: a reader
	// that opened the old file still reads the old bytes in full.
	r, err := os.Open(f.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if err := f.Save(t.Context(), []byte("replacement")); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(r); err != nil || !bytes.Equal(buf.Bytes(), old) {
		t.Errorf("an open reader saw %q, want the old bytes unchanged", buf.Bytes())
	}
}

func TestFileConcurrentSaves(t *testing.T) {
	t.Parallel()
	f, dir := newFile(t)
	const n = 16
	valid := map[string]bool{}
	var wg sync.WaitGroup
	for i := range n {
		data := []byte(fmt.Sprintf(`{"writer":%d,"pad":%q}`, i, strings.Repeat("x", 4096)))
		valid[string(data)] = true
		wg.Go(func() {
			if err := f.Save(context.Background(), data); err != nil {
				t.Errorf("Save: %v", err)
			}
		})
	}
	// Readers during the saves only ever see a whole checkpoint.
	for range 50 {
		wg.Go(func() {
			b, err := f.Load(context.Background())
			if err != nil {
				t.Errorf("Load: %v", err)
			}
			if b != nil && !valid[string(b)] {
				t.Errorf("Load saw a torn checkpoint of %d bytes", len(b))
			}
		})
	}
	wg.Wait()
	got, err := f.Load(t.Context())
	if err != nil || !valid[string(got)] {
		t.Errorf("final checkpoint %d bytes, %v; want one writer's whole data", len(got), err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("%d files left in the directory, want 1", len(entries))
	}
}

func TestFileHonoursContext(t *testing.T) {
	t.Parallel()
	f, _ := newFile(t)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if err := f.Save(ctx, []byte("x")); !errors.Is(err, context.Canceled) {
		t.Errorf("Save with a cancelled context = %v", err)
	}
	if _, err := f.Load(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("Load with a cancelled context = %v", err)
	}
	if b, _ := f.Load(t.Context()); b != nil {
		t.Error("a cancelled Save wrote the file")
	}
}

func TestFileErrors(t *testing.T) {
	t.Parallel()
	if _, err := checkpoint.NewFile(""); err == nil {
		t.Error("NewFile(\"\") succeeded")
	}
	f, err := checkpoint.NewFile(filepath.Join(t.TempDir(), "no-such-dir", "cp"))
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Save(t.Context(), []byte("x")); err == nil || !strings.HasPrefix(err.Error(), "checkpoint: ") {
		t.Errorf("Save into a missing directory = %v", err)
	}
	dir := t.TempDir() // a directory where the file should be
	f, _ = checkpoint.NewFile(dir)
	if _, err := f.Load(t.Context()); err == nil {
		t.Error("Load of a directory succeeded")
	}
}

func TestMemory(t *testing.T) {
	t.Parallel()
	var m checkpoint.Memory
	if b, err := m.Load(t.Context()); b != nil || err != nil {
		t.Errorf("empty Memory Load = %q, %v", b, err)
	}
	data := []byte("abc")
	if err := m.Save(t.Context(), data); err != nil {
		t.Fatal(err)
	}
	data[0] = 'X' // the store keeps its own copy
	got, _ := m.Load(t.Context())
	if string(got) != "abc" {
		t.Errorf("Load = %q, want abc", got)
	}
	got[0] = 'Y' // and hands out copies
	if again, _ := m.Load(t.Context()); string(again) != "abc" {
		t.Errorf("Load = %q after changing a loaded copy", again)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if err := m.Save(ctx, []byte("z")); !errors.Is(err, context.Canceled) {
		t.Errorf("Save with a cancelled context = %v", err)
	}
}

func TestMemoryConcurrent(t *testing.T) {
	t.Parallel()
	var m checkpoint.Memory
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			_ = m.Save(context.Background(), []byte{byte(i)})
			if b, err := m.Load(context.Background()); err != nil || len(b) != 1 {
				t.Errorf("Load = %v, %v", b, err)
			}
		})
	}
	wg.Wait()
}

func ExampleFile() {
	dir, _ := os.MkdirTemp("", "checkpoint")
	defer os.RemoveAll(dir)
	store, err := checkpoint.NewFile(filepath.Join(dir, "sentinelone-activities.json"))
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx := context.Background()
	b, _ := store.Load(ctx)
	fmt.Printf("before the first run: %q\n", b)
	_ = store.Save(ctx, []byte(`{"v":1,"time":"2026-03-01T12:00:00Z"}`))
	b, _ = store.Load(ctx)
	fmt.Printf("after: %s\n", b)
	// Output:
	// before the first run: ""
	// after: {"v":1,"time":"2026-03-01T12:00:00Z"}
}
