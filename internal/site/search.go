package site

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"strings"

	"github.com/statusdocs/statusdocs/internal/content"
	"github.com/statusdocs/statusdocs/internal/render"
)

// SearchIndexFile is the search index's name before HashAssets renames it.
const SearchIndexFile = "search-index.js"

// searchDoc is one page in the search index, as a JSON array to keep the
// file small: [path, code, title, former, aliases, summary, headings, body,
// status]. static/search.js reads it in this order.
type searchDoc [9]any

// SearchIndex returns the search index as a script that sets
// window.statusdocsIndex. A script, not JSON, because browsers refuse
// fetch() on file:// pages but run a <script src>, so search works from a
// folder on disk too. Paths are relative to the site root.
func SearchIndex(site *content.Site, lk *render.Linker) ([]byte, error) {
	var docs []searchDoc
	var bodies [][]string
	for _, p := range site.Pages() {
		if p.Kind == content.KindHome {
			continue
		}
		var heads []string
		for _, h := range p.Headings {
			heads = append(heads, h.Text)
		}
		title := p.Title
		if p.Kind == content.KindClass {
			title = p.ClassName() + " " + p.Title
		}
		path := lk.Rel("/", p.URL)
		aliases := aliasWords(p.Aliases)
		if p.Source != nil && p.Source.Title != p.Title {
			// From a translation, the reason phrase people see on the
			// wire still finds the page ("gateway timeout").
			aliases = append([]string{p.Source.Title}, aliases...)
		}
		docs = append(docs, searchDoc{
			path, p.Code, title, strings.Join(p.Former, " · "), strings.Join(aliases, " · "),
			p.Summary, strings.Join(heads, " · "), "", p.Status,
		})
		words := p.Text
		if !p.TextIsWords {
			words = render.SearchWords(words)
		}
		bodies = append(bodies, strings.Fields(words))
	}
	common := commonWords(bodies)
	for i, words := range bodies {
		kept := words[:0]
		for _, w := range words {
			if !common[w] {
				kept = append(kept, w)
			}
		}
		docs[i][7] = strings.Join(kept, " ")
	}
	var buf bytes.Buffer
	buf.WriteString("window.statusdocsIndex=")
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(true)
	if err := enc.Encode(docs); err != nil {
		return nil, err
	}
	buf.Truncate(buf.Len() - 1) // Encode's newline
	buf.WriteString(";\n")
	return buf.Bytes(), nil
}

// commonWords returns the body words found in more than half of the bodies
// (once there are enough pages to tell). Such a word says nothing about
// which page is wanted, yet a query holding it would score most of the
// site: leaving it out of bodies keeps queries fast on big sites and the
// index small. Titles, summaries and headings keep every word.
func commonWords(bodies [][]string) map[string]bool {
	common := map[string]bool{}
	if len(bodies) < 20 {
		return common
	}
	df := map[string]int{}
	for _, words := range bodies {
		for _, w := range words { // distinct already
			df[w]++
		}
	}
	for w, n := range df {
		if n*2 > len(bodies) {
			common[w] = true
		}
	}
	return common
}

// aliasWords turns alias slugs into words ("not-found" → "not found"), so
// they match what people type.
func aliasWords(aliases []string) []string {
	out := make([]string, len(aliases))
	for i, a := range aliases {
		out[i] = strings.ReplaceAll(a, "-", " ")
	}
	return out
}

// writeSearchPage writes /search/, which reads ?q= so searches can be
// linked and bookmarked. Without script it lists every code by class.
func (w *Writer) writeSearchPage() error {
	c := w.cat()
	p := &content.Page{Kind: content.KindPlain, File: "search page", URL: w.site.Prefix() + "/search/",
		Title: c.Must("search.title"), Summary: c.Must("search.summary"), Lang: w.site.Lang}
	return w.create(OutPath(p.URL), func(out io.Writer) error {
		return w.lay.Execute(out, "search", w.record(w.view(p), p.URL))
	})
}

// writeOpenSearch writes the OpenSearch description that lets browsers use
// the site's search from the address bar. Its URLs must be absolute, so it
// is written only with -base-url.
func (w *Writer) writeOpenSearch() error {
	if w.lk.BaseURL() == "" {
		return nil
	}
	var b bytes.Buffer
	b.WriteString(xml.Header)
	b.WriteString(`<OpenSearchDescription xmlns="http://a9.com/-/spec/opensearch/1.1/">` + "\n")
	fmt.Fprintf(&b, "  <ShortName>%s</ShortName>\n", xmlEscape(truncate(w.site.Home.Title, 16)))
	fmt.Fprintf(&b, "  <Description>%s</Description>\n", xmlEscape(w.site.Home.Summary))
	b.WriteString("  <InputEncoding>UTF-8</InputEncoding>\n")
	fmt.Fprintf(&b, "  <Image type=\"image/svg+xml\">%s</Image>\n", xmlEscape(w.lk.Abs("/favicon.svg")))
	fmt.Fprintf(&b, "  <Url type=\"text/html\" method=\"get\" template=\"%s?q={searchTerms}\"/>\n", xmlEscape(w.lk.Abs("/search/")))
	b.WriteString("</OpenSearchDescription>\n")
	return w.writeFile("opensearch.xml", b.Bytes())
}

func xmlEscape(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s))
	return b.String()
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n])
}
