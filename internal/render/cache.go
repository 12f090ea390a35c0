package render

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/crc32"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// The disk cache keeps highlighted blocks between runs, like Go's build
// cache: content-addressed (a block's key hashes its language, its code,
// and the versions of everything that highlights it, so an upgrade or a
// change to highlight.go misses instead of serving stale HTML), written
// only when it changed, bounded, and never trusted: a file that fails its
// checksum or does not parse is ignored and written anew.
//
// One file holds one site's blocks (CacheFile names it after the content
// folder), so a build reads its own site's blocks and no others. A file is
// replaced whole, by renaming a finished temporary file over it, so a
// reader never sees half a file; when two builds save at once, each first
// merges what the other wrote, and at worst one's new blocks are lost,
// to be highlighted again next time. Blocks unused for maxCacheAge days are
// dropped; past MaxBytes the least recently used go first; past
// dirBudget files the folder's least recently written files go.

const (
	// DefaultCacheBytes bounds one site's cache file: a 10,000-page site
	// with two blocks a page needs about half of it.
	DefaultCacheBytes = 64 << 20
	// maxCacheAge is how many days a block no build used stays cached.
	maxCacheAge = 30
	// dirBudget is how many files' worth of MaxBytes the folder holds.
	dirBudget = 4
	// cacheExt ends the cache files' names.
	cacheExt = ".cache"
)

// cacheMagic starts a cache file and names its format: then blocks, each
// its key (32 bytes), the day it was last used and its HTML's length
// (uvarints) and the HTML, then a CRC-32C of everything before it.
const cacheMagic = "statusdocs highlight cache 2\n"

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// CacheFile returns the name of the disk cache file for a site, identified
// by its content folder (an absolute path, or a name for one not on disk).
func CacheFile(site string) string {
	sum := sha256.Sum256([]byte(site))
	return "highlight-" + hex.EncodeToString(sum[:8]) + cacheExt
}

// diskCache is where a Highlighter reads and writes its blocks.
type diskCache struct {
	dir, file string
	maxBytes  int64
	read      fs.FileInfo // the file as last read or written, nil if none
}

func newDiskCache(dir, file string, maxBytes int64) *diskCache {
	if maxBytes <= 0 {
		maxBytes = DefaultCacheBytes
	}
	if file == "" {
		file = CacheFile("")
	}
	return &diskCache{dir: dir, file: file, maxBytes: maxBytes}
}

func (c *diskCache) path() string { return filepath.Join(c.dir, c.file) }

// cacheEntry is one block as the file holds it.
type cacheEntry struct {
	key   blockKey
	stamp uint32
	html  []byte
}

// encodeCache returns the file form of entries, in their order.
func encodeCache(entries []cacheEntry) []byte {
	n := len(cacheMagic) + 4
	for _, e := range entries {
		n += len(e.key) + 2*binary.MaxVarintLen32 + len(e.html)
	}
	b := make([]byte, 0, n)
	b = append(b, cacheMagic...)
	for _, e := range entries {
		b = append(b, e.key[:]...)
		b = binary.AppendUvarint(b, uint64(e.stamp))
		b = binary.AppendUvarint(b, uint64(len(e.html)))
		b = append(b, e.html...)
	}
	return binary.LittleEndian.AppendUint32(b, crc32.Checksum(b, castagnoli))
}

// decodeCache reads what encodeCache wrote; ok is false for anything else,
// a file cut short or changed by a single bit included. The entries' HTML
// shares data's memory.
func decodeCache(data []byte) (entries []cacheEntry, ok bool) {
	if len(data) < len(cacheMagic)+4 || !bytes.HasPrefix(data, []byte(cacheMagic)) {
		return nil, false
	}
	body, sum := data[:len(data)-4], binary.LittleEndian.Uint32(data[len(data)-4:])
	if crc32.Checksum(body, castagnoli) != sum {
		return nil, false
	}
	rest := body[len(cacheMagic):]
	for len(rest) > 0 {
		var e cacheEntry
		if len(rest) < len(e.key) {
			return nil, false
		}
		rest = rest[copy(e.key[:], rest):]
		stamp, w := binary.Uvarint(rest)
		if w <= 0 || stamp > 1<<32-1 {
			return nil, false
		}
		rest = rest[w:]
		n, w := binary.Uvarint(rest)
		if w <= 0 || n > uint64(len(rest)-w) {
			return nil, false
		}
		e.stamp, e.html = uint32(stamp), rest[w:w+int(n)]
		rest = rest[w+int(n):]
		entries = append(entries, e)
	}
	return entries, true
}

// load reads the disk cache into memory, once, when the first block is
// highlighted. A missing, unreadable or corrupt file gives no blocks: the
// build highlights afresh and Save writes a good file.
func (h *Highlighter) load() {
	if h.disk == nil {
		return
	}
	entries, fi, ok := h.disk.readFile()
	h.disk.read = fi
	if !ok {
		h.dirty.Store(true)
	}
	// The file's blocks do not count against maxKept: that bounds the new
	// blocks of this run, which Save then keeps before the file's least
	// recently used ones. (Counting them, a full file of another version's
	// blocks would keep every new block out for a month.)
	for _, e := range entries {
		b := &block{html: e.html}
		b.stamp.Store(e.stamp)
		h.blocks.LoadOrStore(e.key, b)
	}
}

// readFile returns the entries of the cache file and its FileInfo; ok is
// false when a file is there but cannot be used.
func (c *diskCache) readFile() ([]cacheEntry, fs.FileInfo, bool) {
	data, err := os.ReadFile(c.path())
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, true
	}
	fi, _ := os.Stat(c.path())
	if err != nil {
		return nil, fi, false
	}
	entries, ok := decodeCache(data)
	return entries, fi, ok
}

// Save writes the blocks of this run, and those of earlier runs that are
// still fresh, to the disk cache, if anything changed since it was read;
// without a disk cache it does nothing. A build calls it once it has
// succeeded; its error means only that the next build will be slower.
func (h *Highlighter) Save() error {
	c := h.disk
	if c == nil || !h.dirty.Load() {
		return nil
	}
	cutoff := h.today - min(h.today, maxCacheAge)
	var entries []cacheEntry
	have := map[blockKey]bool{}
	h.blocks.Range(func(k, v any) bool {
		b := v.(*block)
		if stamp := b.stamp.Load(); stamp >= cutoff {
			entries = append(entries, cacheEntry{k.(blockKey), stamp, b.html})
			have[k.(blockKey)] = true
		}
		return true
	})
	// Another build may have saved since this one read the file: keep
	// what it added.
	if fi, err := os.Stat(c.path()); err == nil && (c.read == nil || !sameFile(fi, c.read)) {
		if other, _, ok := c.readFile(); ok {
			for _, e := range other {
				if !have[e.key] && e.stamp >= cutoff {
					entries = append(entries, e)
				}
			}
		}
	}
	// The most recently used first, so the bound drops the least; then by
	// key, so the same blocks give the same file.
	slices.SortFunc(entries, func(a, b cacheEntry) int {
		return cmp.Or(cmp.Compare(b.stamp, a.stamp), bytes.Compare(a.key[:], b.key[:]))
	})
	var size int64
	for i, e := range entries {
		if size += int64(len(e.key) + len(e.html) + 8); size > c.maxBytes {
			entries = entries[:i]
			break
		}
	}
	if err := c.write(encodeCache(entries)); err != nil {
		return fmt.Errorf("highlight cache: %w", err)
	}
	h.dirty.Store(false)
	c.trim()
	return nil
}

// write replaces the cache file with data.
func (c *diskCache) write(data []byte) error {
	if err := os.MkdirAll(c.dir, 0o777); err != nil {
		return err
	}
	f, err := os.CreateTemp(c.dir, c.file+".tmp-*")
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), c.path())
	}
	if err != nil {
		os.Remove(f.Name())
		return err
	}
	c.read, _ = os.Stat(c.path())
	return nil
}

// trim keeps the folder within dirBudget files' worth of maxBytes,
// removing the least recently written cache files other than this one,
// and removes temporary files that crashed runs left over an hour ago.
func (c *diskCache) trim() {
	entries, err := os.ReadDir(c.dir)
	if err != nil {
		return
	}
	type file struct {
		name string
		size int64
		mod  time.Time
	}
	var files []file
	var total int64
	for _, e := range entries {
		fi, err := e.Info()
		if err != nil || !fi.Mode().IsRegular() {
			continue
		}
		name := e.Name()
		switch {
		case strings.Contains(name, cacheExt+".tmp-"):
			if time.Since(fi.ModTime()) > time.Hour {
				os.Remove(filepath.Join(c.dir, name))
			}
		case strings.HasSuffix(name, cacheExt) && name != c.file:
			files = append(files, file{name, fi.Size(), fi.ModTime()})
			total += fi.Size()
		case name == c.file:
			total += fi.Size()
		}
	}
	slices.SortFunc(files, func(a, b file) int { return a.mod.Compare(b.mod) })
	for _, f := range files {
		if total <= dirBudget*c.maxBytes {
			break
		}
		if os.Remove(filepath.Join(c.dir, f.name)) == nil {
			total -= f.size
		}
	}
}

// sameFile reports whether two stats are of one unchanged file.
func sameFile(a, b fs.FileInfo) bool {
	return os.SameFile(a, b) && a.Size() == b.Size() && a.ModTime().Equal(b.ModTime())
}
