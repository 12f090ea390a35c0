package render

import (
	"sync"

	"github.com/statusdocs/statusdocs/internal/content"
)

// PageView is how a layout sees a page: every field through a method, so
// that rendering one page can record which other pages' data it showed.
// The dev server uses the record to re-render, after an edit, exactly the
// pages that show what changed, whatever the layouts list (a sidebar of
// every code, say), instead of guessing from what the shipped layouts do.
type PageView struct {
	p     *content.Page
	reads *Reads   // nil: not recording
	cat   *Catalog // interface text of the page's edition
}

// Reads is what rendering one page read of other pages, by URL: their
// front matter (title, summary, status, …) and their bodies.
type Reads struct {
	self string
	mu   sync.Mutex
	Meta map[string]bool
	Body map[string]bool
}

// NewReads returns an empty record for the page at URL self; what the
// page reads of itself is not recorded.
func NewReads(self string) *Reads {
	return &Reads{self: self, Meta: map[string]bool{}, Body: map[string]bool{}}
}

func (r *Reads) add(m map[string]bool, url string) {
	if r == nil || url == r.self {
		return
	}
	r.mu.Lock()
	m[url] = true
	r.mu.Unlock()
}

// Any reports whether the record holds a page of meta among its front
// matter reads or of body among its body reads.
func (r *Reads) Any(meta, body map[string]bool) bool {
	for url := range r.Meta {
		if meta[url] {
			return true
		}
	}
	for url := range r.Body {
		if body[url] {
			return true
		}
	}
	return false
}

func (v *PageView) meta() *content.Page {
	if v.reads != nil {
		v.reads.add(v.reads.Meta, v.p.URL)
	}
	return v.p
}

func (v *PageView) body() *content.Page {
	if v.reads != nil {
		v.reads.add(v.reads.Body, v.p.URL)
	}
	return v.p
}

func (v *PageView) wrap(p *content.Page) *PageView {
	if p == nil {
		return nil
	}
	return &PageView{p: p, reads: v.reads, cat: v.cat}
}

func (v *PageView) wrapAll(ps []*content.Page) []*PageView {
	out := make([]*PageView, len(ps))
	for i, p := range ps {
		out[i] = v.wrap(p)
	}
	return out
}

// The page's front matter and what follows from it.
func (v *PageView) Kind() content.Kind            { return v.meta().Kind }
func (v *PageView) URL() string                   { return v.meta().URL }
func (v *PageView) File() string                  { return v.meta().File }
func (v *PageView) Code() int                     { return v.meta().Code }
func (v *PageView) Class() int                    { return v.meta().Class }
func (v *PageView) Title() string                 { return v.meta().Title }
func (v *PageView) Summary() string               { return v.meta().Summary }
func (v *PageView) Status() string                { return v.meta().Status }
func (v *PageView) Spec() []content.Spec          { return v.meta().Spec }
func (v *PageView) Former() []string              { return v.meta().Former }
func (v *PageView) Headers() []string             { return v.meta().Headers }
func (v *PageView) Aliases() []string             { return v.meta().Aliases }
func (v *PageView) Constants() []content.Constant { return v.meta().Constants }
func (v *PageView) ClassName() string             { return v.meta().ClassName() }
func (v *PageView) Senders() []content.Sender     { return v.meta().Senders }
func (v *PageView) SenderKeys() string            { return v.meta().SenderKeys() }
func (v *PageView) Lang() string                  { return v.meta().Lang }
func (v *PageView) Untranslated() bool            { return v.meta().Untranslated }

// IsDecision reports whether the page is a decision guide (has a tree).
func (v *PageView) IsDecision() bool { return v.meta().Tree != nil }

// GuideCodes returns the codes a guide compares.
func (v *PageView) GuideCodes() []int { return v.meta().GuideCodes }

// Guides returns the guides that compare this code with others.
func (v *PageView) Guides() []*PageView { return v.wrapAll(v.meta().Guides) }

// Source returns the page this one translates, or nil.
func (v *PageView) Source() *PageView { return v.wrap(v.meta().Source) }

// StatusLabel returns the badge text of the page's status, in the
// language of the edition.
func (v *PageView) StatusLabel() string { return v.cat.Must("status." + v.meta().Status) }
func (v *PageView) IsStandard() bool    { return v.meta().IsStandard() }

// Label returns how the page is named in lists and breadcrumbs.
func (v *PageView) Label() string {
	if v.meta().Kind == content.KindHome {
		return v.cat.Must("nav.home")
	}
	return v.p.Label()
}

// Pages it links to, by its front matter or its place in the site.
func (v *PageView) Related() []*PageView { return v.wrapAll(v.meta().Related) }
func (v *PageView) Prev() *PageView      { return v.wrap(v.meta().Prev) }
func (v *PageView) Next() *PageView      { return v.wrap(v.meta().Next) }
func (v *PageView) ClassPage() *PageView { return v.wrap(v.meta().ClassPage) }
func (v *PageView) Codes() []*PageView   { return v.wrapAll(v.meta().Codes) }

// What its Markdown body says.
func (v *PageView) Headings() []content.Heading { return v.body().Headings }
func (v *PageView) Text() string                { return v.body().Text }

// SiteView is how a layout sees the site: its pages, as PageViews.
type SiteView struct {
	s     *content.Site
	reads *Reads
	cat   *Catalog
}

func (s *SiteView) view() *PageView { return &PageView{reads: s.reads, cat: s.cat} }

func (s *SiteView) Home() *PageView      { return s.view().wrap(s.s.Home) }
func (s *SiteView) Classes() []*PageView { return s.view().wrapAll(s.s.Classes) }
func (s *SiteView) Codes() []*PageView   { return s.view().wrapAll(s.s.Codes) }
func (s *SiteView) Plain() []*PageView   { return s.view().wrapAll(s.s.Plain) }
func (s *SiteView) Guides() []*PageView  { return s.view().wrapAll(s.s.Guides) }

// GuideIndex returns the page listing the guides, or nil.
func (s *SiteView) GuideIndex() *PageView { return s.view().wrap(s.s.GuideIndex) }

// Code returns the page of a status code, or nil.
func (s *SiteView) Code(code int) *PageView { return s.view().wrap(s.s.Code(code)) }
