package main

import (
	"bytes"
	"encoding/gob"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
)

// Chroma's lexers run many regular expressions per token: a ten-line block
// can take half a millisecond. A block's HTML depends only on its language
// and code, so blocks that went through chroma's lexers are cached by
// those: in memory for the life of the process (the dev server keeps it
// across rebuilds), and optionally on disk between builds (-cache). Blocks
// lexed by lexGo and lexHTTP are not: they take a few microseconds, less
// than keeping them (BenchmarkHighlightCache measured a warm disk cache
// slower than none on Go and HTTP blocks).

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
const cacheFile = "highlight-cache.gob"

// diskCache is the on-disk form of the highlight cache.
type diskCache struct {
	Version string
	Blocks  map[string][]byte
}

// loadHighlightCache fills the memory cache from dir. A missing, unreadable
// or outdated cache is not an error: the build just highlights afresh.
func loadHighlightCache(dir string) {
	keepAllBlocks.Store(true)
	data, err := os.ReadFile(filepath.Join(dir, cacheFile))
	if err != nil {
		return
	}
	var c diskCache
	if gob.NewDecoder(bytes.NewReader(data)).Decode(&c) != nil || c.Version != highlightVersion {
		return
	}
	for k, v := range c.Blocks {
		if _, loaded := highlightCache.LoadOrStore(k, &cachedBlock{html: v}); !loaded {
			cachedBytes.Add(int64(len(k) + len(v)))
		}
	}
}

// saveHighlightCache writes the blocks this process used to dir, replacing
// the file atomically; blocks no longer in any page are dropped.
func saveHighlightCache(dir string) error {
	c := diskCache{Version: highlightVersion, Blocks: map[string][]byte{}}
	highlightCache.Range(func(k, v any) bool {
		if b := v.(*cachedBlock); b.used.Load() {
			c.Blocks[k.(string)] = b.html
		}
		return true
	})
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(&c); err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("-cache: %w", err)
	}
	tmp := filepath.Join(dir, cacheFile+".tmp-"+randomSuffix())
	if err := os.WriteFile(tmp, buf.Bytes(), 0o644); err != nil {
		return fmt.Errorf("-cache: %w", err)
	}
	if err := os.Rename(tmp, filepath.Join(dir, cacheFile)); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("-cache: %w", err)
	}
	return nil
}
