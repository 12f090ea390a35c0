package site

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
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
	type entry struct {
		Loc string `xml:"loc"`
	}
	var set struct {
		XMLName xml.Name `xml:"urlset"`
		NS      string   `xml:"xmlns,attr"`
		URLs    []entry  `xml:"url"`
	}
	set.NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
	for _, p := range w.site.Pages() {
		set.URLs = append(set.URLs, entry{Loc: w.lk.Abs(p.URL)})
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
	if full {
		for _, r := range p.Related {
			c.Related = append(c.Related, r.Code)
		}
		c.Headers = p.Headers
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

// ErrorPage is what layouts/errorpage.html receives.
type ErrorPage struct {
	Page   *content.Page
	Site   string // the site's name
	Advice string // what a visitor can do
	Ref    string // link to the reference page
}

// visitorAdvice is what a visitor can do about an error, in plain words.
// Codes not listed get their class's advice.
var visitorAdvice = map[int]string{
	4:   "Check the address for typing mistakes, or go back and try another link. If a link on another site brought you here, that link may be out of date.",
	5:   "This is a problem on the server, not with anything you did. Wait a minute and try again; if it keeps happening, let the site's owners know.",
	400: "The request could not be understood. Reload the page; if that does not help, clear this site's cookies and try again.",
	401: "You need to sign in to see this page. Sign in and try again.",
	402: "This content needs payment or a subscription before it can be shown.",
	403: "You do not have permission to see this page. If you think you should, sign in with another account or ask the site's owners for access.",
	404: "There is nothing at this address. Check it for typing mistakes, or start again from the site's home page.",
	405: "This page cannot be used that way. Go back and try again from a link on the site.",
	407: "The proxy between you and the site needs you to sign in. Check your network's proxy settings.",
	408: "The server waited too long for your request. Reload the page to try again.",
	410: "This page was removed on purpose and will not come back.",
	413: "What you sent is larger than this site accepts. Try a smaller file or less data.",
	414: "The address is too long. Go back and try again from a link on the site.",
	429: "Too many requests came from you in a short time. Wait a minute, then try again.",
	431: "Your browser sent more header data than the server accepts. Clearing this site's cookies usually fixes it.",
	451: "This content is not available where you are, for legal reasons.",
	500: "Something went wrong on the server. Try again in a moment; if it keeps happening, let the site's owners know.",
	502: "A server behind this site gave a bad answer. Wait a moment and reload the page.",
	503: "The site is down for maintenance or too busy right now. Wait a few minutes and try again.",
	504: "A server behind this site took too long to answer. Wait a moment and reload the page.",
}

// writeErrorPage writes errors/<code>.html for a 4xx or 5xx code: a
// standalone page a web server can serve for its own errors, with its CSS
// inline and no other request.
func (w *Writer) writeErrorPage(p *content.Page) error {
	advice := visitorAdvice[p.Code]
	if advice == "" {
		advice = visitorAdvice[p.Class]
	}
	ref := w.lk.Abs(p.URL)
	if ref == "" {
		ref = w.lk.Rel("/errors/", p.URL)
	}
	data := &ErrorPage{Page: p, Site: w.site.Home.Title, Advice: advice, Ref: ref}
	name := "errors/" + strconv.Itoa(p.Code) + ".html"
	return w.create(name, func(out io.Writer) error {
		return w.lay.ExecuteErrorPage(out, name, data)
	})
}
