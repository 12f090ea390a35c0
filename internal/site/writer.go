package site

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"path"
	"strings"
	"sync"

	"github.com/statusdocs/statusdocs/internal/content"
	"github.com/statusdocs/statusdocs/internal/render"
)

// Writer writes one site to an output: a folder for builds, memory for
// the dev server.
type Writer struct {
	out  Output
	lay  *render.Layouts
	site *content.Site
	r    *render.Renderer
	lk   *render.Linker
	src  Source // content, for pages loaded without their bodies
	dev  string // reload script for the dev server

	links      *linkIndex // collects links and anchors for checking, or nil
	errorsOnly bool       // WriteErrors: the pack at the top of the output

	// reads, when recording, holds for each page written (by URL) what it
	// showed of other pages: the dev server re-renders by it.
	readsMu *sync.Mutex
	reads   map[string]*render.Reads
}

// editions returns a writer for each edition of the site (see
// content.Editions), the default language's first: each writes its own
// pages, 404 page, search page and index, aliases and error pages, into
// the output they share.
func (w *Writer) editions() []*Writer {
	eds := w.site.Editions
	if len(eds) == 0 {
		eds = []*content.Site{w.site}
	}
	out := make([]*Writer, len(eds))
	for i, s := range eds {
		c := *w
		c.site = s
		out[i] = &c
	}
	return out
}

// prefix returns the folder of the writer's edition in the output: "" or
// "zh-cn/".
func (w *Writer) prefix() string {
	if p := w.site.Prefix(); p != "" {
		return p[1:] + "/"
	}
	return ""
}

// cat returns the interface text of the writer's edition.
func (w *Writer) cat() *render.Catalog {
	lang := w.site.Lang
	if lang == "" {
		lang = content.DefaultLang
	}
	return w.lay.Catalog(lang)
}

// editionOf returns the writer of p's edition among eds.
func (w *Writer) editionOf(p *content.Page, eds []*Writer) *Writer {
	for _, e := range eds {
		if e.site.Lang == p.Lang || (p.Lang == "" && e.site.Lang == content.DefaultLang) {
			return e
		}
	}
	return w
}

// allPages returns the pages of every edition.
func (w *Writer) allPages() []*content.Page {
	var all []*content.Page
	for _, e := range w.editions() {
		all = append(all, e.site.Pages()...)
	}
	return all
}

// RecordReads makes the writer note, for each page it writes, which other
// pages' front matter and bodies its layout read (see Reads).
func (w *Writer) RecordReads() { w.reads = map[string]*render.Reads{} }

// record makes v note what it reads, under url, when recording.
func (w *Writer) record(v *render.View, url string) *render.View {
	if w.reads == nil {
		return v
	}
	r := render.NewReads(url)
	w.readsMu.Lock()
	w.reads[url] = r
	w.readsMu.Unlock()
	return v.Record(r)
}

// Reads returns what RecordReads collected, by page URL.
func (w *Writer) Reads() map[string]*render.Reads { return w.reads }

// NewWriter returns a writer of site s to out, rendering with lay and r and
// linking with lk. Pages loaded without their bodies are read again from
// src when their Src was not kept. dev is the dev server's script tag for
// every page, or "".
func NewWriter(out Output, lay *render.Layouts, s *content.Site, r *render.Renderer, lk *render.Linker, src Source, dev string) *Writer {
	return &Writer{out: out, lay: lay, site: s, r: r, lk: lk, src: src, dev: dev, readsMu: new(sync.Mutex)}
}

// WriteAll writes every page, the not-found page, alias redirects, the
// assets, the search index and the files for hosts and machines (sitemap,
// API, error pages), and, in a build, checks every link of the output.
func (w *Writer) WriteAll(ctx context.Context, assets *Assets) error {
	// Every file but the search index is independent of the others: write
	// them all in parallel, pages first (they are the long jobs). Creating
	// files is mostly waiting on the kernel, which parallel writers hide.
	var jobs []func() error
	pages := w.allPages()
	eds := w.editions()
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
				if err := d.mkdir(path.Dir(OutPath(p.URL))); err != nil {
					folders <- err
					return
				}
			}
			for _, e := range eds {
				for _, a := range e.site.Aliases {
					if err := d.mkdir(path.Dir(OutPath(a.URL))); err != nil {
						folders <- err
						return
					}
				}
			}
			folders <- nil
		}()
	} else {
		folders <- nil
	}
	for _, p := range pages {
		e := w.editionOf(p, eds)
		jobs = append(jobs, func() error { return e.writePage(p) })
	}
	jobs = append(jobs, w.metaJobs()...)
	for name, data := range assets.Files {
		jobs = append(jobs, func() error { return w.writeFile(strings.TrimPrefix(w.lk.Asset("/"+name), "/"), data) })
	}
	for _, e := range eds {
		jobs = append(jobs, e.writeNotFound)
	}
	jobs = append(jobs, w.writeSitemap, w.writeRobots, w.writeOpenSearch,
		func() error {
			return w.writeFile(Marker, []byte("This folder is written by statusdocs; a build replaces it whole.\n"))
		})
	errs := make([]error, len(jobs))
	parallel(ctx, len(jobs), ioWorkers, func(i int) { errs[i] = jobs[i]() })
	errs = append(errs, <-folders)
	if err := ctx.Err(); err != nil {
		return err // the files not written would all be "broken links"
	}
	if err := firstError(errs); err != nil {
		return err
	}
	// A page of another edition shown untranslated has the default page's
	// links: their problems are reported once, for that page.
	var linkErrs []error
	for i, e := range eds {
		var check []*content.Page
		for _, p := range e.site.Pages() {
			if i == 0 || !p.Untranslated {
				check = append(check, p)
			}
		}
		linkErrs = append(linkErrs, e.site.CheckLinks(check))
	}
	if err := errors.Join(linkErrs...); err != nil {
		return err
	}
	// The indexes are made from the pages' text, known once they are
	// written, while the links of all the rest are checked: they can only
	// name them, and their names are known.
	var checked chan error
	if w.links != nil {
		for _, e := range eds {
			w.links.addName(e.indexName())
		}
		checked = make(chan error, 1)
		go func() { checked <- w.links.check(w.lk.BaseURL()) }()
	}
	for _, e := range eds {
		idx, err := SearchIndex(e.site, w.lk)
		if err != nil {
			return err
		}
		if err := w.out.WriteFile(e.indexName(), idx); err != nil {
			return err
		}
	}
	if checked != nil {
		if err := <-checked; err != nil {
			return err
		}
	}
	return ctx.Err()
}

// metaJobs writes the files that list every code's front matter: alias
// redirects, the API, the error pages and the search page.
func (w *Writer) metaJobs() []func() error {
	var jobs []func() error
	for _, e := range w.editions() {
		for _, a := range e.site.Aliases {
			jobs = append(jobs, func() error { return e.writeAlias(a) })
		}
		jobs = append(jobs, e.writeSearchPage, e.writeErrorFallbacks)
	}
	for _, p := range w.site.Codes {
		jobs = append(jobs, func() error { return w.writeAPICode(p) })
	}
	return append(jobs, w.writeAPIList)
}

// indexName is the output name of the edition's search index.
func (w *Writer) indexName() string {
	return strings.TrimPrefix(w.lk.Asset("/"+IndexName(w.site)), "/")
}

// IndexName returns the output name of an edition's search index, unhashed:
// search-index.js, zh-cn/search-index.js.
func IndexName(s *content.Site) string {
	return strings.TrimPrefix(s.Prefix()+"/"+SearchIndexFile, "/")
}

// WriteSome writes the given pages, the files that list front matter when
// meta is set, and the assets: what a rebuild of the dev server writes over
// a copy of the last build's files. It neither checks links nor writes the
// search index (see SearchIndex).
func (w *Writer) WriteSome(ctx context.Context, assets *Assets, pages []*content.Page, meta bool) error {
	var jobs []func() error
	eds := w.editions()
	for _, p := range pages {
		e := w.editionOf(p, eds)
		jobs = append(jobs, func() error { return e.writePage(p) })
	}
	if meta {
		// 404.html too: it shows the home and class titles.
		jobs = append(jobs, w.metaJobs()...)
		for _, e := range w.editions() {
			jobs = append(jobs, e.writeNotFound)
		}
	}
	for name, data := range assets.Files {
		jobs = append(jobs, func() error { return w.writeFile(name, data) })
	}
	errs := make([]error, len(jobs))
	parallel(ctx, len(jobs), 1, func(i int) { errs[i] = jobs[i]() })
	if err := ctx.Err(); err != nil {
		return err
	}
	return firstError(errs)
}

// OutPath returns the output file of a site-absolute page URL.
func OutPath(url string) string {
	return strings.TrimPrefix(url, "/") + "index.html"
}

func (w *Writer) view(p *content.Page) *render.View {
	return render.NewView(w.site, p, w.lk, w.dev)
}

// WriteErrors writes only the error pack (errors/…) and the marker: what
// statusdocs errors writes.
func (w *Writer) WriteErrors(ctx context.Context) error {
	w.errorsOnly = true
	var jobs []func() error
	for _, e := range w.editions() {
		for _, p := range e.site.Codes {
			if p.Class >= 4 {
				jobs = append(jobs, func() error {
					if p.Body == nil {
						if err := e.renderBody(p); err != nil {
							return err
						}
						defer func() { p.Body = nil }()
					}
					return e.writeErrorPack(p)
				})
			}
		}
		jobs = append(jobs, e.writeErrorFallbacks)
	}
	jobs = append(jobs, func() error {
		return w.writeFile(Marker, []byte("This folder is written by statusdocs; a build replaces it whole.\n"))
	})
	errs := make([]error, len(jobs))
	parallel(ctx, len(jobs), ioWorkers, func(i int) { errs[i] = jobs[i]() })
	if err := ctx.Err(); err != nil {
		return err
	}
	return firstError(errs)
}

// renderBody renders the body of a page loaded without it.
func (w *Writer) renderBody(p *content.Page) error {
	src := p.Src
	if src == nil {
		var err error
		if src, err = fs.ReadFile(w.src.FS, p.Path); err != nil {
			return fmt.Errorf("%s: %w", p.File, err)
		}
	}
	p.Src = nil
	return w.r.Body(p, src, w.lk, true)
}

// writePage renders one page with its layout and writes it. A page loaded
// without its body has it rendered here and dropped after, so only the
// pages being written are in memory.
func (w *Writer) writePage(p *content.Page) error {
	if p.Body == nil {
		if err := w.renderBody(p); err != nil {
			return err
		}
		defer func() { p.Body = nil }()
	}
	v := w.record(w.view(p), p.URL)
	if err := w.createPage(OutPath(p.URL), p.Body, func(out io.Writer) error {
		return w.lay.Execute(out, p.Kind.String(), v)
	}); err != nil {
		return err
	}
	if p.Kind == content.KindCode && p.Class >= 4 {
		return w.writeErrorPack(p) // here: its advice comes from the body
	}
	return nil
}

// writeNotFound writes 404.html, the page static hosts serve for unknown
// paths. It is served at any depth, so its links are absolute: under the
// base URL when one is given, from the site root otherwise.
//
// Each edition has its own (zh-cn/404.html), for hosts that can serve a
// folder's own not-found page.
func (w *Writer) writeNotFound() error {
	c := w.cat()
	p := &content.Page{Kind: content.KindPlain, File: w.prefix() + "404.html", URL: w.site.Prefix() + "/404.html",
		Title: c.Must("notfound.title"), Summary: c.Must("notfound.summary"), Lang: w.site.Lang}
	v := w.record(render.NewAbsoluteView(w.site, p, w.lk, w.dev), p.URL)
	return w.create(w.prefix()+"404.html", func(out io.Writer) error {
		return w.lay.Execute(out, "404", v)
	})
}

// aliasPage is the redirect written for each alias. It works without
// script (meta refresh), tells search engines where the page lives
// (canonical) and gives people a link.
var aliasPage = template.Must(template.New("alias").Parse(`<!DOCTYPE html>
<html lang="{{.Lang}}">
<head>
<meta charset="utf-8">
<title>{{.Title}}</title>
<link rel="canonical" href="{{.Canonical}}">
<meta name="robots" content="noindex">
<meta http-equiv="refresh" content="0; url={{.Target}}">
</head>
<body>
<p>{{.Moved}}</p>
</body>
</html>
`))

func (w *Writer) writeAlias(a content.Alias) error {
	target := w.lk.Rel(a.URL, a.Page.URL)
	canonical := w.lk.Abs(a.Page.URL)
	if canonical == "" {
		canonical = target
	}
	c := w.cat()
	link := fmt.Sprintf(`<a href="%s">%s</a>`, template.HTMLEscapeString(target), template.HTMLEscapeString(a.Page.Label()))
	data := struct {
		Lang, Title, Target, Canonical string
		Moved                          template.HTML
	}{c.Tag(), a.Page.Label(), target, canonical, template.HTML(fmt.Sprintf(c.Must("alias.moved"), link))}
	return w.create(OutPath(a.URL), func(out io.Writer) error {
		return aliasPage.Execute(out, data)
	})
}

func (w *Writer) writeFile(name string, data []byte) error {
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
func (w *Writer) create(name string, fill func(io.Writer) error) error {
	return w.createPage(name, nil, fill)
}

// createPage is create for a page whose rendered Markdown body is body:
// the link scan can skip the body's highlighted code.
func (w *Writer) createPage(name string, body []byte, fill func(io.Writer) error) error {
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

// firstError reports the errors of writing files. Errors of content (a
// page's links) are kept, each names a file to fix; a layout's error met
// on many pages is told once with their number (groupErrors); an error of
// the disk is told once, with how many more files failed: a full disk
// fails every file after the first.
func firstError(errs []error) error {
	var first error
	var kept []error
	n := 0
	for _, err := range errs {
		if err == nil {
			continue
		}
		var fe *content.FileError
		var re *render.RenderError
		if errors.As(err, &fe) || errors.As(err, &re) {
			kept = append(kept, err)
			continue
		}
		if first == nil {
			first = err
		}
		n++
	}
	if len(kept) > 0 {
		if first != nil { // a disk error too: say it, once, after the content's
			kept = append(kept, fmt.Errorf("%w (and %d more files)", first, n-1))
			if n == 1 {
				kept[len(kept)-1] = first
			}
		}
		return groupErrors(kept)
	}
	if n > 1 {
		return fmt.Errorf("%w (and %d more files)", first, n-1)
	}
	return first
}

// groupErrors joins errs, telling a layout's error that many pages met
// once: "layouts/code.html:3:5: … (rendering content/1xx/100.md and 78
// other pages)". Other errors are kept as they are, in order.
func groupErrors(errs []error) error {
	type group struct {
		first *render.RenderError
		n     int
	}
	var out []error
	groups := map[string]*group{}
	for _, err := range errs {
		var re *render.RenderError
		if err == nil {
			continue
		}
		if !errors.As(err, &re) {
			out = append(out, err)
			continue
		}
		key := re.Err.Error()
		if g := groups[key]; g != nil {
			g.n++
			continue
		}
		groups[key] = &group{first: re, n: 1}
		out = append(out, err) // its place; replaced below when grouped
	}
	for i, err := range out {
		var re *render.RenderError
		if errors.As(err, &re) {
			if g := groups[re.Err.Error()]; g.n > 1 {
				out[i] = fmt.Errorf("%w (rendering %s and %d other pages)", re.Err, re.Page, g.n-1)
			}
		}
	}
	return errors.Join(out...)
}
