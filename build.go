package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// buildMarker is written into every output folder. A folder without it is
// never replaced, so a mistyped -out cannot wipe someone's documents.
const buildMarker = ".statusdocs"

// Source is one input folder: its files and the name messages use for it.
type Source struct {
	FS   fs.FS
	Name string // "content", or the path given with -content
	Dir  string // folder on disk, or "" when embedded
}

// Config says what to build and where.
type Config struct {
	Content, Layouts, Static Source

	Out     string // output folder
	BaseURL string // "https://example.org/docs/", or ""
	Offline bool   // links end in index.html, for reading from disk

	HashAssets bool   // name CSS and JS by content hash (builds; not serve)
	NoStream   bool   // render every body before writing any page (the straightforward path, for tests)
	CacheDir   string // keep highlighted code blocks here between builds, or ""
	Zip        string // also pack the output into this zip file

	cache *pageCache // dev server: pages kept between rebuilds (rebuild.go)
}

// Result summarises a build.
type Result struct {
	Pages   int
	Static  int
	Elapsed time.Duration
}

// loadSite loads and links every content file of cfg, bodies rendered,
// with static file names known so links to them can be checked. Every
// broken file is reported, not just the first.
func loadSite(ctx context.Context, cfg *Config, lk *linker) (*Site, map[string]bool, error) {
	site, err := loadPages(ctx, cfg, lk, true)
	if err != nil {
		return nil, nil, err
	}
	return site, site.static, nil
}

// loadPages loads every content file of cfg and links them into a site.
// With full, bodies are rendered too; without, only front matter is read
// and the writer renders each body as it writes the page, so a big site is
// never held in memory whole.
func loadPages(ctx context.Context, cfg *Config, lk *linker, full bool) (*Site, error) {
	static, err := listFiles(cfg.Static.FS)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", cfg.Static.Name, err)
	}
	staticSet := map[string]bool{}
	for _, f := range static {
		staticSet[f] = true
	}
	for _, f := range generatedAssets {
		staticSet[f] = true
	}
	names, err := listContent(cfg.Content.FS)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", cfg.Content.Name, err)
	}
	pages := make([]*Page, len(names))
	sums := make([][32]byte, len(names))
	var kept atomic.Int64
	errs := make([]error, len(names))
	parallel(ctx, len(names), ioWorkers, func(i int) {
		name := names[i]
		display := cfg.Content.Name + "/" + name
		src, err := fs.ReadFile(cfg.Content.FS, name)
		if err != nil {
			errs[i] = fmt.Errorf("%s: %w", display, err)
			return
		}
		sums[i] = sha256.Sum256(src)
		if full {
			pages[i], errs[i] = cfg.load(name, display, src, sums[i], lk)
		} else if pages[i], errs[i] = loadMeta(name, display, src); errs[i] == nil && kept.Add(int64(len(src))) <= keepSourceBytes {
			pages[i].src = src // saves reading it again to render
		}
	})
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	site, err := link(pages, staticSet)
	if err != nil {
		return nil, err
	}
	site.static = staticSet
	h := sha256.New()
	fmt.Fprintf(h, "offline=%v\n", lk.offline)
	for i, name := range names {
		fmt.Fprintf(h, "%s\n%x\n", name, sums[i])
	}
	h.Sum(site.sourceHash[:0])
	return site, nil
}

// keepSourceBytes is how much Markdown source a build keeps in memory
// between reading front matter and rendering; past it, sources are read
// again when their page is written.
const keepSourceBytes = 32 << 20

// generatedAssets are the files the build writes besides static/.
var generatedAssets = []string{"chroma.css", "search-index.js"}

// Build renders the site of cfg into cfg.Out. It writes into a temporary
// folder beside the output and swaps it in only when everything succeeded
// (links checked too), so a failed build leaves the previous output exactly
// as it was.
func Build(ctx context.Context, cfg *Config) (*Result, error) {
	start := time.Now()
	if err := checkOut(cfg); err != nil {
		return nil, err
	}
	// The layouts are parsed and the static files read while the pages
	// load; a layout's error is still the one reported first.
	type prepared struct {
		lay    *layouts
		assets *assetSet
		err    error
	}
	prep := make(chan prepared, 1)
	go func() {
		lay, err := parseLayouts(cfg.Layouts.FS, cfg.Layouts.Name)
		if err != nil {
			prep <- prepared{err: err}
			return
		}
		assets, err := collectAssets(cfg)
		prep <- prepared{lay, assets, err}
	}()
	if cfg.CacheDir != "" {
		loadHighlightCache(cfg.CacheDir)
	}
	lk := &linker{offline: cfg.Offline, baseURL: cfg.BaseURL}
	site, err := loadPages(ctx, cfg, lk, cfg.NoStream)
	p := <-prep
	if p.err != nil {
		return nil, p.err
	}
	if err != nil {
		return nil, err
	}
	lay, assets := p.lay, p.assets
	if cfg.HashAssets {
		lk.assets = assets.hashNames()
		// The search index is written after the pages, from their text, but
		// pages name it first: its name carries a hash of all the content.
		lk.assets["/search-index.js"] = "/search-index." + hex.EncodeToString(site.sourceHash[:4]) + ".js"
	}
	parent := filepath.Dir(cfg.Out)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(cfg.Out)+".tmp-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp) // a no-op once swapped in
	w := &writer{out: newDirOutput(tmp), lay: lay, site: site, lk: lk, cfg: cfg, links: newLinkIndex(), src: cfg.Content}
	if err := w.writeAll(ctx, assets); err != nil { // links checked too
		return nil, err
	}
	if err := swapIn(tmp, cfg.Out); err != nil {
		return nil, err
	}
	res := &Result{Pages: len(site.Pages()), Static: assets.static, Elapsed: time.Since(start)}
	if cfg.CacheDir != "" {
		if err := saveHighlightCache(cfg.CacheDir); err != nil {
			return nil, err
		}
	}
	if cfg.Zip != "" {
		if err := writeZip(cfg.Out, cfg.Zip); err != nil {
			return nil, err
		}
	}
	res.Elapsed = time.Since(start)
	return res, nil
}

// assetSet holds the files copied or generated beside the pages, by output
// name, and how many came from static/.
type assetSet struct {
	files  map[string][]byte
	static int
}

// collectAssets reads static/ and generates the stylesheet for
// highlighting before any page is written, so pages can refer to them by
// content-hashed names.
func collectAssets(cfg *Config) (*assetSet, error) {
	a := &assetSet{files: map[string][]byte{}}
	names, err := listFiles(cfg.Static.FS)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", cfg.Static.Name, err)
	}
	for _, name := range names {
		data, err := fs.ReadFile(cfg.Static.FS, name)
		if err != nil {
			return nil, fmt.Errorf("%s/%s: %w", cfg.Static.Name, name, err)
		}
		a.files[name] = data
	}
	a.static = len(names)
	css, err := chromaCSS()
	if err != nil {
		return nil, err
	}
	a.files["chroma.css"] = css
	return a, nil
}

// hashNames gives every stylesheet and script a name carrying a hash of its
// content (style.css → style.1a2b3c4d.css), so hosts can cache them
// forever: a changed file gets a new name. It returns site-absolute logical
// name → output name.
func (a *assetSet) hashNames() map[string]string {
	m := map[string]string{}
	for name, data := range a.files {
		ext := path.Ext(name)
		if ext != ".css" && ext != ".js" {
			continue
		}
		sum := sha256.Sum256(data)
		m["/"+name] = "/" + strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:4]) + ext
	}
	return m
}

// writer writes one site to an output: a folder for builds, memory for
// the dev server.
type writer struct {
	out  output
	lay  *layouts
	site *Site
	lk   *linker
	cfg  *Config
	dev  string // reload script for the dev server

	links *linkIndex // collects links and anchors for checking, or nil
	src   Source     // content, for pages loaded without their bodies
}

// writeAll writes every page, the not-found page, alias redirects, the
// assets and the files for hosts and machines (sitemap, API, error pages),
// and, with a link index, checks every link of the output.
func (w *writer) writeAll(ctx context.Context, assets *assetSet) error {
	// Every file but the search index is independent of the others: write
	// them all in parallel, pages first (they are the long jobs). Creating
	// files is mostly waiting on the kernel, which parallel writers hide.
	var jobs []func() error
	pages := w.site.Pages()
	// The pages' folders are made by one goroutine, in the order the pages
	// are written: made by all the writers at once, mkdir calls in one
	// parent contend for its lock (alternated builds: shipped site 0.94x,
	// 2,000 pages 0.96x). It runs beside the writers, which render a page
	// before writing it, so the folder is there by then; a writer that
	// gets ahead makes it itself.
	folders := make(chan error, 1)
	if d, ok := w.out.(*dirOutput); ok {
		go func() {
			for _, p := range pages {
				if err := d.mkdir(path.Dir(outPath(p.URL))); err != nil {
					folders <- err
					return
				}
			}
			for _, a := range w.site.Aliases {
				if err := d.mkdir(path.Dir(outPath(a.URL))); err != nil {
					folders <- err
					return
				}
			}
			folders <- nil
		}()
	} else {
		folders <- nil
	}
	for _, p := range pages {
		jobs = append(jobs, func() error { return w.writePage(p) })
	}
	for _, a := range w.site.Aliases {
		jobs = append(jobs, func() error { return w.writeAlias(a) })
	}
	for _, p := range w.site.Codes {
		jobs = append(jobs, func() error { return w.writeAPICode(p) })
		if p.Class >= 4 {
			jobs = append(jobs, func() error { return w.writeErrorPage(p) })
		}
	}
	for name, data := range assets.files {
		jobs = append(jobs, func() error { return w.writeFile(strings.TrimPrefix(w.lk.asset("/"+name), "/"), data) })
	}
	jobs = append(jobs, w.writeNotFound, w.writeSearchPage, w.writeSitemap, w.writeRobots, w.writeOpenSearch, w.writeAPIList,
		func() error {
			return w.writeFile(buildMarker, []byte("This folder is written by statusdocs; a build replaces it whole.\n"))
		})
	errs := make([]error, len(jobs))
	parallel(ctx, len(jobs), ioWorkers, func(i int) { errs[i] = jobs[i]() })
	if err := errors.Join(append(errs, <-folders)...); err != nil {
		return err
	}
	if err := w.site.checkMarkdownLinks(pages, w.site.static); err != nil {
		return err
	}
	// The index is made from the pages' text, known once they are written,
	// while the links of all the rest are checked: they can only name it,
	// and its name is known.
	indexName := strings.TrimPrefix(w.lk.asset("/search-index.js"), "/")
	var checked chan error
	if w.links != nil {
		w.links.addName(indexName)
		checked = make(chan error, 1)
		go func() { checked <- w.links.check(w.cfg.BaseURL) }()
	}
	idx, err := searchIndex(w.site, w.lk)
	if err != nil {
		return err
	}
	if err := w.out.WriteFile(indexName, idx); err != nil {
		return err
	}
	if checked != nil {
		if err := <-checked; err != nil {
			return err
		}
	}
	return ctx.Err()
}

// outPath returns the output file of a site-absolute page URL.
func outPath(url string) string {
	return strings.TrimPrefix(url, "/") + "index.html"
}

func (w *writer) view(p *Page) *View {
	return &View{Site: w.site, Page: p, lk: w.lk, from: p.URL, dev: w.dev}
}

// writePage renders one page with its layout and writes it. A page loaded
// without its body has it rendered here and dropped after, so only the
// pages being written are in memory.
func (w *writer) writePage(p *Page) error {
	if p.Body == nil {
		src := p.src
		if src == nil {
			var err error
			if src, err = fs.ReadFile(w.src.FS, p.name); err != nil {
				return fmt.Errorf("%s: %w", p.File, err)
			}
		}
		p.src = nil
		if err := renderBody(p, src, w.lk, true); err != nil {
			return err
		}
		defer func() { p.Body = nil }()
	}
	return w.createPage(outPath(p.URL), p.Body, func(out io.Writer) error {
		return w.lay.execute(out, p.Kind.String(), w.view(p))
	})
}

// writeNotFound writes 404.html, the page static hosts serve for unknown
// paths. It is served at any depth, so its links are absolute: under the
// base URL when one is given, from the site root otherwise.
func (w *writer) writeNotFound() error {
	p := &Page{Kind: KindPlain, File: "404.html", URL: "/404.html", Title: "Page not found",
		Summary: "There is no page at this address."}
	v := &View{Site: w.site, Page: p, lk: w.lk, from: "/", absolute: true, dev: w.dev}
	return w.create("404.html", func(out io.Writer) error {
		return w.lay.execute(out, "404", v)
	})
}

// aliasPage is the redirect written for each alias. It works without
// script (meta refresh), tells search engines where the page lives
// (canonical) and gives people a link.
var aliasPage = template.Must(template.New("alias").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{{.Title}}</title>
<link rel="canonical" href="{{.Canonical}}">
<meta name="robots" content="noindex">
<meta http-equiv="refresh" content="0; url={{.Target}}">
</head>
<body>
<p>This page has moved to <a href="{{.Target}}">{{.Title}}</a>.</p>
</body>
</html>
`))

func (w *writer) writeAlias(a Alias) error {
	target := w.lk.rel(a.URL, a.Page.URL)
	canonical := w.lk.abs(a.Page.URL)
	if canonical == "" {
		canonical = target
	}
	data := struct{ Title, Target, Canonical string }{a.Page.Label(), target, canonical}
	return w.create(outPath(a.URL), func(out io.Writer) error {
		return aliasPage.Execute(out, data)
	})
}

func (w *writer) writeFile(name string, data []byte) error {
	if w.links != nil {
		w.links.add(name, data)
	}
	return w.out.WriteFile(name, data)
}

// bufPool holds the buffers pages are rendered into before each is
// written with one call: at most one page per worker is in memory, and no
// buffer is allocated per page.
var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// create renders one output file with fill and writes it. HTML is also
// scanned for links and anchors while it is in memory, so the link check
// needs no second read of the output.
func (w *writer) create(name string, fill func(io.Writer) error) error {
	return w.createPage(name, nil, fill)
}

// createPage is create for a page whose rendered Markdown body is body:
// the link scan can skip the body's highlighted code.
func (w *writer) createPage(name string, body []byte, fill func(io.Writer) error) error {
	buf := bufPool.Get().(*bytes.Buffer)
	defer bufPool.Put(buf)
	buf.Reset()
	if err := fill(buf); err != nil {
		return err
	}
	if w.links != nil {
		w.links.addPage(name, buf.Bytes(), body)
	}
	return w.out.WriteFile(name, buf.Bytes())
}

// output is where a build's files go.
type output interface {
	// WriteFile writes the file at slash path name, making its folders.
	// It is called by many goroutines at once and must not keep data.
	WriteFile(name string, data []byte) error
}

// dirOutput writes files under a folder on disk. It remembers the folders
// it made, so each costs one system call.
type dirOutput struct {
	root string
	dirs sync.Map // slash path → struct{}
}

func newDirOutput(root string) *dirOutput { return &dirOutput{root: root} }

func (d *dirOutput) WriteFile(name string, data []byte) error {
	if err := d.mkdir(path.Dir(name)); err != nil {
		return err
	}
	return writeNewFile(filepath.Join(d.root, filepath.FromSlash(name)), data)
}

func (d *dirOutput) mkdir(dir string) error {
	if dir == "." {
		return nil
	}
	if _, ok := d.dirs.Load(dir); ok {
		return nil
	}
	if err := d.mkdir(path.Dir(dir)); err != nil {
		return err
	}
	err := os.Mkdir(filepath.Join(d.root, filepath.FromSlash(dir)), 0o755)
	if err != nil && !errors.Is(err, fs.ErrExist) {
		return err
	}
	d.dirs.Store(dir, struct{}{})
	return nil
}

// memOutput keeps files in memory, for the dev server and tests.
type memOutput struct {
	mu    sync.Mutex
	files map[string][]byte
}

func newMemOutput() *memOutput { return &memOutput{files: map[string][]byte{}} }

func (m *memOutput) WriteFile(name string, data []byte) error {
	c := bytes.Clone(data)
	m.mu.Lock()
	m.files[name] = c
	m.mu.Unlock()
	return nil
}

// listFiles returns the regular files of fsys, skipping dot files.
func listFiles(fsys fs.FS) ([]string, error) {
	var names []string
	err := fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if name != "." && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.Type().IsRegular() {
			names = append(names, name)
		}
		return nil
	})
	slices.Sort(names)
	return names, err
}

// swapIn replaces out with the finished build in tmp. The old output is
// moved aside first and removed only after the new one is in place.
func swapIn(tmp, out string) error {
	if _, err := os.Lstat(out); errors.Is(err, fs.ErrNotExist) {
		return os.Rename(tmp, out)
	}
	old := out + ".old-" + randomSuffix()
	if err := os.Rename(out, old); err != nil {
		return err
	}
	if err := os.Rename(tmp, out); err != nil {
		os.Rename(old, out) // put the previous build back
		return err
	}
	return os.RemoveAll(old)
}

func randomSuffix() string {
	var b [6]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// checkOut refuses output folders that a build must never replace: the
// file system root, the working folder or one above it, a home folder, the
// source folders or anything inside or around them, and a non-empty folder
// that no build of ours wrote. It runs before anything is written.
func checkOut(cfg *Config) error {
	if strings.TrimSpace(cfg.Out) == "" {
		return errors.New("-out: empty output folder")
	}
	out, err := realAbs(cfg.Out)
	if err != nil {
		return err
	}
	refuse := func(why string) error {
		return fmt.Errorf("-out %s: refusing to write there: %s", cfg.Out, why)
	}
	if out == filepath.Dir(out) {
		return refuse("it is the file system root")
	}
	if wd, err := os.Getwd(); err == nil {
		if wd, err = realAbs(wd); err == nil && within(wd, out) {
			return refuse("it is the current folder or contains it")
		}
	}
	if home, err := os.UserHomeDir(); err == nil {
		if home, err = realAbs(home); err == nil && home == out {
			return refuse("it is your home folder")
		}
	}
	if cfg.CacheDir != "" {
		if cache, err := realAbs(cfg.CacheDir); err == nil && (within(cache, out) || within(out, cache)) {
			return refuse("it overlaps the -cache folder")
		}
	}
	for _, src := range []Source{cfg.Content, cfg.Layouts, cfg.Static} {
		if src.Dir == "" {
			continue
		}
		dir, err := realAbs(src.Dir)
		if err != nil {
			return err
		}
		if within(dir, out) || within(out, dir) {
			return refuse(fmt.Sprintf("it overlaps the source folder %s", src.Dir))
		}
	}
	fi, err := os.Lstat(out)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return err
	case !fi.IsDir():
		return refuse("it exists and is not a folder")
	}
	entries, err := os.ReadDir(out)
	if err != nil {
		return err
	}
	if len(entries) > 0 {
		if _, err := os.Stat(filepath.Join(out, buildMarker)); err != nil {
			return refuse("it is not empty and was not written by statusdocs (no " + buildMarker + " file)")
		}
	}
	return nil
}

// realAbs returns the absolute, symlink-free form of p; for a path that
// does not exist yet, its nearest existing ancestor is resolved.
func realAbs(p string) (string, error) {
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", err
	}
	var rest []string
	for cur := abs; ; cur = filepath.Dir(cur) {
		if real, err := filepath.EvalSymlinks(cur); err == nil {
			return filepath.Join(append([]string{real}, rest...)...), nil
		}
		if cur == filepath.Dir(cur) {
			return abs, nil
		}
		rest = append([]string{filepath.Base(cur)}, rest...)
	}
}

// within reports whether path is dir or inside it.
func within(path, dir string) bool {
	if path == dir {
		return true
	}
	rel, err := filepath.Rel(dir, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}

// ioWorkers is how many goroutines per CPU write files. Creating folders
// and files is mostly waiting on the kernel, so more writers than CPUs keep
// the CPUs busy rendering meanwhile.
const ioWorkers = 4

// parallel calls fn(i) for i in [0, n) on perCPU goroutines per CPU and
// stops handing out work when ctx is done.
func parallel(ctx context.Context, n, perCPU int, fn func(i int)) {
	workers := min(runtime.GOMAXPROCS(0)*perCPU, n)
	var next int
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				mu.Lock()
				i := next
				next++
				mu.Unlock()
				if i >= n {
					return
				}
				fn(i)
			}
		}()
	}
	wg.Wait()
}
