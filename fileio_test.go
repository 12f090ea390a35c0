package main

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
)

// TestDiskFS checks that the system-call ReadFile behaves as os.DirFS's
// does: the same bytes for every size, the same errors for missing files,
// folders and bad names, and a consistent fs.FS (fstest.TestFS).
func TestDiskFS(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	files := map[string][]byte{
		"empty.md":      nil,
		"small.md":      []byte("---\ntitle: x\n---\nbody\n"),
		"big/large.txt": bytes.Repeat([]byte("0123456789abcdef"), 5_000), // larger than a read of 64 KB
	}
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	fsys, plain := newDiskFS(dir), os.DirFS(dir)
	for _, name := range []string{"empty.md", "small.md", "big/large.txt", "missing.md", "big", "../escape", "/abs", "big/"} {
		got, gotErr := fs.ReadFile(fsys, name)
		want, wantErr := fs.ReadFile(plain, name)
		if !bytes.Equal(got, want) || (gotErr == nil) != (wantErr == nil) {
			t.Errorf("ReadFile(%q) = %d bytes, %v; os.DirFS: %d bytes, %v", name, len(got), gotErr, len(want), wantErr)
		}
		if wantErr != nil && !errors.Is(gotErr, fs.ErrNotExist) == errors.Is(wantErr, fs.ErrNotExist) {
			t.Errorf("ReadFile(%q) error %v, os.DirFS %v", name, gotErr, wantErr)
		}
		if gotErr != nil && !strings.Contains(gotErr.Error(), strings.TrimSuffix(name, "/")) {
			t.Errorf("ReadFile(%q) error %q does not name the file", name, gotErr)
		}
	}
	if err := fstest.TestFS(fsys, "empty.md", "small.md", "big/large.txt"); err != nil {
		t.Error(err)
	}
}

// TestWriteNewFile checks creating, truncating a longer file, and the
// error for a missing folder.
func TestWriteNewFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	p := filepath.Join(dir, "index.html")
	for _, data := range [][]byte{bytes.Repeat([]byte("long "), 100_000), []byte("short"), nil} {
		if err := writeNewFile(p, data); err != nil {
			t.Fatal(err)
		}
		if got, _ := os.ReadFile(p); !bytes.Equal(got, data) {
			t.Errorf("after writing %d bytes the file holds %d", len(data), len(got))
		}
	}
	ref := filepath.Join(dir, "ref")
	os.WriteFile(ref, nil, 0o644)
	if fi, ri := stat(t, p), stat(t, ref); fi.Mode() != ri.Mode() {
		t.Errorf("mode %v, os.WriteFile gives %v", fi.Mode(), ri.Mode())
	}
	missing := filepath.Join(dir, "no", "such", "index.html")
	if err := writeNewFile(missing, []byte("x")); err == nil || !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), missing) {
		t.Errorf("writing into a missing folder: %v", err)
	}
}

func stat(t *testing.T, name string) fs.FileInfo {
	t.Helper()
	fi, err := os.Stat(name)
	if err != nil {
		t.Fatal(err)
	}
	return fi
}
