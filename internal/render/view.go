package render

import (
	"encoding/json"
	"fmt"
	"html/template"
	"strings"

	"github.com/statusdocs/statusdocs/internal/content"
)

// View is what a layout receives: the page, the site, and the means to
// link from this page to any other. Pages are seen through PageViews, so
// that what a page shows of others can be recorded (see Record).
type View struct {
	site  *content.Site
	page  *content.Page
	reads *Reads   // nil unless recording
	cat   *Catalog // the edition's interface text; set by Layouts.Execute
	cats  map[string]*Catalog

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
func (v *View) Page() *PageView { return &PageView{p: v.page, reads: v.reads, cat: v.cat} }

// Site returns the whole site.
func (v *View) Site() *SiteView { return &SiteView{s: v.site, reads: v.reads, cat: v.cat} }

// lang returns the language of the page's edition.
func (v *View) lang() string {
	if v.site.Lang == "" {
		return DefaultLang
	}
	return v.site.Lang
}

// Lang returns the page's language tag, for <html lang>: "en", "zh-CN".
func (v *View) Lang() string { return v.cat.Tag() }

// Alternate is one edition of the page being rendered.
type Alternate struct {
	Lang    string // "zh-cn"
	Tag     string // "zh-CN", for hreflang
	Name    string // "中文", the language's name in itself
	URL     string // link from this page
	Abs     string // absolute URL, or "" without -base-url
	Current bool
	// Translated is false for a page of the edition that has no
	// translation yet and shows the default language's text.
	Translated bool
}

// Alternates returns the page in every edition of the site, the default
// language first: for the language switch and hreflang links. A page the
// build makes (404.html, the search page) has them too, under the same
// path in each edition.
func (v *View) Alternates() []Alternate {
	if len(v.site.Editions) < 2 {
		return nil
	}
	var out []Alternate
	for _, s := range v.site.Editions {
		lang := s.Lang
		c := v.cats[lang]
		if c == nil {
			continue
		}
		var url string
		translated := true
		if q := v.page.In(s); q != nil {
			url, translated = q.URL, !q.Untranslated
		} else {
			// A page the build makes: the same path under the edition.
			base := strings.TrimPrefix(v.page.URL, v.site.Prefix())
			url = s.Prefix() + base
		}
		out = append(out, Alternate{Lang: lang, Tag: c.Tag(), Name: c.Name(), URL: v.URL(url),
			Abs: v.lk.Abs(url), Current: s == v.site, Translated: translated})
	}
	return out
}

// Notice says what the page's translation state is: "stale" for a
// translation made from an older text of its page, "untranslated" for a
// page of this edition with no translation yet, else "". Source then
// links the page in the default language.
func (v *View) Notice() string {
	switch {
	case v.page.Untranslated:
		return "untranslated"
	case v.page.Stale:
		return "stale"
	}
	return ""
}

// Source returns the link to the page in the default language that this
// page translates, or "".
func (v *View) Source() string {
	if v.page.Source == nil {
		return ""
	}
	return v.URL(v.page.Source.URL)
}

// SourceLang returns the language tag of the default language, for the
// lang attribute of a page's text shown untranslated.
func (v *View) SourceLang() string {
	if c := v.cats[DefaultLang]; c != nil {
		return c.Tag()
	}
	return DefaultLang
}

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

// Local returns the link from this page to the page at path in this
// page's edition: "/search/" is /zh-cn/search/ in the zh-cn edition.
func (v *View) Local(path string) string { return v.URL(v.site.Prefix() + path) }

// ContentLang returns the language tag of the page's text when it is not
// the edition's (a page not translated yet), else "".
func (v *View) ContentLang() string {
	if v.page.Untranslated {
		return v.SourceLang()
	}
	return ""
}

// StatusLabels returns the badge text of every status, as JSON, for the
// search script's result badges.
func (v *View) StatusLabels() string {
	m := map[string]string{}
	for _, s := range []string{"standard", "temporary", "deprecated", "obsolete", "reserved", "unofficial"} {
		m[s] = v.cat.Must("status." + s)
	}
	b, _ := json.Marshal(m)
	return string(b)
}

// SenderKinds returns the vocabulary of senders, for filters.
func (v *View) SenderKinds() []string { return content.Senders }

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
	case content.KindClass, content.KindPlain, content.KindGuides:
		return []*PageView{site.Home()}
	case content.KindGuide:
		if g := site.GuideIndex(); g != nil {
			return []*PageView{site.Home(), g}
		}
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
