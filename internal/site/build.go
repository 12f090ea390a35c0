package site

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"path"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/statusdocs/statusdocs/internal/content"
	"github.com/statusdocs/statusdocs/internal/render"
)

// Marker is written into every output folder. A folder without it is
// never replaced, so a mistyped -out cannot wipe someone's documents.
const Marker = ".statusdocs"

// Build renders the site of cfg into cfg.Out. It writes into a temporary
// folder beside the output and swaps it in only when everything succeeded
// (links checked too), so a failed build leaves the previous output exactly
// as it was.
func Build(ctx context.Context, cfg *Config) (*Result, error) {
	start := time.Now()
	if clean := filepath.Clean(cfg.Out); clean != cfg.Out && cfg.Out != "" {
		// "build/" (a shell's completion) names the folder itself: its
		// parent, where the lock and temporary folder go, is ".".
		c := *cfg
		c.Out = clean
		cfg = &c
	}
	if err := checkOut(cfg); err != nil {
		return nil, err
	}
	p, err := prepare(ctx, cfg)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	d, err := claimOut(ctx, cfg.Out, cfg.Waiting)
	if err != nil {
		return nil, err
	}
	defer d.release() // removes the temporary folder unless swapped in
	var out Output = newDirOutput(d.tmp, cfg.Out)
	if cfg.wrapOutput != nil {
		out = cfg.wrapOutput(out)
	}
	w := p.writer(out)
	if cfg.ErrorsOnly {
		err = w.WriteErrors(ctx)
	} else {
		w.links = newLinkIndex()
		err = w.WriteAll(ctx, p.assets) // links checked too
	}
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := d.swapIn(); err != nil {
		return nil, err
	}
	d.tmp = ""
	hl := p.r.Highlighter()
	res := &Result{Pages: p.pages(), Langs: len(p.site.Editions), Warnings: p.warnings, Static: p.assets.Static, CacheErr: hl.Save()}
	res.Cached, res.Lexed = hl.Stats()
	if cfg.Zip != "" {
		if err := writeZip(cfg.Out, cfg.Zip); err != nil {
			return nil, err
		}
	}
	res.Elapsed = time.Since(start)
	return res, nil
}

// prepared is what every kind of build (Build, Check, ErrorPack) has
// before it writes: layouts, assets, the site with its front matter, and
// the renderer and linker, assets named by hash when cfg says so.
type prepared struct {
	cfg    *Config
	lay    *render.Layouts
	assets *Assets
	site   *content.Site
	r      *render.Renderer
	lk     *render.Linker

	warnings []string // see TranslationWarnings
}

// pages counts the pages of every edition.
func (p *prepared) pages() int {
	n := 0
	for _, s := range p.site.Editions {
		n += len(s.Pages())
	}
	return n
}

// prepare loads cfg's site. The layouts are parsed and the static files
// read while the pages load; a layout's error is still the one reported
// first.
func prepare(ctx context.Context, cfg *Config) (*prepared, error) {
	type parsed struct {
		lay    *render.Layouts
		assets *Assets
		err    error
	}
	prep := make(chan parsed, 1)
	go func() {
		lay, err := render.ParseLayouts(cfg.Layouts.FS, cfg.Layouts.Name)
		if err != nil {
			prep <- parsed{err: err}
			return
		}
		assets, err := CollectAssets(cfg.Static)
		prep <- parsed{lay, assets, err}
	}()
	p := &prepared{cfg: cfg, r: NewRenderer(cfg), lk: render.NewLinker(cfg.Offline, cfg.BaseURL)}
	var load PageLoader // nil: bodies are rendered as pages are written
	var body BodyLoader
	if cfg.noStream {
		load = func(name, display string, src []byte, _ [sha256.Size]byte) (*content.Page, error) {
			return p.r.Page(name, display, src, p.lk)
		}
		body = func(pg *content.Page, src []byte) error { return p.r.Body(pg, src, p.lk, false) }
	}
	s, sum, err := loadPages(ctx, cfg, load, body)
	pp := <-prep
	if pp.err != nil {
		return nil, pp.err
	}
	if err != nil {
		return nil, err
	}
	p.lay, p.assets, p.site = pp.lay, pp.assets, s
	if p.warnings, err = TranslationWarnings(s.Editions, cfg.StrictTranslations, cfg.Content.Name); err != nil {
		return nil, err
	}
	if cfg.HashAssets {
		names := p.assets.HashNames()
		// The search index is written after the pages, from their text, but
		// pages name it first: its name carries a hash of all the content.
		for _, e := range s.Editions {
			names[e.Prefix()+"/"+SearchIndexFile] = e.Prefix() + "/search-index." + hex.EncodeToString(sum[:4]) + ".js"
		}
		p.lk.SetAssets(names)
	}
	return p, ctx.Err()
}

// writer returns a writer of the prepared site to out.
func (p *prepared) writer(out Output) *Writer {
	return NewWriter(out, p.lay, p.site, p.r, p.lk, p.cfg.Content, "")
}

// NewRenderer returns the renderer of a build of cfg, with a highlighter
// caching as cfg.Highlight says, its disk cache file named after the
// content folder unless cfg names one.
func NewRenderer(cfg *Config) *render.Renderer {
	opts := cfg.Highlight
	if opts.File == "" {
		opts.File = render.CacheFile(siteID(cfg.Content))
	}
	return render.New(render.NewHighlighter(opts))
}

// siteID names a site's content for the highlight cache: its folder's
// absolute path, or its name where it is not on disk.
func siteID(src Source) string {
	if src.Dir != "" {
		if abs, err := filepath.Abs(src.Dir); err == nil {
			return abs
		}
	}
	return src.Name
}

// Assets are the files copied or generated beside the pages, by output
// name, and how many came from the static folder.
type Assets struct {
	Files  map[string][]byte
	Static int
}

// CollectAssets reads the static folder and adds the stylesheet for
// highlighting, before any page is written, so pages can refer to them by
// content-hashed names.
func CollectAssets(static Source) (*Assets, error) {
	a := &Assets{Files: map[string][]byte{}}
	names, err := ListFiles(static.FS)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", static.Name, err)
	}
	for _, name := range names {
		data, err := fs.ReadFile(static.FS, name)
		if err != nil {
			return nil, fmt.Errorf("%s/%s: %w", static.Name, name, err)
		}
		a.Files[name] = data
	}
	a.Static = len(names)
	a.Files["chroma.css"] = render.ChromaCSS()
	return a, nil
}

// HashNames gives every stylesheet and script a name carrying a hash of
// its content (style.css → style.1a2b3c4d.css), so hosts can cache them
// forever: a changed file gets a new name. It returns site-absolute
// logical name → output name.
func (a *Assets) HashNames() map[string]string {
	m := map[string]string{}
	for name, data := range a.Files {
		ext := path.Ext(name)
		if ext != ".css" && ext != ".js" {
			continue
		}
		sum := sha256.Sum256(data)
		m["/"+name] = "/" + strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:4]) + ext
	}
	return m
}

func randomSuffix() string {
	var b [6]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
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
