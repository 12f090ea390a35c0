package render

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"
)

// TestCacheFile checks the disk cache's format: what encodeCache writes
// decodes to the same entries, and a file cut short, changed in any byte,
// or not ours is refused rather than half read.
func TestCacheFile(t *testing.T) {
	t.Parallel()
	entries := []cacheEntry{
		{blockKey{1}, 20000, []byte(`<pre class="chroma"><code>print(1)</code></pre>`)},
		{blockKey{2}, 0, []byte{}},
		{blockKey{3}, 1<<32 - 1, []byte("\x00\xff binary is fine")},
	}
	data := encodeCache(entries)
	got, ok := decodeCache(data)
	if !ok || !slices.EqualFunc(got, entries, func(a, b cacheEntry) bool {
		return a.key == b.key && a.stamp == b.stamp && bytes.Equal(a.html, b.html)
	}) {
		t.Fatalf("round trip: ok %v, %v", ok, got)
	}
	for n := range len(data) {
		if _, ok := decodeCache(data[:n]); ok {
			t.Errorf("a cache cut to %d of %d bytes was read", n, len(data))
		}
	}
	for i := range data {
		bad := bytes.Clone(data)
		bad[i] ^= 0x10
		if _, ok := decodeCache(bad); ok {
			t.Errorf("a cache with byte %d changed was read", i)
		}
	}
	if _, ok := decodeCache([]byte("statusdocs highlight cache 1\n\x01\x02gob or anything else")); ok {
		t.Error("a file of another format was read")
	}
	if got, ok := decodeCache(encodeCache(nil)); !ok || len(got) != 0 {
		t.Errorf("empty cache: %v, %v", got, ok)
	}
}

func FuzzDecodeCache(f *testing.F) {
	f.Add(encodeCache([]cacheEntry{{blockKey{7}, 3, []byte("b")}}))
	f.Add([]byte(cacheMagic))
	f.Fuzz(func(t *testing.T, data []byte) {
		entries, ok := decodeCache(data)
		if !ok {
			return
		}
		if !bytes.Equal(encodeCache(entries), data) {
			t.Errorf("re-encoding %q changed it", data)
		}
	})
}

// TestCacheKey checks a block's key changes with everything its HTML
// depends on: language, code, the libraries' versions and our own
// highlighting code.
func TestCacheKey(t *testing.T) {
	t.Parallel()
	src := fstest.MapFS{"highlight.go": {Data: []byte("package render // v1")}}
	base := &Highlighter{prefix: keyPrefix("chroma v2.27.0", src)}
	k := base.key("go", "x := 1\n")
	other := fstest.MapFS{"highlight.go": {Data: []byte("package render // v2")}}
	for name, h := range map[string]*Highlighter{
		"chroma upgraded":    {prefix: keyPrefix("chroma v2.28.0", src)},
		"our code changed":   {prefix: keyPrefix("chroma v2.27.0", other)},
		"another file added": {prefix: keyPrefix("chroma v2.27.0", fstest.MapFS{"highlight.go": src["highlight.go"], "highlight_x.go": {}})},
	} {
		if h.key("go", "x := 1\n") == k {
			t.Errorf("%s: same key", name)
		}
	}
	if base.key("golang", "x := 1\n") == k || base.key("go", "x := 2\n") == k || base.key("go", "") == base.key("", "go") {
		t.Error("language and code do not both decide the key")
	}
	if names, _ := highlightSources.ReadDir("."); len(names) != 2 {
		t.Errorf("the key hashes %d source files, want highlight.go and highlight_http.go", len(names))
	}
	if (&Highlighter{prefix: keyPrefix("chroma v2.27.0", src)}).key("go", "x := 1\n") != k {
		t.Error("the key is not deterministic")
	}
}

// diskHighlighter returns a highlighter with a disk cache in dir, as a
// program whose build information names chroma's version would make.
func diskHighlighter(dir string) *Highlighter {
	return NewHighlighter(HighlightOptions{Dir: dir, File: "site.cache", Version: "test"})
}

var goBlock = "package main\n\nfunc main() {\n\tprintln(\"hi\")\n}\n"

// TestDiskCache checks the disk cache as two builds in a row use it: the
// second gets every block from the file, byte-identical, and writes
// nothing; a new block makes the next save write; a corrupt file is
// ignored and written anew; blocks of another version are not used; and
// without build information nothing is written.
func TestDiskCache(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	file := filepath.Join(dir, "site.cache")
	first := diskHighlighter(dir)
	want := first.Highlight("go", goBlock)
	first.Highlight("", "plain text is only escaped\n")
	if err := first.Save(); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(file)
	if err != nil {
		t.Fatal(err)
	}
	entries, _ := decodeCache(must(os.ReadFile(file)))
	if len(entries) != 1 {
		t.Errorf("cache holds %d blocks, want 1 (plain blocks are not kept)", len(entries))
	}

	second := diskHighlighter(dir)
	second.Highlight("go", goBlock) // loads the file
	v, ok := second.blocks.Load(second.key("go", goBlock))
	if !ok || !bytes.Equal(v.(*block).html, want) {
		t.Fatal("the second build did not get the block from the file")
	}
	if err := second.Save(); err != nil {
		t.Fatal(err)
	}
	if fi2, _ := os.Stat(file); !sameFile(fi, fi2) {
		t.Error("a build that highlighted nothing new rewrote the cache")
	}

	second.Highlight("json", `{"a": 1}`)
	if err := second.Save(); err != nil {
		t.Fatal(err)
	}
	if entries, _ := decodeCache(must(os.ReadFile(file))); len(entries) != 2 {
		t.Errorf("after a new block the cache holds %d blocks, want 2", len(entries))
	}

	// A corrupt file: not trusted, and rebuilt.
	data := must(os.ReadFile(file))
	corrupt := bytes.Replace(data, []byte("println"), []byte("PWNED!!"), 1)
	os.WriteFile(file, corrupt, 0o644)
	third := diskHighlighter(dir)
	if got := third.Highlight("go", goBlock); !bytes.Equal(got, want) {
		t.Errorf("a corrupt cache was trusted: %q", got)
	}
	if err := third.Save(); err != nil {
		t.Fatal(err)
	}
	if entries, ok := decodeCache(must(os.ReadFile(file))); !ok || len(entries) != 1 {
		t.Errorf("the corrupt cache was not rebuilt: ok %v, %d blocks", ok, len(entries))
	}

	// Another chroma: other keys, so nothing of this file is used.
	upgraded := NewHighlighter(HighlightOptions{Dir: dir, File: "site.cache", Version: "test 2"})
	upgraded.Highlight("go", goBlock)
	if _, ok := upgraded.blocks.Load(third.key("go", goBlock)); !ok {
		t.Fatal("the file was not loaded")
	}
	if _, ok := upgraded.blocks.Load(upgraded.key("go", goBlock)); !ok {
		t.Fatal("the block was not cached under the new version's key")
	}
	if third.key("go", goBlock) == upgraded.key("go", goBlock) {
		t.Error("two versions share a key")
	}

	// Test binaries have no build information: no disk cache at all.
	none := NewHighlighter(HighlightOptions{Dir: t.TempDir(), File: "x.cache"})
	none.Highlight("go", goBlock)
	if err := none.Save(); err != nil || none.disk != nil {
		t.Errorf("without a version the disk cache is used (%v)", err)
	}
}

// TestDiskCacheBounds checks what a save keeps: blocks unused for
// maxCacheAge days go, and past MaxBytes the least recently used go first.
func TestDiskCacheBounds(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	h := NewHighlighter(HighlightOptions{Dir: dir, File: "site.cache", Version: "test", MaxBytes: 1400})
	h.load()
	now := h.today
	old := blockKey{'o'}
	stale := blockKey{'s'}
	for _, e := range []cacheEntry{
		{old, now - maxCacheAge + 1, bytes.Repeat([]byte("o"), 500)}, // old but fresh enough
		{stale, now - maxCacheAge - 1, []byte("stale")},
	} {
		b := &block{html: e.html}
		b.stamp.Store(e.stamp)
		h.blocks.Store(e.key, b)
	}
	for i := range 2 {
		h.Highlight("go", goBlock+strings.Repeat("\n", i)) // about 600 bytes each, today
	}
	if err := h.Save(); err != nil {
		t.Fatal(err)
	}
	entries, ok := decodeCache(must(os.ReadFile(filepath.Join(dir, "site.cache"))))
	if !ok {
		t.Fatal("cache unreadable")
	}
	var stamps []uint32
	for _, e := range entries {
		if e.key == stale {
			t.Error("a block unused for longer than maxCacheAge was kept")
		}
		if e.key == old && len(entries) > 2 {
			t.Error("past MaxBytes the least recently used block was kept")
		}
		stamps = append(stamps, e.stamp)
	}
	if len(entries) != 2 || stamps[0] != now || stamps[1] != now {
		t.Errorf("kept %d blocks with stamps %v, want today's two", len(entries), stamps)
	}
}

// TestDiskCacheConcurrentSaves has builds of one site save at once, each
// with blocks of its own: the file is whole and holds every block of the
// last to save and, merged, those saved before it.
func TestDiskCacheConcurrentSaves(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	const builds = 8
	var wg sync.WaitGroup
	for i := range builds {
		wg.Add(1)
		go func() {
			defer wg.Done()
			h := diskHighlighter(dir)
			h.Highlight("go", goBlock+strings.Repeat(" ", i))
			if err := h.Save(); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	entries, ok := decodeCache(must(os.ReadFile(filepath.Join(dir, "site.cache"))))
	if !ok || len(entries) == 0 {
		t.Fatalf("after concurrent saves: ok %v, %d blocks", ok, len(entries))
	}
	leftovers, _ := filepath.Glob(filepath.Join(dir, "*.tmp-*"))
	if len(leftovers) > 0 {
		t.Errorf("temporary files left: %v", leftovers)
	}
	// One more build, after them: it merges whatever the last left.
	h := diskHighlighter(dir)
	h.Highlight("go", "package last\n")
	h.Save()
	after, _ := decodeCache(must(os.ReadFile(filepath.Join(dir, "site.cache"))))
	if len(after) != len(entries)+1 {
		t.Errorf("a later save kept %d blocks, want the %d there plus its own", len(after), len(entries))
	}
}

// TestDiskCacheTrim checks the folder stays within its budget: the least
// recently written files of other sites go first.
func TestDiskCacheTrim(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	const max = 1000
	for i, name := range []string{"a.cache", "b.cache", "c.cache", "d.cache", "e.cache"} {
		p := filepath.Join(dir, name)
		os.WriteFile(p, bytes.Repeat([]byte("x"), 1500), 0o644)
		at := fixedTime.Add(time.Duration(i) * time.Hour)
		os.Chtimes(p, at, at)
	}
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("not ours"), 0o644)
	h := NewHighlighter(HighlightOptions{Dir: dir, File: "site.cache", Version: "test", MaxBytes: max})
	h.Highlight("go", goBlock)
	if err := h.Save(); err != nil {
		t.Fatal(err)
	}
	var left []string
	for _, e := range must(os.ReadDir(dir)) {
		left = append(left, e.Name())
	}
	if want := []string{"d.cache", "e.cache", "notes.txt", "site.cache"}; !slices.Equal(left, want) {
		t.Errorf("after trimming: %v, want %v", left, want)
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

var fixedTime = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// TestDiskCacheFullOfOldBlocks checks that a cache file at its bound, full
// of blocks no build uses any more (another chroma's, say), does not keep
// new blocks out: they are saved, and the old ones make room.
func TestDiskCacheFullOfOldBlocks(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	const max = 4000
	old := NewHighlighter(HighlightOptions{Dir: dir, File: "site.cache", Version: "old", MaxBytes: max})
	for i := 0; old.kept.Load() < max; i++ {
		old.Highlight("go", goBlock+strings.Repeat(" ", i))
	}
	if err := old.Save(); err != nil {
		t.Fatal(err)
	}
	h := NewHighlighter(HighlightOptions{Dir: dir, File: "site.cache", Version: "new", MaxBytes: max})
	h.today++ // a day later: the old blocks are the least recently used
	news := []string{goBlock + "// a\n", goBlock + "// b\n", goBlock + "// c\n"}
	for _, code := range news {
		h.Highlight("go", code)
	}
	if err := h.Save(); err != nil {
		t.Fatal(err)
	}
	entries, ok := decodeCache(must(os.ReadFile(filepath.Join(dir, "site.cache"))))
	for _, code := range news {
		if !ok || !slices.ContainsFunc(entries, func(e cacheEntry) bool { return e.key == h.key("go", code) }) {
			t.Errorf("the new block %q was not saved beside %d old ones", code, len(entries))
		}
	}
}
