package render

import (
	"fmt"
	"html/template"

	"github.com/statusdocs/statusdocs/internal/content"
)

// View is what a layout receives: the page, the site, and the means to
// link from this page to any other. Pages are seen through PageViews, so
// that what a page shows of others can be recorded (see Record).
type View struct {
	site  *content.Site
	page  *content.Page
	reads *Reads // nil unless recording

	lk       *Linker
	from     string // URL links are relative to
	absolute bool   // 404.html: links must work from any path
	dev      string // script injected by the dev server, or ""
}

// NewView returns the view of page p of site, linking with lk; dev is the
// dev server's script tag, or "" in a build.
func NewView(site *content.Site, p *content.Page, lk *Linker, dev string) *View {
	return &View{site: site, page: p, lk: lk, from: p.URL, dev: dev}
}

// NewAbsoluteView returns a view whose links work from any path: for
// 404.html, which hosts serve at whatever URL was not found. Its links are
// under the base URL when there is one, root-relative otherwise.
func NewAbsoluteView(site *content.Site, p *content.Page, lk *Linker, dev string) *View {
	return &View{site: site, page: p, lk: lk, from: "/", absolute: true, dev: dev}
}

// Record makes rendering with v note in r what it reads of other pages.
func (v *View) Record(r *Reads) *View {
	v.reads = r
	return v
}

// Page returns the page being rendered.
func (v *View) Page() *PageView { return &PageView{p: v.page, reads: v.reads} }

// Site returns the whole site.
func (v *View) Site() *SiteView { return &SiteView{s: v.site, reads: v.reads} }

// File names the page's content file in messages.
func (v *View) file() string { return v.page.File }

// URL returns the link from this page to a site-absolute target.
func (v *View) URL(target string) string {
	if v.absolute {
		if abs := v.lk.Abs(target); abs != "" {
			return abs
		}
		return v.lk.Asset(target)
	}
	return v.lk.Rel(v.from, target)
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
	return RootPrefix(v.from)
}

// Offline reports whether the site is built to be read from disk.
func (v *View) Offline() bool { return v.lk.offline }

// OpenSearch returns the link to the OpenSearch description, which needs
// absolute URLs and so exists only with -base-url.
func (v *View) OpenSearch() string {
	if v.lk.baseURL == "" {
		return ""
	}
	return v.lk.Abs("/opensearch.xml")
}

// Canonical returns the page's absolute URL, or "" without -base-url.
func (v *View) Canonical() string {
	if v.absolute {
		return ""
	}
	return v.lk.Abs(v.page.URL)
}

// Body returns the page's rendered Markdown. It was rendered from content
// with raw HTML disabled, so it is safe to insert as it is.
func (v *View) Body() template.HTML { return template.HTML(v.page.Body) }

// DevScript returns the dev server's reload script tag, or nothing in a
// build.
func (v *View) DevScript() template.HTML { return template.HTML(v.dev) }

// Breadcrumbs returns the trail from home to this page's parent.
func (v *View) Breadcrumbs() []*PageView {
	site := v.Site()
	switch v.page.Kind {
	case content.KindClass, content.KindPlain:
		return []*PageView{site.Home()}
	case content.KindCode:
		if v.page.ClassPage != nil {
			return []*PageView{site.Home(), v.Page().ClassPage()}
		}
		return []*PageView{site.Home()}
	}
	return nil
}

// DocTitle returns the text of the page's <title> element.
func (v *View) DocTitle() string {
	p := v.page
	switch p.Kind {
	case content.KindHome:
		return p.Title
	case content.KindClass:
		return fmt.Sprintf("%s %s – %s", p.ClassName(), p.Title, v.Site().Home().Title())
	case content.KindCode:
		return fmt.Sprintf("%d %s – %s", p.Code, p.Title, v.Site().Home().Title())
	}
	return p.Title + " – " + v.Site().Home().Title()
}
