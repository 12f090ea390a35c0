package render

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"io/fs"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/alecthomas/chroma/v2"
	chromahtml "github.com/alecthomas/chroma/v2/formatters/html"
	"github.com/alecthomas/chroma/v2/lexers"
	"github.com/yuin/goldmark/util"
)

// Highlighter writes fenced code blocks as HTML highlighted by chroma, with
// CSS classes (the stylesheet is ChromaCSS). Chroma's lexers run many
// regular expressions per token (a ten-line Go block takes half a
// millisecond, an HTTP example a tenth of one), and a block's HTML depends
// only on its language, its code and the code that highlights it: chroma's
// and the two files of this package that the cache key hashes
// (highlightSources). So blocks are cached by a hash of those, in memory
// for the life of the Highlighter (the dev server keeps one across
// rebuilds) and, with a disk cache, between runs (see cache.go).
//
// Code that decides what a block's HTML is belongs in highlight.go or
// highlight_http.go: a change there then changes every key, and no stale
// block is reused.
type Highlighter struct {
	noCache bool
	disk    *diskCache // nil for none
	prefix  []byte     // of every key: what the HTML depends on besides lang and code
	today   uint32     // days since 1970, stamped on blocks used

	loadOnce sync.Once
	blocks   sync.Map     // blockKey → *block
	kept     atomic.Int64 // bytes of HTML of the blocks this run added
	maxKept  int64
	dirty    atomic.Bool // the disk cache lacks a block, or a block's stamp is old

	hits, lexed atomic.Int64 // blocks from the cache, and highlighted afresh by a lexer
}

type blockKey [sha256.Size]byte

type block struct {
	html  []byte
	stamp atomic.Uint32 // day last used, for the disk cache's eviction
}

// HighlightOptions say how a Highlighter caches.
type HighlightOptions struct {
	// NoCache highlights every block afresh, even one seen before.
	NoCache bool
	// Dir, when set, keeps blocks in a disk cache in this folder between
	// runs, in the file File names (one per site: see CacheFile).
	Dir, File string
	// MaxBytes bounds the disk cache file; 0 means DefaultCacheBytes.
	MaxBytes int64
	// Version is what highlighting depends on besides this package's own
	// code: chroma's version and that of its regular expressions. Empty
	// means from the program's build information; where that has none
	// (test binaries), blocks are not kept on disk.
	Version string
}

// maxMemoryBytes bounds the HTML kept in memory without a disk cache: a
// big site's blocks are mostly unique, and holding them all would defeat
// streaming pages to disk.
const maxMemoryBytes = 32 << 20

// NewHighlighter returns a highlighter that caches as opts say. It reads
// no file yet: a disk cache is read when the first block is highlighted.
func NewHighlighter(opts HighlightOptions) *Highlighter {
	h := &Highlighter{noCache: opts.NoCache, maxKept: maxMemoryBytes, today: day(time.Now())}
	version := opts.Version
	if version == "" {
		version = moduleVersions()
	}
	h.prefix = keyPrefix(version, highlightSources)
	if opts.Dir != "" && version != "" && !opts.NoCache {
		h.disk = newDiskCache(opts.Dir, opts.File, opts.MaxBytes)
		h.maxKept = h.disk.maxBytes
	}
	return h
}

// Highlight returns the HTML of one code block. Highlighting is
// deterministic, so a cached block is byte-identical to a fresh one.
func (h *Highlighter) Highlight(lang, code string) []byte {
	if h.noCache {
		html, lexed := highlight(lang, code)
		if lexed {
			h.lexed.Add(1)
		}
		return html
	}
	h.loadOnce.Do(h.load)
	key := h.key(lang, code)
	if v, ok := h.blocks.Load(key); ok {
		b := v.(*block)
		h.hits.Add(1)
		if b.stamp.Load() < h.today {
			b.stamp.Store(h.today)
			h.dirty.Store(true)
		}
		return b.html
	}
	html, lexed := highlight(lang, code)
	if lexed {
		h.lexed.Add(1)
	}
	if !lexed || h.kept.Load() > h.maxKept {
		return html // escaping alone is cheaper than keeping it
	}
	b := &block{html: html}
	b.stamp.Store(h.today)
	if _, loaded := h.blocks.LoadOrStore(key, b); !loaded {
		h.kept.Add(int64(len(html)))
		h.dirty.Store(true)
	}
	return html
}

// Stats returns how many blocks came from the cache and how many a lexer
// highlighted afresh (blocks in no language known to chroma are neither).
func (h *Highlighter) Stats() (cached, lexed int64) { return h.hits.Load(), h.lexed.Load() }

// key returns the cache key of a block.
func (h *Highlighter) key(lang, code string) blockKey {
	d := sha256.New()
	d.Write(h.prefix)
	d.Write([]byte(lang))
	d.Write([]byte{0})
	d.Write([]byte(code))
	var k blockKey
	d.Sum(k[:0])
	return k
}

// highlightSources are the files of this package whose code decides a
// block's HTML; their bytes are part of every cache key.
//
//go:embed highlight.go highlight_http.go
var highlightSources embed.FS

// keyPrefix returns what starts every cache key: the version of the
// libraries that highlight, and a hash of our own highlighting code.
func keyPrefix(version string, sources fs.FS) []byte {
	d := sha256.New()
	d.Write([]byte("statusdocs highlight\n" + version + "\n"))
	names, _ := fs.Glob(sources, "*.go")
	for _, name := range names {
		data, _ := fs.ReadFile(sources, name)
		d.Write([]byte(name + "\n"))
		d.Write(data)
	}
	return d.Sum(nil)
}

// highlightModules are the modules whose versions change what a block's
// HTML is.
var highlightModules = []string{"github.com/alecthomas/chroma/v2", "github.com/dlclark/regexp2/v2"}

// moduleVersions returns the versions of highlightModules this program was
// built with, or "" when its build information does not list them (test
// binaries) or a module has no version (a local replacement).
func moduleVersions() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return ""
	}
	var b bytes.Buffer
	for _, path := range highlightModules {
		version := ""
		for _, d := range bi.Deps {
			if d.Path != path {
				continue
			}
			if d.Replace != nil {
				d = d.Replace
			}
			if d.Version == "" || d.Version == "(devel)" {
				return "" // a local copy: its version says nothing
			}
			version = d.Version + " " + d.Sum
		}
		if version == "" {
			return ""
		}
		b.WriteString(path + " " + version + "\n")
	}
	return b.String()
}

// day returns the days since 1970 of t, as cached blocks are stamped.
func day(t time.Time) uint32 { return uint32(t.Unix() / 86400) }

// formatter writes token spans only; highlight adds the <pre> so every
// block, highlighted or not, has the same wrapper.
var formatter = chromahtml.New(chromahtml.WithClasses(true), chromahtml.TabWidth(4), chromahtml.PreventSurroundingPre(true))

// classStyle is the style passed to the formatter, which writes CSS classes
// and so reads no colours from it.
var classStyle = chroma.MustNewStyle("classes", chroma.StyleEntries{})

// highlight returns the HTML of one block, and whether a lexer tokenised
// it (else it is only escaped, and not worth caching).
func highlight(lang, code string) (html []byte, lexed bool) {
	var buf bytes.Buffer
	// tabindex: a block wider than the page scrolls, and keyboard users
	// must be able to scroll it too (WCAG 2.1.1).
	buf.WriteString(`<pre class="chroma" tabindex="0"`)
	if lang != "" {
		buf.WriteString(` data-lang="`)
		buf.Write(util.EscapeHTML([]byte(lang)))
		buf.WriteString(`"`)
	}
	buf.WriteString(`><code>`)
	var lexer chroma.Lexer
	if lang != "" {
		lexer = lexers.Get(lang)
	}
	if lexer == nil {
		buf.Write(util.EscapeHTML([]byte(code)))
	} else {
		chunks := []string{code}
		isHTTP := lexer.Config().Name == "HTTP"
		if isHTTP {
			chunks = splitHTTPMessages(code)
		}
		for _, chunk := range chunks {
			mark := buf.Len()
			var tokens []chroma.Token
			var err error
			if isHTTP {
				tokens, err = httpTokens(chunk)
			} else {
				tokens, err = chromaTokens(lexer, chunk)
			}
			if err == nil {
				err = formatter.Format(&buf, classStyle, chroma.Literator(tokens...))
			}
			if err != nil {
				buf.Truncate(mark)
				buf.Write(util.EscapeHTML([]byte(chunk)))
			}
		}
	}
	buf.WriteString("</code></pre>\n")
	return buf.Bytes(), lexer != nil
}

// chromaTokens is chroma's own tokenising, coalesced.
func chromaTokens(lexer chroma.Lexer, code string) ([]chroma.Token, error) {
	it, err := chroma.Coalesce(lexer).Tokenise(nil, code)
	if err != nil {
		return nil, err
	}
	return it.Tokens(), nil
}
