package main

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
)

// Chroma's lexers run many regular expressions per token: a ten-line block
// can take half a millisecond. A block's HTML depends only on its language
// and code, so blocks that went through chroma's lexers are cached by
// those: in memory for the life of the process (the dev server keeps it
// across rebuilds), and optionally on disk between builds (-cache). Blocks
// lexed by lexGo, lexHTTP and lexJSON are not: they take a few
// microseconds, less than keeping them (BenchmarkHighlightCache measured a
// warm disk cache slower than none on Go and HTTP blocks).

// highlightVersion names the highlighting's output format in disk cache
// keys; change it whenever highlightUncached or chroma's version changes
// what it writes, so old entries are not reused.
const highlightVersion = "chroma v2.27.0, classes, http split v3, extension methods, text/plain plain"

type cachedBlock struct {
	html []byte
	used atomic.Bool // by this process, so saving keeps only live entries
}

// highlightCache maps highlightKey(lang, code) to *cachedBlock.
var highlightCache sync.Map

// cachedBytes is the size of the cached HTML. Past maxCachedBytes new
// blocks are not kept, unless a disk cache wants them all: a big site's
// blocks are mostly unique, and holding them would defeat streaming.
var (
	cachedBytes    atomic.Int64
	maxCachedBytes atomic.Int64
	keepAllBlocks  atomic.Bool
)

func init() { maxCachedBytes.Store(32 << 20) }

// useHighlightCache is turned off only by the test that checks the cache
// changes nothing.
var useHighlightCache atomic.Bool

func init() { useHighlightCache.Store(true) }

func highlightKey(lang, code string) string { return lang + "\x00" + code }

// highlight returns the HTML of one code block. Highlighting is
// deterministic, so a cached block is byte-identical to a fresh one.
func highlight(lang, code string) []byte {
	if !useHighlightCache.Load() {
		html, _ := highlightUncached(lang, code)
		return html
	}
	key := highlightKey(lang, code)
	if v, ok := highlightCache.Load(key); ok {
		b := v.(*cachedBlock)
		b.used.Store(true)
		return b.html
	}
	html, slow := highlightUncached(lang, code)
	b := &cachedBlock{html: html}
	if !slow || !keepAllBlocks.Load() && cachedBytes.Load() > maxCachedBytes.Load() {
		return b.html // cheaper to highlight again than to keep
	}
	b.used.Store(true)
	if _, loaded := highlightCache.LoadOrStore(key, b); !loaded {
		cachedBytes.Add(int64(len(key) + len(b.html)))
	}
	return b.html
}

// cacheFile is the disk cache's file inside the -cache folder.
const cacheFile = "highlight-cache.bin"

// cacheMagic starts the disk cache file, and names its format: then the
// highlighting's version, the number of blocks and the blocks (key, HTML),
// each string a length (uvarint) and its bytes. Simpler than encoding/gob,
// whose start-up registration cost every run a millisecond
// (GODEBUG=inittrace=1).
const cacheMagic = "statusdocs highlight cache 1\n"

// encodeCache returns the disk form of blocks, in key order.
func encodeCache(version string, blocks map[string][]byte) []byte {
	var b []byte
	b = append(b, cacheMagic...)
	add := func(s []byte) {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	add([]byte(version))
	b = binary.AppendUvarint(b, uint64(len(blocks)))
	for _, k := range slices.Sorted(maps.Keys(blocks)) {
		add([]byte(k))
		add(blocks[k])
	}
	return b
}

// decodeCache reads what encodeCache wrote; ok is false for anything else.
func decodeCache(data []byte) (version string, blocks map[string][]byte, ok bool) {
	rest, found := bytes.CutPrefix(data, []byte(cacheMagic))
	if !found {
		return "", nil, false
	}
	next := func() ([]byte, bool) {
		n, w := binary.Uvarint(rest)
		if w <= 0 || n > uint64(len(rest)-w) {
			return nil, false
		}
		s := rest[w : w+int(n)]
		rest = rest[w+int(n):]
		return s, true
	}
	v, ok := next()
	if !ok {
		return "", nil, false
	}
	count, w := binary.Uvarint(rest)
	if w <= 0 || count > uint64(len(rest)) {
		return "", nil, false
	}
	rest = rest[w:]
	blocks = make(map[string][]byte, count)
	for range count {
		k, ok1 := next()
		html, ok2 := next()
		if !ok1 || !ok2 {
			return "", nil, false
		}
		blocks[string(k)] = html
	}
	if len(rest) > 0 || uint64(len(blocks)) != count {
		return "", nil, false
	}
	return string(v), blocks, true
}

// loadHighlightCache fills the memory cache from dir. A missing, unreadable
// or outdated cache is not an error: the build just highlights afresh.
func loadHighlightCache(dir string) {
	keepAllBlocks.Store(true)
	data, err := os.ReadFile(filepath.Join(dir, cacheFile))
	if err != nil {
		return
	}
	version, blocks, ok := decodeCache(data)
	if !ok || version != highlightVersion {
		return
	}
	for k, v := range blocks {
		if _, loaded := highlightCache.LoadOrStore(k, &cachedBlock{html: v}); !loaded {
			cachedBytes.Add(int64(len(k) + len(v)))
		}
	}
}

// saveHighlightCache writes the blocks this process used to dir, replacing
// the file atomically; blocks no longer in any page are dropped.
func saveHighlightCache(dir string) error {
	blocks := map[string][]byte{}
	highlightCache.Range(func(k, v any) bool {
		if b := v.(*cachedBlock); b.used.Load() {
			blocks[k.(string)] = b.html
		}
		return true
	})
	data := encodeCache(highlightVersion, blocks)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("-cache: %w", err)
	}
	tmp := filepath.Join(dir, cacheFile+".tmp-"+randomSuffix())
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return fmt.Errorf("-cache: %w", err)
	}
	if err := os.Rename(tmp, filepath.Join(dir, cacheFile)); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("-cache: %w", err)
	}
	return nil
}
