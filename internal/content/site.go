package content

import (
	"errors"
	"net/url"
	"slices"
	"strings"
)

// Site is all the content of one build.
type Site struct {
	Lang     string  // the edition's language: DefaultLang, "zh-cn"
	Editions []*Site // every edition of the build, the default first
	Home     *Page
	Classes  []*Page // class pages, 1xx to 5xx
	Codes    []*Page // code pages in numeric order
	Plain    []*Page // other pages, by URL
	Guides   []*Page // guides (content/guides/*.md), by URL
	// GuideIndex is content/guides/_index.md, or nil.
	GuideIndex *Page
	Aliases    []Alias

	byURL     map[string]*Page
	byCode    map[int]*Page
	aliasURLs map[string]bool
	files     map[string]bool // static and generated file names, for link checks
}

// Alias is a redirect from an extra slug to a page.
type Alias struct {
	URL  string // "/not-found/"
	Page *Page
}

// Pages returns every page of the site in a stable order.
func (s *Site) Pages() []*Page {
	all := make([]*Page, 0, 2+len(s.Classes)+len(s.Codes)+len(s.Plain)+len(s.Guides))
	all = append(all, s.Home)
	all = append(all, s.Classes...)
	all = append(all, s.Codes...)
	all = append(all, s.Plain...)
	if s.GuideIndex != nil {
		all = append(all, s.GuideIndex)
	}
	all = append(all, s.Guides...)
	return all
}

// AllPages returns the pages of every edition of the build, the default
// language's first.
func (s *Site) AllPages() []*Page {
	if len(s.Editions) < 2 {
		return s.Pages()
	}
	var all []*Page
	for _, e := range s.Editions {
		all = append(all, e.Pages()...)
	}
	return all
}

// Edition returns the edition of lang, or nil.
func (s *Site) Edition(lang string) *Site {
	for _, e := range s.Editions {
		if e.Lang == lang {
			return e
		}
	}
	return nil
}

// Find returns the page at a URL in any edition, or nil.
func (s *Site) Find(url string) *Page {
	for _, e := range s.Editions {
		if p := e.byURL[url]; p != nil {
			return p
		}
	}
	return s.byURL[url]
}

// Code returns the page of a status code, or nil.
func (s *Site) Code(code int) *Page { return s.byCode[code] }

// ByURL returns the page at a site-absolute URL, or nil.
func (s *Site) ByURL(url string) *Page { return s.byURL[url] }

// Link connects the pages of a site once all are loaded: it indexes them,
// checks URLs, aliases, related codes and the internal links of the pages
// whose bodies are rendered, and sets the neighbours each layout shows.
// files names the files besides pages that links may point at (static and
// generated ones, as "style.css"). All problems are reported together.
func Link(pages []*Page, files map[string]bool) (*Site, error) {
	s, err := link(pages, files, DefaultLang)
	s.Editions = []*Site{s}
	return s, err
}

// link is Link for the pages of edition lang.
func link(pages []*Page, files map[string]bool, lang string) (*Site, error) {
	s := &Site{Lang: lang, byURL: map[string]*Page{}, byCode: map[int]*Page{}, aliasURLs: map[string]bool{}, files: files}
	var errs []error
	claim := map[string]string{} // URL → file that claimed it
	for _, p := range pages {
		if prev, ok := claim[p.URL]; ok {
			errs = append(errs, Errorf(p.File, 0, "URL %s is already used by %s", p.URL, prev))
			continue
		}
		claim[p.URL] = p.File
		s.byURL[p.URL] = p
		switch p.Kind {
		case KindHome:
			s.Home = p
		case KindClass:
			s.Classes = append(s.Classes, p)
		case KindCode:
			s.Codes = append(s.Codes, p)
			s.byCode[p.Code] = p
		case KindPlain:
			s.Plain = append(s.Plain, p)
		case KindGuide:
			s.Guides = append(s.Guides, p)
		case KindGuides:
			s.GuideIndex = p
		}
	}
	for _, p := range pages {
		for _, a := range p.Aliases {
			u := s.Prefix() + "/" + a + "/"
			if prev, ok := claim[u]; ok {
				errs = append(errs, Errorf(p.File, 0, "alias %q: URL %s is already used by %s", a, u, prev))
				continue
			}
			claim[u] = p.File
			s.Aliases = append(s.Aliases, Alias{URL: u, Page: p})
			s.aliasURLs[u] = true
		}
	}
	if s.Home == nil {
		errs = append(errs, errors.New("content/_index.md: missing: the home page needs it"))
		s.Home = &Page{Kind: KindHome, URL: s.Prefix() + "/"}
	}
	slices.SortFunc(s.Codes, func(a, b *Page) int { return a.Code - b.Code })
	slices.SortFunc(s.Classes, func(a, b *Page) int { return a.Class - b.Class })
	slices.SortFunc(s.Plain, func(a, b *Page) int { return strings.Compare(a.URL, b.URL) })
	slices.SortFunc(s.Guides, func(a, b *Page) int { return strings.Compare(a.URL, b.URL) })
	slices.SortFunc(s.Aliases, func(a, b Alias) int { return strings.Compare(a.URL, b.URL) })

	classOf := map[int]*Page{}
	for _, c := range s.Classes {
		classOf[c.Class] = c
	}
	for i, p := range s.Codes {
		if i > 0 {
			p.Prev = s.Codes[i-1]
		}
		if i+1 < len(s.Codes) {
			p.Next = s.Codes[i+1]
		}
		c := classOf[p.Class]
		if c == nil {
			errs = append(errs, Errorf(p.File, 0, "class %dxx has no _index.md", p.Class))
			continue
		}
		p.ClassPage = c
		c.Codes = append(c.Codes, p)
		for _, r := range p.RelatedCodes {
			rp := s.byCode[r]
			if rp == nil {
				errs = append(errs, Errorf(p.File, 1, "related code %d has no page", r))
				continue
			}
			p.Related = append(p.Related, rp)
		}
	}
	// Every edition links its guides; the default's reports the problems,
	// which the others would repeat.
	if err := s.checkGuides(); err != nil && lang == DefaultLang {
		errs = append(errs, err)
	}
	if err := s.CheckLinks(pages); err != nil {
		errs = append(errs, err)
	}
	slices.SortStableFunc(errs, func(a, b error) int { return strings.Compare(a.Error(), b.Error()) })
	return s, errors.Join(errs...)
}

// CheckLinks reports each site-absolute link in the Markdown of pages that
// names no page, alias or file, with file and line. A build that renders
// bodies after Link calls it again for them.
func (s *Site) CheckLinks(pages []*Page) error {
	var errs []error
	for _, p := range pages {
		for _, l := range p.Links {
			if !s.exists(l.Target) {
				target := l.Target
				if l.Written != "" {
					target = l.Written
				}
				errs = append(errs, Errorf(p.File, l.Line, "link to %s: no such page", target))
			}
		}
	}
	slices.SortStableFunc(errs, func(a, b error) int { return strings.Compare(a.Error(), b.Error()) })
	return errors.Join(errs...)
}

// exists reports whether a site-absolute link target (fragment ignored)
// names a page, an alias or a file.
func (s *Site) exists(target string) bool {
	u, _, _ := strings.Cut(target, "#")
	u, _, _ = strings.Cut(u, "?")
	if u == "" || u == "/" {
		return true
	}
	// Files are named as on disk: /my%20logo.svg is "my logo.svg".
	if dec, err := url.PathUnescape(u); err == nil {
		u = dec
	}
	if s.files[strings.TrimPrefix(u, "/")] {
		return true
	}
	if !strings.HasSuffix(u, "/") {
		u += "/"
	}
	if s.byURL[u] != nil {
		return true
	}
	return s.aliasURLs[u]
}
