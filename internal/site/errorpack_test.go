package site

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/statusdocs/statusdocs/internal/testenv"
)

// TestErrorPack checks the error pack of the shipped site, with and
// without -base-url: for every 4xx and 5xx code (and the class
// fallbacks) an HTML page under 4 KB that requests nothing, links to the
// reference page from any URL, says what a visitor can do in the page's
// own words and carries empty slots; a JSON document; three lines of text.
func TestErrorPack(t *testing.T) {
	t.Parallel()
	for _, base := range []string{"", "https://example.org/docs/"} {
		cfg := shippedConfig(t)
		cfg.BaseURL = base
		mustBuild(t, cfg)
		site := loadAll(t, cfg)
		type entry struct {
			name, title, summary, advice, url string
			code                              *int
		}
		var entries []entry
		for _, p := range site.Codes {
			_, err := os.Stat(filepath.Join(cfg.Out, "errors", fmt.Sprintf("%d.html", p.Code)))
			if p.Class < 4 {
				if err == nil {
					t.Errorf("error page for %d written", p.Code)
				}
				continue
			}
			if p.Advice == "" {
				t.Errorf("%d: no visitor advice (How to fix, If you are a visitor…)", p.Code)
			}
			c := p.Code
			entries = append(entries, entry{fmt.Sprint(p.Code), p.Title, p.Summary, p.Advice, p.URL, &c})
		}
		for _, cl := range site.Classes[3:] {
			entries = append(entries, entry{cl.ClassName(), cl.Title, cl.Summary, "", cl.URL, nil})
		}
		if len(entries) < 50 {
			t.Fatalf("%d entries", len(entries))
		}
		for _, e := range entries {
			ref := e.url
			if base != "" {
				ref = base + strings.TrimPrefix(e.url, "/")
			}
			name := filepath.Join(cfg.Out, "errors", e.name+".html")
			fi, err := os.Stat(name)
			if err != nil {
				t.Error(err)
				continue
			}
			if fi.Size() >= 4096 {
				t.Errorf("%s is %d bytes, want under 4 KB", name, fi.Size())
			}
			doc := testenv.ParseHTML(t, name)
			for _, el := range testenv.FindAll(doc, func(n *html.Node) bool {
				return testenv.Attr(n, "src") != "" || n.Data == "link" || n.Data == "script" || testenv.Attr(n, "style") != ""
			}) {
				t.Errorf("%s: <%s> makes a request or needs more than inline <style>", name, el.Data)
			}
			if links := testenv.FindAll(doc, func(n *html.Node) bool { return n.Data == "a" && testenv.Attr(n, "href") == ref }); len(links) != 1 {
				t.Errorf("%s: no link to %s", name, ref)
			}
			text := testenv.TextOf(doc)
			for _, want := range []string{e.title, e.summary, e.advice} {
				if !strings.Contains(text, want) {
					t.Errorf("%s lacks %q", name, want)
				}
			}
			raw, _ := os.ReadFile(name)
			for _, slot := range []string{SlotRequestID, SlotHost, SlotTime} {
				if !strings.Contains(string(raw), `<span class="v">`+slot+`</span>`) {
					t.Errorf("%s: no empty slot %s", name, slot)
				}
			}
			if m := regexp.MustCompile(`&amp;[a-z]+;`).FindString(string(raw)); m != "" {
				t.Errorf("%s shows an entity as text: %s", name, m)
			}
			if !strings.Contains(string(raw), `<meta name="robots" content="noindex">`) {
				t.Errorf("%s is not noindex", name)
			}

			var j ErrorJSON
			data, err := os.ReadFile(filepath.Join(cfg.Out, "errors", e.name+".json"))
			if err != nil || json.Unmarshal(data, &j) != nil {
				t.Errorf("%s.json: %v", e.name, err)
				continue
			}
			if (e.code == nil) != (j.Code == nil) || e.code != nil && *j.Code != *e.code || j.Reason != e.title ||
				j.Summary != e.summary || j.Reference != ref || j.RequestID != nil {
				t.Errorf("%s.json = %s", e.name, data)
			}
			txt, _ := os.ReadFile(filepath.Join(cfg.Out, "errors", e.name+".txt"))
			if want := e.name + " " + e.title + "\n" + e.summary + "\n" + ref + "\n"; string(txt) != want {
				t.Errorf("%s.txt = %q, want %q", e.name, txt, want)
			}
		}
	}
}
