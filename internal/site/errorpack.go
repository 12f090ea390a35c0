package site

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"strconv"

	"github.com/statusdocs/statusdocs/internal/content"
)

// The error pack: for every 4xx and 5xx code with a page, errors/<code>.html,
// .json and .txt, and errors/4xx.* and errors/5xx.* for codes without one.
// Web servers serve them in place of their own error pages, at whatever
// URL failed, so nothing in them is relative: the reference link is
// absolute with -base-url, root-relative without. The HTML loads nothing
// (inline CSS, no scripts), so it works with a CSP of default-src 'none';
// style-src 'unsafe-inline' and when the failing site's own files do not.

// Slots are markers a server may replace with what it knows of the
// request: nginx with sub_filter, the error server (statusdocs
// serve-errors) itself. A slot left alone is an HTML comment inside an
// element that CSS hides while it is :empty, so it disappears.
const (
	SlotRequestID = "<!--sd:request-id-->"
	SlotHost      = "<!--sd:host-->"
	SlotTime      = "<!--sd:time-->"
)

// ErrorPage is what layouts/errorpage.html receives.
type ErrorPage struct {
	Code    string // "404", or "4xx" for a class fallback
	Class   int
	Title   string // the reason phrase, or the class's title, in the pack's language
	Reason  string // the reason phrase as sent (English), for the JSON
	Summary string
	Advice  string // what a visitor can do; "" lets the layout say it by class
	Ref     string // the reference page: absolute with -base-url, else root-relative
	Site    string // the site's name
	Lang    string
	Slots   struct{ RequestID, Host, Time template.HTML } // the markers above

}

// ErrorJSON is errors/<code>.json: what an API client needs of the error.
type ErrorJSON struct {
	Code      *int    `json:"code"` // null in a class fallback: the server knows it
	Class     string  `json:"class"`
	Reason    string  `json:"reason"`
	Summary   string  `json:"summary"`
	Reference string  `json:"reference"`
	RequestID *string `json:"request_id"` // null unless a server fills it
}

// errorDir is where the pack goes: errors/ in a site, the top of the
// output for statusdocs errors.
//
// Another language's pack is in a folder of its own: errors/zh-cn/, which
// the error server (statusdocs serve-errors) picks by Accept-Language.
func (w *Writer) errorDir() string {
	if w.errorsOnly {
		return w.prefix()
	}
	return "errors/" + w.prefix()
}

// errorRef links an error page to a reference page from any URL.
func (w *Writer) errorRef(url string) string {
	if abs := w.lk.Abs(url); abs != "" {
		return abs
	}
	if w.lk.Offline() {
		return url + "index.html"
	}
	return url
}

// writeErrorPack writes the three files of one code page.
func (w *Writer) writeErrorPack(p *content.Page) error {
	code := strconv.Itoa(p.Code)
	c := p.Code
	reason := p.Title
	if p.Source != nil {
		reason = p.Source.Title // the reason phrase is the wire's, in any language
	}
	return w.writeErrorFiles(code, ErrorPage{
		Code: code, Class: p.Class, Title: p.Title, Reason: reason, Summary: p.Summary, Advice: p.Advice, Ref: w.errorRef(p.URL),
	}, &c)
}

// writeErrorFallbacks writes errors/4xx.* and errors/5xx.* from the class
// pages, for codes without a page of their own.
func (w *Writer) writeErrorFallbacks() error {
	for _, cl := range w.site.Classes {
		if cl.Class < 4 {
			continue
		}
		name := cl.ClassName()
		reason := cl.Title
		if cl.Source != nil {
			reason = cl.Source.Title
		}
		if err := w.writeErrorFiles(name, ErrorPage{
			Code: name, Class: cl.Class, Title: cl.Title, Reason: reason, Summary: cl.Summary, Ref: w.errorRef(cl.URL),
		}, nil); err != nil {
			return err
		}
	}
	return nil
}

func (w *Writer) writeErrorFiles(name string, data ErrorPage, code *int) error {
	data.Site, data.Lang = w.site.Home.Title, w.cat().Tag()
	data.Slots.RequestID, data.Slots.Host, data.Slots.Time = SlotRequestID, SlotHost, SlotTime // constants: safe
	html := w.errorDir() + name + ".html"
	if err := w.create(html, func(out io.Writer) error { return w.lay.ExecuteErrorPage(out, w.cat().Lang, html, data) }); err != nil {
		return err
	}
	j, err := json.MarshalIndent(ErrorJSON{
		Code: code, Class: strconv.Itoa(data.Class) + "xx", Reason: data.Reason, Summary: data.Summary, Reference: data.Ref,
	}, "", "  ")
	if err != nil {
		return err
	}
	if err := w.writeFile(w.errorDir()+name+".json", append(j, '\n')); err != nil {
		return err
	}
	var txt bytes.Buffer
	fmt.Fprintf(&txt, "%s %s\n%s\n%s\n", data.Code, data.Title, data.Summary, data.Ref)
	return w.writeFile(w.errorDir()+name+".txt", txt.Bytes())
}

// ErrorPack renders the error pack of cfg's site in memory, by file name
// (404.html, 4xx.json, …): what statusdocs serve-errors serves when it is
// given no folder.
func ErrorPack(ctx context.Context, cfg *Config) (map[string][]byte, error) {
	p, err := prepare(ctx, cfg)
	if err != nil {
		return nil, err
	}
	out := NewMemOutput()
	if err := p.writer(out).WriteErrors(ctx); err != nil {
		return nil, err
	}
	delete(out.Files, Marker)
	return out.Files, nil
}
