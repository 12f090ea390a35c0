package devserver

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"maps"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/statusdocs/statusdocs/internal/content"
	"github.com/statusdocs/statusdocs/internal/render"
	"github.com/statusdocs/statusdocs/internal/site"
)

// pageCache keeps the pages the dev server has loaded, by content file and
// a hash of the bytes they came from, so a rebuild parses only the files
// whose bytes changed. Hashing rather than trusting file events means a
// missed or mistaken event cannot leave a stale page behind.
//
// A cached page is kept as it was loaded, before content.Link filled in
// its neighbours; each build gets a shallow copy, which Link then fills
// for that build's site. The copies share the loaded slices (Body, Spec,
// …), which nothing changes after loading.
type pageCache struct {
	mu     sync.Mutex
	byName map[string]cachedPage
	seen   map[string]bool // names loaded by the current build
	parsed int             // files parsed by the current build
}

type cachedPage struct {
	sum  [sha256.Size]byte
	page *content.Page
}

// newPageCache returns an empty cache.
func newPageCache() *pageCache {
	return &pageCache{byName: map[string]cachedPage{}, seen: map[string]bool{}}
}

// load returns the page of one content file, whose bytes src hash to sum,
// parsing it with parse only when they differ from the cached ones.
func (c *pageCache) load(name, display string, src []byte, sum [sha256.Size]byte, parse func() (*content.Page, error)) (*content.Page, error) {
	c.mu.Lock()
	c.seen[name] = true
	e, ok := c.byName[name]
	c.mu.Unlock()
	if !ok || e.sum != sum || e.page.File != display {
		p, err := parse()
		if err != nil {
			return nil, err
		}
		// Keep only what the search index takes of the text, its distinct
		// words, as a streaming build does once a page is written: the
		// index is made again at every rebuild, from every page.
		p.Text, p.TextIsWords = render.SearchWords(p.Text), true
		e = cachedPage{sum, p}
		c.mu.Lock()
		c.byName[name] = e
		c.parsed++
		c.mu.Unlock()
	}
	cp := *e.page
	return &cp, nil
}

// begin starts counting for a new build.
func (c *pageCache) begin() {
	c.mu.Lock()
	clear(c.seen)
	c.parsed = 0
	c.mu.Unlock()
}

// prune forgets files the last build did not load (deleted or renamed),
// so the cache holds no more than the site.
func (c *pageCache) prune() {
	c.mu.Lock()
	for name := range c.byName {
		if !c.seen[name] {
			delete(c.byName, name)
		}
	}
	c.mu.Unlock()
}

// devBuild is one complete build of the dev server, held in memory.
type devBuild struct {
	id     string                   // "<session>-<n>", the id browsers compare
	site   *content.Site            // the content it was built from
	files  map[string][]byte        // output path → bytes, as a build would write them
	assets []string                 // names in files of the static and generated assets
	laySum [sha256.Size]byte        // hash of the layouts it was rendered with
	empty  []string                 // layouts and static files that are empty
	reads  map[string]*render.Reads // by page URL: what each page showed of others

	// indexes return each edition's search-index.js by output name, made
	// on first use: browsers fetch one only to search, so an edit's
	// rebuild need not wait for it.
	indexes map[string]func() ([]byte, error)
}

// builder builds the site again and again for the dev server, reusing
// what the previous good build made: unchanged pages are not parsed again
// (pageCache) nor rendered again (plan), and code blocks are highlighted
// once (its renderer's highlighter lives as long as the server). It is
// not safe for concurrent use.
type builder struct {
	cfg     *site.Config // HashAssets off: stable names, so a stylesheet can be swapped
	r       *render.Renderer
	lk      *render.Linker
	pages   *pageCache
	last    *devBuild // last good build, nil before the first
	session string    // random, so a restarted server never repeats an id
	n       int       // builds begun, failed ones too

	layouts map[[sha256.Size]byte]*render.Layouts // parsed layouts by hash; one entry
	saveErr func(error)                           // reports a highlight cache that could not be saved
}

// newBuilder returns a builder for the sources of cfg.
func newBuilder(cfg *site.Config) *builder {
	var b [3]byte
	rand.Read(b[:])
	c := *cfg
	c.HashAssets, c.BaseURL, c.Offline = false, "", false
	return &builder{
		cfg: &c, r: site.NewRenderer(&c), lk: render.NewLinker(false, ""), pages: newPageCache(),
		session: hex.EncodeToString(b[:]), layouts: map[[sha256.Size]byte]*render.Layouts{},
	}
}

// buildResult says what one rebuild did.
type buildResult struct {
	build    *devBuild // nil when the build failed
	err      error
	parsed   int // content files parsed
	rendered int // pages rendered from layouts
	pages    int // pages of the site (as build counts them)
	// warnings are the build's warning lines (stale translations).
	warnings []string
	elapsed  time.Duration
}

// build makes a new build of the site. It renders every page when the
// layouts, the set of pages, or anything every page shows (the home and
// class pages' front matter) changed; otherwise only the pages an edit
// affects (see plan), copying the others' bytes from the last good build.
// Nothing of the last good build changes, whatever happens.
func (b *builder) build(ctx context.Context) *buildResult {
	start := time.Now()
	b.n++
	res := &buildResult{}
	res.err = b.buildInto(ctx, res)
	if res.err == nil {
		b.last = res.build
		if err := b.r.Highlighter().Save(); err != nil && b.saveErr != nil {
			b.saveErr(err)
		}
	} else {
		res.build = nil
	}
	res.elapsed = time.Since(start)
	return res
}

// loadPage loads one content file through the page cache.
func (b *builder) loadPage(name, display string, src []byte, sum [sha256.Size]byte) (*content.Page, error) {
	return b.pages.load(name, display, src, sum, func() (*content.Page, error) {
		return b.r.Page(name, display, src, b.lk)
	})
}

// loadBody renders the body of a page of another edition, from the
// bodies cache when its file and URL are those of one rendered before.
func (b *builder) loadBody(p *content.Page, src []byte) error {
	sum := sha256.Sum256(src)
	key := "\x00edition:" + p.URL + "\x00" + p.Path
	cached, err := b.pages.load(key, p.File, src, sum, func() (*content.Page, error) {
		// Only what rendering reads, so the cache pins no old site.
		q := &content.Page{Kind: p.Kind, Path: p.Path, File: p.File, URL: p.URL, Lang: p.Lang,
			Untranslated: p.Untranslated, BodyStart: p.BodyStart}
		if err := b.r.Body(q, src, b.lk, false); err != nil {
			return nil, err
		}
		return q, nil
	})
	if err != nil {
		return err
	}
	p.Body, p.Text, p.TextIsWords, p.Headings, p.Links, p.Advice = cached.Body, cached.Text, cached.TextIsWords, cached.Headings, cached.Links, cached.Advice
	return nil
}

// buildInto does the work of build, filling res.
func (b *builder) buildInto(ctx context.Context, res *buildResult) error {
	laySum, empty, err := hashFiles(b.cfg.Layouts)
	if err != nil {
		return err
	}
	lay := b.layouts[laySum]
	if lay == nil {
		if lay, err = render.ParseLayouts(b.cfg.Layouts.FS, b.cfg.Layouts.Name); err != nil {
			return err
		}
		clear(b.layouts)
		b.layouts[laySum] = lay
	}
	b.pages.begin()
	s, err := site.LoadSite(ctx, b.cfg, b.loadPage, b.loadBody)
	res.parsed = b.pages.parsed
	if err != nil {
		return err
	}
	b.pages.prune()
	if res.warnings, err = site.TranslationWarnings(s.Editions, b.cfg.StrictTranslations, b.cfg.Content.Name); err != nil {
		return err
	}
	assets, err := site.CollectAssets(b.cfg.Static)
	if err != nil {
		return err
	}
	for name, data := range assets.Files {
		if len(data) == 0 {
			empty = append(empty, b.cfg.Static.Name+"/"+name)
		}
	}
	slices.Sort(empty)
	next := &devBuild{id: b.session + "-" + strconv.Itoa(b.n), site: s, laySum: laySum, empty: empty}
	out := site.NewMemOutput()
	w := site.NewWriter(out, lay, s, b.r, b.lk, b.cfg.Content, devScript)
	w.RecordReads()
	p := b.plan(s, laySum)
	res.pages = len(s.AllPages())
	if p.all {
		if err := w.WriteAll(ctx, assets); err != nil {
			return err
		}
		delete(out.Files, site.Marker) // nothing on disk to protect
		next.indexes = map[string]func() ([]byte, error){}
		for _, e := range s.Editions {
			name := site.IndexName(e)
			idx := out.Files[name]
			delete(out.Files, name)
			next.indexes[name] = func() ([]byte, error) { return idx, nil }
		}
		next.reads = w.Reads()
		res.rendered = res.pages
	} else {
		maps.Copy(out.Files, b.last.files)
		for _, name := range b.last.assets {
			delete(out.Files, name) // written again below, unless gone
		}
		if err := w.WriteSome(ctx, assets, p.pages, p.meta); err != nil {
			return err
		}
		next.indexes = map[string]func() ([]byte, error){}
		for _, e := range s.Editions {
			next.indexes[site.IndexName(e)] = sync.OnceValues(func() ([]byte, error) { return site.SearchIndex(e, b.lk) })
		}
		next.reads = maps.Clone(b.last.reads)
		maps.Copy(next.reads, w.Reads())
		res.rendered = len(p.pages)
	}
	next.files = out.Files
	next.assets = slices.Sorted(maps.Keys(assets.Files))
	res.build = next
	return nil
}

// renderPlan is what a rebuild renders.
type renderPlan struct {
	all   bool            // every page, from scratch
	pages []*content.Page // else these pages,
	meta  bool            // and, when front matter changed, the files that list it
}

// plan works out which pages of s must be rendered again, compared with
// the last good build: each page whose own content file changed, and each
// page whose layout read, when it was last rendered, the front matter or
// the body of a page that changed (the Reads its View recorded). So a
// layout that lists every code on every page (a sidebar) re-renders every
// page when a title changes, and the shipped layouts re-render a code's
// class page, home, neighbours and the pages listing it as related. A
// layout change, or a page or alias added, removed or moved, renders
// everything; a front matter change also writes the files that list front
// matter (API, search page, redirects, error pages, 404.html).
func (b *builder) plan(s *content.Site, laySum [sha256.Size]byte) renderPlan {
	var p renderPlan
	last := b.last
	if last == nil || last.reads == nil || last.laySum != laySum || !sameShape(last.site, s) {
		p.all = true
		return p
	}
	meta, body := map[string]bool{}, map[string]bool{}
	stale := false
	for _, pg := range s.AllPages() {
		old := last.site.Find(pg.URL)
		if !sameMeta(old, pg) {
			meta[pg.URL] = true
		}
		if !sameBody(old, pg) {
			body[pg.URL] = true
		}
		if old != nil && old.Stale != pg.Stale {
			stale = true // the API says which translations are stale
		}
	}
	// The files that list front matter are written again on any change of
	// it, and when 404.html or the search page read a body that changed.
	p.meta = len(meta) > 0 || stale
	for _, e := range s.Editions {
		for _, url := range []string{e.Prefix() + "/404.html", e.Prefix() + "/search/"} {
			if r := last.reads[url]; r == nil || r.Any(meta, body) {
				p.meta = true
			}
		}
	}
	for _, pg := range s.AllPages() { // in a stable order
		r := last.reads[pg.URL]
		if meta[pg.URL] || body[pg.URL] || r == nil || r.Any(meta, body) {
			p.pages = append(p.pages, pg)
		}
	}
	return p
}

// hashFiles returns a hash of the names and bytes of every file of src,
// and the names (as messages give them) of its empty files.
func hashFiles(src site.Source) (sum [sha256.Size]byte, empty []string, err error) {
	names, err := site.ListFiles(src.FS)
	if err != nil {
		return sum, nil, fmt.Errorf("%s: %w", src.Name, err)
	}
	h := sha256.New()
	for _, name := range names {
		data, err := fs.ReadFile(src.FS, name)
		if err != nil {
			return sum, nil, fmt.Errorf("%s/%s: %w", src.Name, name, err)
		}
		if len(data) == 0 {
			empty = append(empty, src.Name+"/"+name)
		}
		fmt.Fprintf(h, "%s\x00%d\x00", name, len(data))
		h.Write(data)
	}
	h.Sum(sum[:0])
	return sum, empty, nil
}
