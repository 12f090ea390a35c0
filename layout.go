package main

import (
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"strings"
)

// layoutKinds are the page templates besides base.html. Each defines the
// blocks of base.html that its kind of page fills.
var layoutKinds = []string{"home", "class", "code", "page", "404", "search"}

// layouts holds the parsed templates of one build, one per page kind, each
// a clone of base.html with its kind's file parsed on top. They are parsed
// once per build and executed by many goroutines.
type layouts struct {
	byKind    map[string]*template.Template
	errorPage *template.Template // errorpage.html, standalone
}

// parseLayouts reads base.html and one file per kind from fsys. Templates
// are named by their slash path (dir/base.html) so error messages point at
// the right file: template.ParseFS would name them by base name only.
func parseLayouts(fsys fs.FS, dir string) (*layouts, error) {
	read := func(name string) (string, error) {
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return "", fmt.Errorf("%s/%s: %w", dir, name, err)
		}
		return string(b), nil
	}
	src, err := read("base.html")
	if err != nil {
		return nil, err
	}
	base, err := template.New(dir + "/base.html").Funcs(funcs).Parse(src)
	if err != nil {
		return nil, tidyTemplateError(err)
	}
	l := &layouts{byKind: map[string]*template.Template{}}
	for _, kind := range layoutKinds {
		src, err := read(kind + ".html")
		if err != nil {
			return nil, err
		}
		t, err := base.Clone()
		if err != nil {
			return nil, err
		}
		if _, err := t.New(dir + "/" + kind + ".html").Parse(src); err != nil {
			return nil, tidyTemplateError(err)
		}
		l.byKind[kind] = t
	}
	// The error page stands alone: a web server serves it for its own
	// errors, so it shares nothing with the site's pages.
	if src, err = read("errorpage.html"); err != nil {
		return nil, err
	}
	if l.errorPage, err = template.New(dir + "/errorpage.html").Funcs(funcs).Parse(src); err != nil {
		return nil, tidyTemplateError(err)
	}
	return l, nil
}

// execute renders one page with the template of its kind.
func (l *layouts) execute(w io.Writer, kind string, v *View) error {
	t := l.byKind[kind]
	if err := t.ExecuteTemplate(w, t.Name(), v); err != nil {
		return fmt.Errorf("%v (rendering %s)", tidyTemplateError(err), v.Page.File)
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

// funcs are the helpers layouts may call besides View's methods.
var funcs = template.FuncMap{}

// View is what a layout receives: the page, the site, and the means to
// link from this page to any other.
type View struct {
	Site *Site
	Page *Page

	lk       *linker
	from     string // URL links are relative to
	absolute bool   // 404.html: links must work from any path
	dev      string // script injected by the dev server, or ""
}

// URL returns the link from this page to a site-absolute target.
func (v *View) URL(target string) string {
	if v.absolute {
		if abs := v.lk.abs(target); abs != "" {
			return abs
		}
		return v.lk.asset(target)
	}
	return v.lk.rel(v.from, target)
}

// Root returns the link from this page to the site root, ending in "/":
// "../" from /404/, "./" from home. Scripts join it with the paths of the
// search index.
func (v *View) Root() string {
	if v.absolute {
		if v.lk.baseURL != "" {
			return v.lk.baseURL
		}
		return "/"
	}
	return rootPrefix(v.from)
}

// Offline reports whether the site is built to be read from disk.
func (v *View) Offline() bool { return v.lk.offline }

// OpenSearch returns the link to the OpenSearch description, which needs
// absolute URLs and so exists only with -base-url.
func (v *View) OpenSearch() string {
	if v.lk.baseURL == "" {
		return ""
	}
	return v.lk.abs("/opensearch.xml")
}

// Canonical returns the page's absolute URL, or "" without -base-url.
func (v *View) Canonical() string {
	if v.absolute {
		return ""
	}
	return v.lk.abs(v.Page.URL)
}

// Body returns the page's rendered Markdown. It was rendered from content
// with raw HTML disabled, so it is safe to insert as it is.
func (v *View) Body() template.HTML { return template.HTML(v.Page.Body) }

// DevScript returns the dev server's reload script tag, or nothing in a
// build.
func (v *View) DevScript() template.HTML { return template.HTML(v.dev) }

// Breadcrumbs returns the trail from home to this page's parent.
func (v *View) Breadcrumbs() []*Page {
	switch v.Page.Kind {
	case KindClass:
		return []*Page{v.Site.Home}
	case KindCode:
		if v.Page.ClassPage != nil {
			return []*Page{v.Site.Home, v.Page.ClassPage}
		}
		return []*Page{v.Site.Home}
	case KindPlain:
		return []*Page{v.Site.Home}
	}
	return nil
}

// Label returns how a page is named in lists and breadcrumbs.
func (p *Page) Label() string {
	switch p.Kind {
	case KindHome:
		return "Home"
	case KindClass:
		return p.ClassName()
	case KindCode:
		return fmt.Sprintf("%d %s", p.Code, p.Title)
	}
	return p.Title
}

// DocTitle returns the text of the page's <title> element.
func (v *View) DocTitle() string {
	p := v.Page
	switch p.Kind {
	case KindHome:
		return p.Title
	case KindClass:
		return fmt.Sprintf("%s %s – %s", p.ClassName(), p.Title, v.Site.Home.Title)
	case KindCode:
		return fmt.Sprintf("%d %s – %s", p.Code, p.Title, v.Site.Home.Title)
	}
	return p.Title + " – " + v.Site.Home.Title
}
