package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"path"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// pageCache keeps the pages the dev server has loaded, by content file and
// a hash of the bytes they came from, so a rebuild parses only the files
// whose bytes changed. Hashing rather than trusting file events means a
// missed or mistaken event cannot leave a stale page behind.
//
// A cached page is kept as loadPage returned it, before link filled in its
// neighbours; each build gets a shallow copy, which link then fills for
// that build's site. The copies share the loaded slices (Body, Spec, …),
// which nothing changes after loading.
type pageCache struct {
	mu     sync.Mutex
	byName map[string]cachedPage
	seen   map[string]bool // names loaded by the current build
	parsed int             // files parsed by the current build
}

type cachedPage struct {
	sum  [sha256.Size]byte
	page *Page
}

// newPageCache returns an empty cache.
func newPageCache() *pageCache {
	return &pageCache{byName: map[string]cachedPage{}, seen: map[string]bool{}}
}

// load returns the page of one content file, whose bytes src hash to sum,
// parsing it only when they differ from the cached ones.
func (c *pageCache) load(name, display string, src []byte, sum [sha256.Size]byte, lk *linker) (*Page, error) {
	c.mu.Lock()
	c.seen[name] = true
	e, ok := c.byName[name]
	c.mu.Unlock()
	if !ok || e.sum != sum || e.page.File != display {
		p, err := loadPage(name, display, src, lk)
		if err != nil {
			return nil, err
		}
		// Keep only what the search index takes of the text, its distinct
		// words, as a streaming build does once a page is written: the
		// index is made again at every rebuild, from every page.
		p.Text, p.textIsWords = searchWords(p.Text), true
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

// load loads one content file completely, through the dev server's page
// cache when cfg has one.
func (cfg *Config) load(name, display string, src []byte, sum [sha256.Size]byte, lk *linker) (*Page, error) {
	if cfg.cache == nil {
		return loadPage(name, display, src, lk)
	}
	return cfg.cache.load(name, display, src, sum, lk)
}

// devBuild is one complete build of the dev server, held in memory.
type devBuild struct {
	id     string            // "<session>-<n>", the id browsers compare
	site   *Site             // the content it was built from
	files  map[string][]byte // output path → bytes, as a build would write them
	assets []string          // names in files of the static and generated assets
	laySum [sha256.Size]byte // hash of the layouts it was rendered with
	empty  []string          // layouts and static files that are empty

	// index returns search-index.js, made on first use: browsers fetch
	// it only to search, so an edit's rebuild need not wait for it.
	index func() ([]byte, error)
}

// indexFile is the search index's output name (never hashed in serve).
const indexFile = "search-index.js"

// devBuilder builds the site again and again for the dev server, reusing
// what the previous good build made: unchanged pages are not parsed again
// (pageCache) nor rendered again (plan). It is not safe for concurrent use.
type devBuilder struct {
	cfg     *Config // cfg.cache is set
	lk      *linker
	last    *devBuild // last good build, nil before the first
	session string    // random, so a restarted server never repeats an id
	n       int       // builds begun, failed ones too

	layouts map[[sha256.Size]byte]*layouts // parsed layouts by hash; one entry
}

// newDevBuilder returns a builder for cfg, which it gives a page cache and
// stable asset names.
func newDevBuilder(cfg *Config) *devBuilder {
	var b [3]byte
	rand.Read(b[:])
	cfg.cache = newPageCache()
	cfg.HashAssets = false // stable names, so a stylesheet can be swapped
	return &devBuilder{cfg: cfg, lk: &linker{}, session: hex.EncodeToString(b[:]), layouts: map[[sha256.Size]byte]*layouts{}}
}

// buildResult says what one rebuild did.
type buildResult struct {
	build    *devBuild // nil when the build failed
	err      error
	parsed   int // content files parsed
	rendered int // pages rendered from layouts
	pages    int // pages of the site (as build counts them)
	elapsed  time.Duration
}

// build makes a new build of the site. It renders every page when the
// layouts, the set of pages, or anything every page shows (the home and
// class pages' front matter) changed; otherwise only the pages an edit
// affects (see plan), copying the others' bytes from the last good build.
// Nothing of the last good build changes, whatever happens.
func (b *devBuilder) build(ctx context.Context) *buildResult {
	start := time.Now()
	b.n++
	res := &buildResult{}
	res.err = b.buildInto(ctx, res)
	if res.err == nil {
		b.last = res.build
	} else {
		res.build = nil
	}
	res.elapsed = time.Since(start)
	return res
}

// buildInto does the work of build, filling res.
func (b *devBuilder) buildInto(ctx context.Context, res *buildResult) error {
	laySum, empty, err := hashFiles(b.cfg.Layouts)
	if err != nil {
		return err
	}
	lay := b.layouts[laySum]
	if lay == nil {
		if lay, err = parseLayouts(b.cfg.Layouts.FS, b.cfg.Layouts.Name); err != nil {
			return err
		}
		clear(b.layouts)
		b.layouts[laySum] = lay
	}
	b.cfg.cache.begin()
	site, _, err := loadSite(ctx, b.cfg, b.lk)
	res.parsed = b.cfg.cache.parsed
	if err != nil {
		return err
	}
	b.cfg.cache.prune()
	assets, err := collectAssets(b.cfg)
	if err != nil {
		return err
	}
	for name, data := range assets.files {
		if len(data) == 0 {
			empty = append(empty, b.cfg.Static.Name+"/"+name)
		}
	}
	slices.Sort(empty)
	next := &devBuild{id: b.session + "-" + strconv.Itoa(b.n), site: site, laySum: laySum, empty: empty}
	out := newMemOutput()
	w := &writer{out: out, lay: lay, site: site, lk: b.lk, cfg: b.cfg, dev: devScript, src: b.cfg.Content}
	p := b.plan(site, laySum)
	res.pages = len(site.Pages())
	if p.all {
		if err := w.writeAll(ctx, assets); err != nil {
			return err
		}
		delete(out.files, buildMarker) // nothing on disk to protect
		idx := out.files[indexFile]
		delete(out.files, indexFile)
		next.index = func() ([]byte, error) { return idx, nil }
		res.rendered = res.pages
	} else {
		maps.Copy(out.files, b.last.files)
		for _, name := range b.last.assets {
			delete(out.files, name) // written again below, unless gone
		}
		if err := w.writeSome(ctx, assets, p); err != nil {
			return err
		}
		next.index = sync.OnceValues(func() ([]byte, error) { return searchIndex(site, b.lk) })
		res.rendered = len(p.pages)
	}
	next.files = out.files
	next.assets = slices.Sorted(maps.Keys(assets.files))
	res.build = next
	return nil
}

// renderPlan is what a rebuild renders.
type renderPlan struct {
	all   bool    // every page, from scratch
	pages []*Page // else these pages,
	meta  bool    // and, when front matter changed, the files that list it
}

// plan works out which pages of site must be rendered again, compared with
// the last good build. A page shows its own body and the front matter of a
// few others; the dependencies below are those of the shipped layouts:
//
//   - every page shows the home page's title and each class's title, so a
//     change to those renders everything, as does a layout change or a
//     page or alias added, removed or moved;
//   - a code page's front matter shows on its own page, its class page,
//     home, its neighbours (prev/next), the pages that list it as related,
//     the search page, its alias redirects, the API and its error page;
//   - a body shows only on its own page (and in the search index, which
//     is written every time).
//
// A plain page's front matter renders everything: layouts may list such
// pages anywhere. A layout that shows more of other pages than this is
// itself a layout change, which renders everything; after that, edits are
// rendered by these rules.
func (b *devBuilder) plan(site *Site, laySum [sha256.Size]byte) renderPlan {
	var p renderPlan
	last := b.last
	if last == nil || last.laySum != laySum || !sameShape(last.site, site) {
		p.all = true
		return p
	}
	render := map[*Page]bool{}
	for _, pg := range site.Pages() {
		old := last.site.ByURL(pg.URL)
		if sameMeta(old, pg) {
			if !sameBody(old, pg) {
				render[pg] = true
			}
			continue
		}
		if pg.Kind != KindCode {
			p.all = true
			return p
		}
		p.meta = true
		render[pg] = true
		render[site.Home] = true
		for _, q := range []*Page{pg.ClassPage, pg.Prev, pg.Next} {
			if q != nil {
				render[q] = true
			}
		}
		for _, q := range site.Codes {
			if slices.Contains(q.Related, pg) {
				render[q] = true
			}
		}
	}
	for _, pg := range site.Pages() { // in a stable order
		if render[pg] {
			p.pages = append(p.pages, pg)
		}
	}
	return p
}

// writeSome writes the pages of a plan, the files that list front matter
// when it changed, and the assets, over a copy of the last good build's
// files. (The search index is made when asked for: see devBuild.index.)
func (w *writer) writeSome(ctx context.Context, assets *assetSet, p renderPlan) error {
	var jobs []func() error
	for _, pg := range p.pages {
		jobs = append(jobs, func() error { return w.writePage(pg) })
	}
	if p.meta {
		for _, a := range w.site.Aliases {
			jobs = append(jobs, func() error { return w.writeAlias(a) })
		}
		for _, pg := range w.site.Codes {
			jobs = append(jobs, func() error { return w.writeAPICode(pg) })
			if pg.Class >= 4 {
				jobs = append(jobs, func() error { return w.writeErrorPage(pg) })
			}
		}
		jobs = append(jobs, w.writeSearchPage, w.writeAPIList)
	}
	for name, data := range assets.files {
		jobs = append(jobs, func() error { return w.writeFile(name, data) })
	}
	errs := make([]error, len(jobs))
	parallel(ctx, len(jobs), 1, func(i int) { errs[i] = jobs[i]() })
	if err := errors.Join(errs...); err != nil {
		return err
	}
	return ctx.Err()
}

// sameShape reports whether two sites have the same pages and aliases at
// the same URLs, and the same home and class front matter: what decides
// the structure every page shows.
func sameShape(a, b *Site) bool {
	pa, pb := a.Pages(), b.Pages()
	if len(pa) != len(pb) || len(a.Aliases) != len(b.Aliases) {
		return false
	}
	for i := range pa {
		if pa[i].URL != pb[i].URL || pa[i].Kind != pb[i].Kind {
			return false
		}
		if (pa[i].Kind == KindHome || pa[i].Kind == KindClass) && !sameMeta(pa[i], pb[i]) {
			return false
		}
	}
	for i := range a.Aliases {
		if a.Aliases[i].URL != b.Aliases[i].URL || a.Aliases[i].Page.URL != b.Aliases[i].Page.URL {
			return false
		}
	}
	return true
}

// sameMeta reports whether two loads of a page have the same front matter
// and file: everything of a page other pages may show.
func sameMeta(a, b *Page) bool {
	return a.File == b.File && a.URL == b.URL && a.Kind == b.Kind && a.Code == b.Code && a.Class == b.Class &&
		a.Title == b.Title && a.Summary == b.Summary && a.Status == b.Status &&
		slices.Equal(a.Spec, b.Spec) && slices.Equal(a.Former, b.Former) && slices.Equal(a.Headers, b.Headers) &&
		slices.Equal(a.Aliases, b.Aliases) && slices.Equal(a.Constants, b.Constants) &&
		slices.Equal(a.relatedCodes, b.relatedCodes)
}

// sameBody reports whether two loads of a page have the same body.
func sameBody(a, b *Page) bool {
	return bytes.Equal(a.Body, b.Body) && a.Text == b.Text && slices.Equal(a.Headings, b.Headings)
}

// samePage reports whether two loads of a page are alike in every way its
// content file decides.
func samePage(a, b *Page) bool { return sameMeta(a, b) && sameBody(a, b) }

// buildDiff is how a build differs from the one browsers show.
type buildDiff struct {
	changed []string // output files whose bytes changed, added or removed
	edited  []string // URLs of pages whose content file changed, or that are new
	removed []string // URLs of pages that are gone
}

// diffBuilds compares a new build with the one served before.
func diffBuilds(old, cur *devBuild) buildDiff {
	d := buildDiff{changed: changedFiles(old.files, cur.files)}
	for _, p := range cur.site.Pages() {
		if o := old.site.ByURL(p.URL); o == nil || !samePage(o, p) {
			d.edited = append(d.edited, p.URL)
		}
	}
	for _, p := range old.site.Pages() {
		if cur.site.ByURL(p.URL) == nil {
			d.removed = append(d.removed, p.URL)
		}
	}
	return d
}

// changedFiles returns the output files that differ between two builds,
// sorted. Files copied from the old build share their bytes, so comparing
// them costs nothing.
func changedFiles(old, cur map[string][]byte) []string {
	var changed []string
	for name, data := range cur {
		if o, ok := old[name]; !ok || !bytes.Equal(o, data) {
			changed = append(changed, name)
		}
	}
	for name := range old {
		if _, ok := cur[name]; !ok {
			changed = append(changed, name)
		}
	}
	slices.Sort(changed)
	return changed
}

// hashFiles returns a hash of the names and bytes of every file of src,
// and the names (as messages give them) of its empty files.
func hashFiles(src Source) (sum [sha256.Size]byte, empty []string, err error) {
	names, err := listFiles(src.FS)
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

// onlyCSS reports whether every changed file is a stylesheet, so browsers
// can swap stylesheets instead of reloading.
func onlyCSS(changed []string) bool {
	for _, name := range changed {
		if path.Ext(name) != ".css" {
			return false
		}
	}
	return len(changed) > 0
}

// describeChanges names what changed for the log line: one file and how
// many more. It names a file with an extension if there is one: names
// without are mostly tools' temporary files (sed -i), gone by now.
func describeChanges(names []string) string {
	if len(names) == 0 {
		return "nothing"
	}
	first := names[0]
	for _, name := range names {
		if path.Ext(name) != "" {
			first = name
			break
		}
	}
	if len(names) == 1 {
		return first
	}
	return fmt.Sprintf("%s and %d more", first, len(names)-1)
}

// cssPaths returns the site-absolute paths of changed stylesheets.
func cssPaths(changed []string) []string {
	out := make([]string, len(changed))
	for i, name := range changed {
		out[i] = "/" + strings.TrimPrefix(name, "/")
	}
	return out
}
