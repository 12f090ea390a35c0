package site

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/statusdocs/statusdocs/internal/testenv"
)

// readIndex returns the docs of a built site's search index.
func readIndex(t testing.TB, out string) ([][]any, int) {
	t.Helper()
	matches, _ := filepath.Glob(filepath.Join(out, "search-index*.js"))
	if len(matches) != 1 {
		t.Fatalf("search index files: %v", matches)
	}
	data, err := os.ReadFile(matches[0])
	if err != nil {
		t.Fatal(err)
	}
	js := strings.TrimSuffix(strings.TrimPrefix(string(data), "window.statusdocsIndex="), ";\n")
	var docs [][]any
	if err := json.Unmarshal([]byte(js), &docs); err != nil {
		t.Fatalf("index is not the expected script: %v", err)
	}
	return docs, len(data)
}

// TestSearchIndex checks the index holds every page with its fields, and
// stays small.
func TestSearchIndex(t *testing.T) {
	t.Parallel()
	cfg := shippedConfig(t)
	mustBuild(t, cfg)
	site := loadAll(t, cfg)
	docs, size := readIndex(t, cfg.Out)
	byPath := map[string][]any{}
	for _, d := range docs {
		if len(d) != 9 {
			t.Fatalf("doc has %d fields, want 9: %v", len(d), d)
		}
		byPath[d[0].(string)] = d
	}
	for _, p := range site.Codes {
		d := byPath[fmt.Sprintf("%d/", p.Code)]
		if d == nil {
			t.Errorf("code %d is not in the index", p.Code)
			continue
		}
		if int(d[1].(float64)) != p.Code || d[2] != p.Title || d[5] != p.Summary || d[8] != p.Status {
			t.Errorf("index entry %v does not match page %d %q", d[:3], p.Code, p.Title)
		}
		for _, f := range p.Former {
			if !strings.Contains(d[3].(string), f) {
				t.Errorf("%d: former name %q not indexed", p.Code, f)
			}
		}
		if len(p.Text) > 0 && d[7] == "" {
			t.Errorf("%d: body not indexed", p.Code)
		}
	}
	for _, c := range site.Classes {
		if byPath[c.ClassName()+"/"] == nil {
			t.Errorf("class %s not in the index", c.ClassName())
		}
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	data, _ := os.ReadFile(filepath.Join(cfg.Out, "search-index.js"))
	zw.Write(data)
	zw.Close()
	t.Logf("search index: %d bytes, %d gzipped, %d docs", size, gz.Len(), len(docs))
	if size > 1<<20 || gz.Len() > 256<<10 {
		t.Errorf("search index is %d bytes (%d gzipped): too big", size, gz.Len())
	}
}

// TestSearchWithoutScript checks the header form leads to the search page,
// which lists every class and code without script.
func TestSearchWithoutScript(t *testing.T) {
	t.Parallel()
	cfg := fixtureConfig(t)
	mustBuild(t, cfg)
	doc := testenv.ParseHTML(t, filepath.Join(cfg.Out, "404", "index.html"))
	forms := testenv.FindAll(doc, func(n *html.Node) bool { return n.Data == "form" && testenv.HasClass(n, "search") })
	if len(forms) != 1 || testenv.Attr(forms[0], "action") != "../search/" || testenv.Attr(forms[0], "method") != "get" {
		t.Fatalf("search form = %v", forms)
	}
	if in := testenv.FindAll(forms[0], func(n *html.Node) bool { return n.Data == "input" && testenv.Attr(n, "name") == "q" }); len(in) != 1 {
		t.Error("search form has no q input")
	}
	page := testenv.ParseHTML(t, filepath.Join(cfg.Out, "search", "index.html"))
	var hrefs []string
	for _, a := range testenv.FindAll(page, func(n *html.Node) bool { return n.Data == "a" }) {
		hrefs = append(hrefs, testenv.Attr(a, "href"))
	}
	for _, want := range []string{"../2xx/", "../4xx/", "../404/", "../418/"} {
		if !slices.Contains(hrefs, want) {
			t.Errorf("search page lacks a link to %s", want)
		}
	}
}
