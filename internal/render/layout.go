package render

import (
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"maps"
	"slices"
	"strings"
)

// layoutKinds are the page templates besides base.html. Each defines the
// blocks of base.html that its kind of page fills.
var layoutKinds = []string{"home", "class", "code", "page", "404", "search", "guide", "guides"}

// Layouts holds the parsed templates of one build, one per page kind, each
// a clone of base.html with its kind's file parsed on top. They are parsed
// once per build and executed by many goroutines.
type Layouts struct {
	byLang    map[string]map[string]*template.Template // language → kind → template
	errorPage map[string]*template.Template            // errorpage.html, standalone, by language
	cats      map[string]*Catalog
}

// Catalog returns the interface text of lang, or nil.
func (l *Layouts) Catalog(lang string) *Catalog { return l.cats[lang] }

// Langs returns the languages with a catalogue, the default first.
func (l *Layouts) Langs() []string {
	langs := []string{DefaultLang}
	for _, lang := range slices.Sorted(maps.Keys(l.cats)) {
		if lang != DefaultLang {
			langs = append(langs, lang)
		}
	}
	return langs
}

// ParseLayouts reads base.html and one file per kind from fsys, which
// messages call dir. Templates are named by their slash path
// (dir/base.html) so error messages point at the right file:
// template.ParseFS would name them by base name only.
func ParseLayouts(fsys fs.FS, dir string) (*Layouts, error) {
	read := func(name string) (string, error) {
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return "", fmt.Errorf("%s/%s: %w", dir, name, err)
		}
		return string(b), nil
	}
	srcs := map[string]string{}
	for _, kind := range append([]string{"base", "errorpage"}, layoutKinds...) {
		src, err := read(kind + ".html")
		if err != nil {
			return nil, err
		}
		srcs[dir+"/"+kind+".html"] = src
	}
	cats, err := parseCatalogs(fsys, dir, srcs)
	if err != nil {
		return nil, err
	}
	// Templates are parsed once, with the default language's functions,
	// and cloned for each language with its own: parsing is most of the
	// cost, and a clone's functions can be replaced before it runs.
	def := cats[DefaultLang].funcs()
	base, err := template.New(dir + "/base.html").Funcs(def).Parse(srcs[dir+"/base.html"])
	if err != nil {
		return nil, tidyTemplateError(err)
	}
	byKind := map[string]*template.Template{}
	for _, kind := range layoutKinds {
		t, err := base.Clone()
		if err != nil {
			return nil, err
		}
		name := dir + "/" + kind + ".html"
		if _, err := t.New(name).Parse(srcs[name]); err != nil {
			return nil, tidyTemplateError(err)
		}
		byKind[kind] = t
	}
	// The error page stands alone: a web server serves it for its own
	// errors, so it shares nothing with the site's pages.
	ep, err := template.New(dir + "/errorpage.html").Funcs(def).Parse(srcs[dir+"/errorpage.html"])
	if err != nil {
		return nil, tidyTemplateError(err)
	}
	l := &Layouts{byLang: map[string]map[string]*template.Template{}, errorPage: map[string]*template.Template{}, cats: cats}
	for lang, c := range cats {
		fns := c.funcs()
		l.byLang[lang] = map[string]*template.Template{}
		for kind, t := range byKind {
			ct, err := t.Clone()
			if err != nil {
				return nil, err
			}
			l.byLang[lang][kind] = ct.Funcs(fns)
		}
		ct, err := ep.Clone()
		if err != nil {
			return nil, err
		}
		l.errorPage[lang] = ct.Funcs(fns)
	}
	return l, nil
}

// Execute renders one page with the template of its kind ("code", "404").
func (l *Layouts) Execute(w io.Writer, kind string, v *View) error {
	t := l.byLang[v.lang()][kind]
	if t == nil {
		return &RenderError{Err: fmt.Errorf("no catalogue layouts/i18n/%s.yaml for the language of its edition", v.lang()), Page: v.file()}
	}
	v.cat, v.cats = l.cats[v.lang()], l.cats
	if err := t.ExecuteTemplate(w, t.Name(), v); err != nil {
		return &RenderError{Err: tidyTemplateError(err), Page: v.file()}
	}
	return nil
}

// RenderError is a layout's error while rendering one page. A mistake in
// a layout usually fails every page of its kind the same way; the build
// reports it once with the number of pages (see site's error grouping).
type RenderError struct {
	Err  error
	Page string // the page's file, e.g. content/4xx/404.md
}

func (e *RenderError) Error() string { return fmt.Sprintf("%v (rendering %s)", e.Err, e.Page) }
func (e *RenderError) Unwrap() error { return e.Err }

// ExecuteErrorPage renders errorpage.html in lang with data, for the
// output file name.
func (l *Layouts) ExecuteErrorPage(w io.Writer, lang, name string, data any) error {
	if err := l.errorPage[lang].Execute(w, data); err != nil {
		return &RenderError{Err: tidyTemplateError(err), Page: name}
	}
	return nil
}

// tidyTemplateError drops html/template's "template: " prefix, so the
// message starts with path:line like every other error of the program.
func tidyTemplateError(err error) error {
	msg := err.Error()
	if s, ok := strings.CutPrefix(msg, "template: "); ok {
		return fmt.Errorf("%s", s)
	}
	return err
}
