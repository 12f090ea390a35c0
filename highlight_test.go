package main

import (
	"maps"
	"os"
	"path/filepath"
	"testing"
)

// TestCacheFile checks the disk cache's format: what encodeCache writes
// decodes to the same blocks, and anything cut short or not ours is
// refused rather than half read.
func TestCacheFile(t *testing.T) {
	t.Parallel()
	blocks := map[string][]byte{
		highlightKey("python", "print(1)\n"): []byte(`<pre class="chroma"><code>print(1)</code></pre>`),
		highlightKey("xml", ""):              {},
		highlightKey("json", "\x00\xff"):     []byte("\x00\xff binary is fine"),
	}
	data := encodeCache("v1", blocks)
	version, got, ok := decodeCache(data)
	if !ok || version != "v1" || !maps.EqualFunc(got, blocks, func(a, b []byte) bool { return string(a) == string(b) }) {
		t.Fatalf("round trip: ok %v, version %q, %d blocks", ok, version, len(got))
	}
	if string(encodeCache("v1", blocks)) != string(data) {
		t.Error("encoding is not deterministic")
	}
	for n := range len(data) {
		if _, _, ok := decodeCache(data[:n]); ok {
			t.Errorf("a cache cut to %d of %d bytes was read", n, len(data))
		}
	}
	if _, _, ok := decodeCache([]byte("\x0f\xff\x81gob or anything else")); ok {
		t.Error("a foreign file was read")
	}
}

// TestCacheVersion checks that a disk cache written for another version of
// the highlighting is not used.
func TestCacheVersion(t *testing.T) {
	dir := t.TempDir()
	key := highlightKey("python", "x = 'stale'\n")
	if err := os.WriteFile(filepath.Join(dir, cacheFile), encodeCache("an old version", map[string][]byte{key: []byte("stale")}), 0o644); err != nil {
		t.Fatal(err)
	}
	defer resetHighlightCache()
	resetHighlightCache()
	loadHighlightCache(dir)
	if _, ok := highlightCache.Load(key); ok {
		t.Error("a block cached by another version was loaded")
	}
	os.WriteFile(filepath.Join(dir, cacheFile), encodeCache(highlightVersion, map[string][]byte{key: []byte("fresh")}), 0o644)
	loadHighlightCache(dir)
	if v, ok := highlightCache.Load(key); !ok || string(v.(*cachedBlock).html) != "fresh" {
		t.Error("a block cached by this version was not loaded")
	}
}

func FuzzDecodeCache(f *testing.F) {
	f.Add(encodeCache("v", map[string][]byte{"a": []byte("b")}))
	f.Add([]byte(cacheMagic))
	f.Fuzz(func(t *testing.T, data []byte) {
		version, blocks, ok := decodeCache(data)
		if !ok {
			return
		}
		if v2, b2, ok := decodeCache(encodeCache(version, blocks)); !ok || v2 != version || len(b2) != len(blocks) {
			t.Errorf("re-encoding %q changed it", data)
		}
	})
}
