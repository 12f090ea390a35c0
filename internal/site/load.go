package site

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
	"sync/atomic"

	"github.com/statusdocs/statusdocs/internal/content"
	"github.com/statusdocs/statusdocs/internal/render"
)

// PageLoader loads one whole content file, its body rendered; sum is the
// SHA-256 of src. The dev server passes one that keeps pages between
// rebuilds.
type PageLoader func(name, display string, src []byte, sum [sha256.Size]byte) (*content.Page, error)

// BodyLoader renders the body of a page of another language's edition
// from src, the file it shows (its translation, or the page it has no
// translation of yet). The dev server passes one that keeps bodies between
// rebuilds.
type BodyLoader func(p *content.Page, src []byte) error

// LoadSite loads every content file of cfg, its body rendered as a build
// of cfg renders it, through load when it is not nil, and links them into
// a site, with the names of the static and generated files known so links
// to them can be checked. Every broken file is reported, not just the
// first.
//
// The pages of other languages' editions are rendered too, through body
// when it is not nil.
func LoadSite(ctx context.Context, cfg *Config, load PageLoader, body BodyLoader) (*content.Site, error) {
	if load == nil || body == nil {
		r, lk := NewRenderer(cfg), render.NewLinker(cfg.Offline, cfg.BaseURL)
		if load == nil {
			load = func(name, display string, src []byte, _ [sha256.Size]byte) (*content.Page, error) {
				return r.Page(name, display, src, lk)
			}
		}
		if body == nil {
			body = func(p *content.Page, src []byte) error { return r.Body(p, src, lk, false) }
		}
	}
	s, _, err := loadPages(ctx, cfg, load, body)
	return s, err
}

// loadPages is LoadSite, but with load nil only front matter is read, and the
// writer renders each body as it writes the page, so a big site is never
// held in memory whole. It also returns a hash of every content file's
// name and bytes, and of the options that change every page.
func loadPages(ctx context.Context, cfg *Config, load PageLoader, body BodyLoader) (*content.Site, [sha256.Size]byte, error) {
	var sum [sha256.Size]byte
	static, err := ListFiles(cfg.Static.FS)
	if err != nil {
		return nil, sum, fmt.Errorf("%s: %w", cfg.Static.Name, err)
	}
	files := map[string]bool{}
	for _, f := range static {
		files[f] = true
	}
	for _, f := range generatedAssets {
		files[f] = true
	}
	names, err := content.List(cfg.Content.FS, cfg.Content.Name)
	var fe *content.FileError
	if errors.As(err, &fe) {
		return nil, sum, err // names its files already
	}
	if err != nil {
		return nil, sum, fmt.Errorf("%s: %w", cfg.Content.Name, err)
	}
	langs, err := Langs(cfg.Layouts)
	if err != nil {
		return nil, sum, err
	}
	pages := make([]*content.Page, len(names))
	trans := make([]*content.Translation, len(names))
	sums := make([][sha256.Size]byte, len(names))
	same := make([][sha256.Size]byte, len(names)) // of the text as Markdown reads it
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
		same[i] = sums[i]
		if bytes.IndexByte(src, '\r') >= 0 || bytes.HasPrefix(src, utf8BOM) {
			same[i] = sha256.Sum256(normalizeText(src))
		}
		if lang := content.SplitLang(name, langs); lang != "" {
			trans[i], errs[i] = content.ParseTranslation(name, display, lang, src)
		} else if load != nil {
			pages[i], errs[i] = load(name, display, src, sums[i])
		} else if pages[i], errs[i] = content.Parse(name, display, src); errs[i] == nil && kept.Add(int64(len(src))) <= keepSourceBytes {
			pages[i].Src = src // saves reading it again to render
		}
	})
	if err := ctx.Err(); err != nil {
		return nil, sum, err // an interruption, whatever else went wrong
	}
	if err := errors.Join(errs...); err != nil {
		return nil, sum, err
	}
	var defPages []*content.Page
	var ts []*content.Translation
	for i := range names {
		if trans[i] != nil {
			ts = append(ts, trans[i])
		} else {
			defPages = append(defPages, pages[i])
		}
	}
	eds, err := content.Editions(defPages, ts, langs, files)
	if err != nil {
		return nil, sum, err
	}
	s := eds[0]
	if body != nil && load != nil {
		if err := loadBodies(ctx, cfg, eds[1:], body); err != nil {
			return nil, sum, err
		}
	}
	h := sha256.New()
	fmt.Fprintf(h, "offline=%v\n", cfg.Offline)
	for i, name := range names {
		fmt.Fprintf(h, "%s\n%x\n", name, same[i])
	}
	h.Sum(sum[:0])
	return s, sum, nil
}

var utf8BOM = []byte("\xEF\xBB\xBF")

// loadBodies renders the bodies of the pages of editions eds, as a build
// that renders every body before writing does with the default's.
func loadBodies(ctx context.Context, cfg *Config, eds []*content.Site, body BodyLoader) error {
	var pages []*content.Page
	for _, e := range eds {
		pages = append(pages, e.Pages()...)
	}
	errs := make([]error, len(pages))
	parallel(ctx, len(pages), 1, func(i int) {
		p := pages[i]
		src := p.Src
		if src == nil {
			var err error
			if src, err = fs.ReadFile(cfg.Content.FS, p.Path); err != nil {
				errs[i] = fmt.Errorf("%s: %w", p.File, err)
				return
			}
			// Read again: saved meanwhile, its body may start elsewhere.
			if p.BodyStart, err = content.BodyStart(src); err != nil {
				errs[i] = content.Errorf(p.File, 0, "the file changed while it was being built")
				return
			}
		}
		errs[i] = body(p, src)
	})
	if err := ctx.Err(); err != nil {
		return err
	}
	return errors.Join(errs...)
}

// Langs returns the languages the layouts have a catalogue for
// (i18n/<lang>.yaml), the default first: a content folder named after one
// of the others holds that language's translations.
func Langs(layouts Source) ([]string, error) {
	names, err := fs.Glob(layouts.FS, "i18n/*.yaml")
	if err != nil {
		return nil, fmt.Errorf("%s: %w", layouts.Name, err)
	}
	langs := []string{content.DefaultLang}
	for _, n := range names {
		lang := strings.TrimSuffix(path.Base(n), ".yaml")
		if lang != content.DefaultLang && render.IsLang(lang) {
			langs = append(langs, lang)
		}
	}
	return langs, nil
}

// normalizeText removes what changes a file's bytes but not what is built
// from it, a byte order mark and CR before LF, so that the search index,
// named by a hash of the content, keeps its name when only line endings
// change (an editor on Windows, git's autocrlf) and its bytes do not.
func normalizeText(src []byte) []byte {
	src = bytes.TrimPrefix(src, utf8BOM)
	return bytes.ReplaceAll(src, []byte("\r\n"), []byte("\n"))
}

// keepSourceBytes is how much Markdown source a build keeps in memory
// between reading front matter and rendering; past it, sources are read
// again when their page is written.
const keepSourceBytes = 32 << 20

// generatedAssets are the files the build writes besides static/.
var generatedAssets = []string{"chroma.css", SearchIndexFile}

// ListFiles returns the regular files of fsys in lexical order, leaving
// out hidden files and folders.
func ListFiles(fsys fs.FS) ([]string, error) {
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
