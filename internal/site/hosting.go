package site

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"strconv"
	"strings"

	"github.com/statusdocs/statusdocs/internal/content"
)

// writeSitemap writes sitemap.xml. Sitemaps need absolute URLs, so it is
// written only when -base-url is given.
func (w *Writer) writeSitemap() error {
	if w.lk.BaseURL() == "" {
		return nil
	}
	// With more than one edition, each entry lists every language's page
	// (xhtml:link alternates, x-default the default language's), as
	// search engines ask of multilingual sites.
	type link struct {
		Rel      string `xml:"rel,attr"`
		Hreflang string `xml:"hreflang,attr"`
		Href     string `xml:"href,attr"`
	}
	type entry struct {
		Loc   string `xml:"loc"`
		Links []link `xml:"xhtml:link"`
	}
	var set struct {
		XMLName xml.Name `xml:"urlset"`
		NS      string   `xml:"xmlns,attr"`
		XHTML   string   `xml:"xmlns:xhtml,attr,omitempty"`
		URLs    []entry  `xml:"url"`
	}
	set.NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
	eds := w.site.Editions
	if len(eds) > 1 {
		set.XHTML = "http://www.w3.org/1999/xhtml"
	}
	for _, p := range w.site.AllPages() {
		e := entry{Loc: w.lk.Abs(p.URL)}
		if len(eds) > 1 {
			for _, s := range eds {
				if q := p.In(s); q != nil {
					e.Links = append(e.Links, link{"alternate", w.lay.Catalog(s.Lang).Tag(), w.lk.Abs(q.URL)})
				}
			}
			if q := p.In(eds[0]); q != nil {
				e.Links = append(e.Links, link{"alternate", "x-default", w.lk.Abs(q.URL)})
			}
		}
		set.URLs = append(set.URLs, e)
	}
	data, err := xml.MarshalIndent(set, "", "  ")
	if err != nil {
		return err
	}
	return w.writeFile("sitemap.xml", append([]byte(xml.Header), append(data, '\n')...))
}

// writeRobots writes robots.txt, pointing at the sitemap when there is one.
func (w *Writer) writeRobots() error {
	var b strings.Builder
	b.WriteString("User-agent: *\nAllow: /\n")
	if w.lk.BaseURL() != "" {
		fmt.Fprintf(&b, "\nSitemap: %s\n", w.lk.Abs("/sitemap.xml"))
	}
	return w.writeFile("robots.txt", []byte(b.String()))
}

// APICode is one status code as the JSON API gives it. Its fields are
// documented in README.md; keep the two in step.
type APICode struct {
	Code      int               `json:"code"`
	Reason    string            `json:"reason"`
	Class     string            `json:"class"`
	Status    string            `json:"status"`
	Summary   string            `json:"summary"`
	Former    []string          `json:"former,omitempty"`
	Spec      []content.Spec    `json:"spec"`
	Path      string            `json:"path"`
	URL       string            `json:"url,omitempty"`
	Related   []int             `json:"related,omitempty"`
	Headers   []string          `json:"headers,omitempty"`
	Constants map[string]string `json:"constants,omitempty"`
	// ConstantVersions notes, per language, a constant that only newer
	// versions have and the name older ones use.
	ConstantVersions map[string]ConstantVersion `json:"constant_versions,omitempty"`
	// Senders are the parties that typically produce the code.
	Senders []content.Sender `json:"senders,omitempty"`
	// Translations give the code's page in each other language: its
	// title and summary there, and its path.
	Translations map[string]APIText `json:"translations,omitempty"`
}

// APIText is a code's page in one language.
type APIText struct {
	Title   string `json:"title"`
	Summary string `json:"summary"`
	Path    string `json:"path"`
	URL     string `json:"url,omitempty"`
	// Translated is false for a page not translated yet (its text is the
	// default language's); Stale for a translation made from an older
	// text of the page.
	Translated bool `json:"translated"`
	Stale      bool `json:"stale,omitempty"`
}

// ConstantVersion is the version note of one constant.
type ConstantVersion struct {
	Since   string `json:"since,omitempty"`
	Earlier string `json:"earlier,omitempty"`
	Removed string `json:"removed,omitempty"`
}

// apiCode describes a code page for the API. The list leaves out the
// fields that only the per-code file needs.
func (w *Writer) apiCode(p *content.Page, full bool) APICode {
	c := APICode{
		Code: p.Code, Reason: p.Title, Class: p.ClassName(), Status: p.Status, Summary: p.Summary,
		Former: p.Former, Spec: p.Spec, Path: strings.TrimPrefix(p.URL, "/"), URL: w.lk.Abs(p.URL),
	}
	if c.Spec == nil {
		c.Spec = []content.Spec{}
	}
	for _, s := range w.site.Editions[1:] {
		if q := p.In(s); q != nil {
			if c.Translations == nil {
				c.Translations = map[string]APIText{}
			}
			c.Translations[s.Lang] = APIText{Title: q.Title, Summary: q.Summary, Path: strings.TrimPrefix(q.URL, "/"),
				URL: w.lk.Abs(q.URL), Translated: !q.Untranslated, Stale: q.Stale}
		}
	}
	if full {
		for _, r := range p.Related {
			c.Related = append(c.Related, r.Code)
		}
		c.Headers = p.Headers
		c.Senders = p.Senders
		if len(p.Constants) > 0 {
			c.Constants = map[string]string{}
			for _, k := range p.Constants {
				c.Constants[k.Lang] = k.Ident
				if k.Since != "" || k.Removed != "" {
					if c.ConstantVersions == nil {
						c.ConstantVersions = map[string]ConstantVersion{}
					}
					c.ConstantVersions[k.Lang] = ConstantVersion{Since: k.Since, Earlier: k.Earlier, Removed: k.Removed}
				}
			}
		}
	}
	return c
}

// writeAPIList writes api/codes.json, every code; writeAPICode writes
// api/<code>.json. Both come from the same content as the pages.
func (w *Writer) writeAPIList() error {
	list := struct {
		Codes []APICode `json:"codes"`
	}{Codes: []APICode{}}
	for _, p := range w.site.Codes {
		list.Codes = append(list.Codes, w.apiCode(p, false))
	}
	return w.writeJSON("api/codes.json", list)
}

func (w *Writer) writeAPICode(p *content.Page) error {
	return w.writeJSON("api/"+strconv.Itoa(p.Code)+".json", w.apiCode(p, true))
}

func (w *Writer) writeJSON(name string, v any) error {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return w.writeFile(name, append(data, '\n'))
}
