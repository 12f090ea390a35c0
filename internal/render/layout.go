package render

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

// Layouts holds the parsed templates of one build, one per page kind, each
// a clone of base.html with its kind's file parsed on top. They are parsed
// once per build and executed by many goroutines.
type Layouts struct {
	byKind    map[string]*template.Template
	errorPage *template.Template // errorpage.html, standalone
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
	src, err := read("base.html")
	if err != nil {
		return nil, err
	}
	base, err := template.New(dir + "/base.html").Parse(src)
	if err != nil {
		return nil, tidyTemplateError(err)
	}
	l := &Layouts{byKind: map[string]*template.Template{}}
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
	if l.errorPage, err = template.New(dir + "/errorpage.html").Parse(src); err != nil {
		return nil, tidyTemplateError(err)
	}
	return l, nil
}

// Execute renders one page with the template of its kind ("code", "404").
func (l *Layouts) Execute(w io.Writer, kind string, v *View) error {
	t := l.byKind[kind]
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

// ExecuteErrorPage renders errorpage.html with data, for the output file
// name.
func (l *Layouts) ExecuteErrorPage(w io.Writer, name string, data any) error {
	if err := l.errorPage.Execute(w, data); err != nil {
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
