package main

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// Two upstream packages are copied into third_party with a few textual
// changes each, for start-up time (see each folder's README.md). A copy is
// the upstream package of the module version in go.mod, with its patches
// applied, plus files derived from it and files of ours; checkCopy
// re-derives it and fails on any difference, and with -update rewrites it,
// which is the step after upgrading the module.

// thirdPartyCopy describes one copied package.
type thirdPartyCopy struct {
	name     string // for messages: "chroma's lexers package"
	upstream string // the package's folder in the module cache
	ours     string // its copy, under third_party
	license  string // the module's licence file, copied as LICENSE
	// patches rewrites, file by file, upstream text into ours. Each old
	// string must occur exactly once when applied, so an upstream change
	// that moves them fails loudly instead of being patched wrongly.
	patches map[string][][2]string
	subdirs []string          // folders copied whole; others are subpackages, left upstream
	derived map[string][]byte // generated files
	own     []string          // files that are ours
	test    string            // the test to run with -update
}

// applyPatches returns the copy's version of one upstream file.
func applyPatches(patches [][2]string, name, upstream string) (string, error) {
	out := upstream
	for _, p := range patches {
		if n := strings.Count(out, p[0]); n != 1 {
			return "", fmt.Errorf("%s: the text to patch occurs %d times, want 1: %q", name, n, p[0])
		}
		out = strings.Replace(out, p[0], p[1], 1)
	}
	return out, nil
}

// checkCopy compares c's folder with what it should hold, after writing
// that with -update.
func checkCopy(t *testing.T, c thirdPartyCopy) {
	t.Helper()
	want := map[string][]byte{}
	entries, err := os.ReadDir(c.upstream)
	if err != nil {
		t.Fatal(err)
	}
	var walk func(dir string) error
	walk = func(dir string) error {
		return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			rel, _ := filepath.Rel(c.upstream, p)
			rel = filepath.ToSlash(rel)
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			if patches, ok := c.patches[rel]; ok {
				s, err := applyPatches(patches, rel, string(data))
				if err != nil {
					return err
				}
				data = []byte(s)
			}
			want[rel] = data
			return nil
		})
	}
	for _, e := range entries {
		name := e.Name()
		switch {
		case strings.HasSuffix(name, "_test.go"), name == "testdata", name == "README.md",
			e.IsDir() && !slices.Contains(c.subdirs, name):
			continue
		}
		if err := walk(filepath.Join(c.upstream, name)); err != nil {
			t.Fatal(err)
		}
	}
	for name := range c.patches {
		if _, ok := want[name]; !ok {
			t.Errorf("%s has no file %s to patch", c.name, name)
		}
	}
	license, err := os.ReadFile(c.license)
	if err != nil {
		t.Fatal(err)
	}
	want["LICENSE"] = license
	for name, data := range c.derived {
		want[name] = data
	}
	if *update {
		for name, data := range want {
			p := filepath.Join(c.ours, filepath.FromSlash(name))
			os.MkdirAll(filepath.Dir(p), 0o755)
			if err := os.WriteFile(p, data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	have := map[string]bool{}
	filepath.WalkDir(c.ours, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(c.ours, p)
			have[filepath.ToSlash(rel)] = true
		}
		return nil
	})
	for name, data := range want {
		got, err := os.ReadFile(filepath.Join(c.ours, filepath.FromSlash(name)))
		if err != nil || !bytes.Equal(got, data) {
			t.Errorf("%s/%s differs from %s (patched); run go test -run %s -update", filepath.ToSlash(c.ours), name, c.name, c.test)
		}
	}
	for name := range have {
		if _, ok := want[name]; !ok && !slices.Contains(c.own, name) {
			t.Errorf("%s/%s is not in %s", filepath.ToSlash(c.ours), name, c.name)
		}
	}
}

// moduleDir returns the folder of a module this build uses.
func moduleDir(t *testing.T, module string) string {
	t.Helper()
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", module).Output()
	dir := strings.TrimSpace(string(out))
	if err != nil || dir == "" {
		t.Skipf("cannot locate the module %s: %v", module, err)
	}
	return dir
}
