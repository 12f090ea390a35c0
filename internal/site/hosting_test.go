package site

import (
	"archive/zip"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"golang.org/x/net/html"

	"github.com/statusdocs/statusdocs/internal/testenv"
)

// TestSitemapAndRobots checks sitemap.xml lists every page under the base
// URL, and robots.txt points at it.
func TestSitemapAndRobots(t *testing.T) {
	t.Parallel()
	cfg := fixtureConfig(t)
	cfg.BaseURL = "https://example.org/docs/"
	mustBuild(t, cfg)
	data, err := os.ReadFile(filepath.Join(cfg.Out, "sitemap.xml"))
	if err != nil {
		t.Fatal(err)
	}
	var set struct {
		URLs []struct {
			Loc   string `xml:"loc"`
			Links []struct {
				Rel      string `xml:"rel,attr"`
				Hreflang string `xml:"hreflang,attr"`
				Href     string `xml:"href,attr"`
			} `xml:"http://www.w3.org/1999/xhtml link"`
		} `xml:"url"`
	}
	if err := xml.Unmarshal(data, &set); err != nil {
		t.Fatal(err)
	}
	var got []string
	var en []string
	for _, u := range set.URLs {
		got = append(got, u.Loc)
		// Every entry lists the page in both languages, and x-default.
		var alts []string
		for _, l := range u.Links {
			alts = append(alts, l.Hreflang+" "+l.Href)
		}
		path := strings.TrimPrefix(strings.TrimPrefix(u.Loc, "https://example.org/docs/"), "zh-cn/")
		wantAlts := []string{"en https://example.org/docs/" + path, "zh-CN https://example.org/docs/zh-cn/" + path, "x-default https://example.org/docs/" + path}
		if !slices.Equal(alts, wantAlts) {
			t.Errorf("sitemap entry %s: alternates %v, want %v", u.Loc, alts, wantAlts)
		}
		if !strings.Contains(u.Loc, "/zh-cn/") {
			en = append(en, u.Loc)
		}
	}
	want := []string{"https://example.org/docs/", "https://example.org/docs/2xx/", "https://example.org/docs/4xx/",
		"https://example.org/docs/200/", "https://example.org/docs/404/", "https://example.org/docs/418/", "https://example.org/docs/451/", "https://example.org/docs/about/",
		"https://example.org/docs/guides/", "https://example.org/docs/guides/missing/", "https://example.org/docs/guides/which/"}
	if !slices.Equal(en, want) || len(got) != 2*len(want) {
		t.Errorf("sitemap = %v, want %v and their zh-cn pages", got, want)
	}
	robots, _ := os.ReadFile(filepath.Join(cfg.Out, "robots.txt"))
	if !strings.Contains(string(robots), "Sitemap: https://example.org/docs/sitemap.xml\n") {
		t.Errorf("robots.txt = %q", robots)
	}
	osd, err := os.ReadFile(filepath.Join(cfg.Out, "opensearch.xml"))
	if err != nil || !strings.Contains(string(osd), `template="https://example.org/docs/search/?q={searchTerms}"`) {
		t.Errorf("opensearch.xml = %q, %v", osd, err)
	}
	doc := testenv.ParseHTML(t, filepath.Join(cfg.Out, "404", "index.html"))
	if l := testenv.FindAll(doc, func(n *html.Node) bool { return n.Data == "link" && testenv.Attr(n, "rel") == "search" }); len(l) != 1 || testenv.Attr(l[0], "href") != "https://example.org/docs/opensearch.xml" {
		t.Errorf("no OpenSearch link on pages: %v", l)
	}
	// Without a base URL there is no sitemap (it needs absolute URLs).
	plain := fixtureConfig(t)
	mustBuild(t, plain)
	if _, err := os.Stat(filepath.Join(plain.Out, "sitemap.xml")); err == nil {
		t.Error("sitemap.xml written without -base-url")
	}
}

// TestOpenGraph checks meta tags under a sub-path.
func TestOpenGraph(t *testing.T) {
	t.Parallel()
	cfg := fixtureConfig(t)
	cfg.BaseURL = "https://example.org/docs/"
	mustBuild(t, cfg)
	doc := testenv.ParseHTML(t, filepath.Join(cfg.Out, "404", "index.html"))
	meta := map[string]string{}
	for _, m := range testenv.FindAll(doc, func(n *html.Node) bool { return n.Data == "meta" }) {
		meta[testenv.Attr(m, "property")+testenv.Attr(m, "name")] = testenv.Attr(m, "content")
	}
	for k, v := range map[string]string{
		"og:url": "https://example.org/docs/404/", "og:description": "Nothing is here.",
		"description": "Nothing is here.", "og:type": "article",
	} {
		if meta[k] != v {
			t.Errorf("meta %s = %q, want %q", k, meta[k], v)
		}
	}
}

// TestAliases checks each alias is a redirect page with a canonical link.
func TestAliases(t *testing.T) {
	t.Parallel()
	cfg := fixtureConfig(t)
	cfg.BaseURL = "https://example.org/docs/"
	mustBuild(t, cfg)
	doc := testenv.ParseHTML(t, filepath.Join(cfg.Out, "not-found", "index.html"))
	can := testenv.FindAll(doc, func(n *html.Node) bool { return n.Data == "link" && testenv.Attr(n, "rel") == "canonical" })
	if len(can) != 1 || testenv.Attr(can[0], "href") != "https://example.org/docs/404/" {
		t.Errorf("alias canonical = %v", can)
	}
	ref := testenv.FindAll(doc, func(n *html.Node) bool { return n.Data == "meta" && testenv.Attr(n, "http-equiv") == "refresh" })
	if len(ref) != 1 || testenv.Attr(ref[0], "content") != "0; url=../404/" {
		t.Errorf("alias refresh = %v", ref)
	}
}

// TestHashedAssets checks CSS is written under a content-hashed name, the
// pages refer to that name, and the name changes with the content.
func TestHashedAssets(t *testing.T) {
	t.Parallel()
	names := func(cfg *Config) (css string) {
		mustBuild(t, cfg)
		doc := testenv.ParseHTML(t, filepath.Join(cfg.Out, "404", "index.html"))
		for _, l := range testenv.FindAll(doc, func(n *html.Node) bool { return n.Data == "link" && testenv.Attr(n, "rel") == "stylesheet" }) {
			href := testenv.Attr(l, "href")
			if strings.Contains(href, "style.") {
				css = href
			}
			if !regexp.MustCompile(`^\.\./(style|chroma)\.[0-9a-f]{8}\.css$`).MatchString(href) {
				t.Errorf("stylesheet %q has no content hash", href)
			}
			if _, err := os.Stat(filepath.Join(cfg.Out, "404", filepath.FromSlash(href))); err != nil {
				t.Errorf("stylesheet %q: %v", href, err)
			}
		}
		return css
	}
	a := fixtureConfig(t)
	a.HashAssets = true
	b := fixtureConfig(t)
	b.HashAssets = true
	b.Static.FS.(fstest.MapFS)["style.css"] = &fstest.MapFile{Data: []byte("body { color: red }\n")}
	if ca, cb := names(a), names(b); ca == cb || ca == "" {
		t.Errorf("changed CSS kept its name %q", ca)
	}
}

// TestAPI decodes the JSON API and compares it with the content.
func TestAPI(t *testing.T) {
	t.Parallel()
	cfg := shippedConfig(t)
	cfg.BaseURL = "https://example.org/docs/"
	mustBuild(t, cfg)
	site := loadAll(t, cfg)
	data, err := os.ReadFile(filepath.Join(cfg.Out, "api", "codes.json"))
	if err != nil {
		t.Fatal(err)
	}
	var list struct{ Codes []APICode }
	if err := json.Unmarshal(data, &list); err != nil {
		t.Fatal(err)
	}
	if len(list.Codes) != len(site.Codes) {
		t.Fatalf("codes.json has %d codes, content %d", len(list.Codes), len(site.Codes))
	}
	for i, c := range list.Codes {
		p := site.Codes[i]
		if c.Code != p.Code || c.Reason != p.Title || c.Summary != p.Summary || c.Status != p.Status || c.Class != p.ClassName() {
			t.Errorf("codes.json[%d] = %+v, content %d %q", i, c, p.Code, p.Title)
		}
		if c.URL != fmt.Sprintf("https://example.org/docs/%d/", p.Code) || c.Path != fmt.Sprintf("%d/", p.Code) {
			t.Errorf("code %d: url %q path %q", p.Code, c.URL, c.Path)
		}
		var one APICode
		b, err := os.ReadFile(filepath.Join(cfg.Out, "api", fmt.Sprintf("%d.json", p.Code)))
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, &one); err != nil {
			t.Fatal(err)
		}
		if one.Code != p.Code || !slices.Equal(one.Former, p.Former) || len(one.Spec) != len(p.Spec) || len(one.Constants) != len(p.Constants) || len(one.Related) != len(p.Related) {
			t.Errorf("api/%d.json = %+v, does not match the content", p.Code, one)
		}
	}
}

// TestZip checks -zip packs the output under a top folder.
func TestZip(t *testing.T) {
	t.Parallel()
	cfg := fixtureConfig(t)
	cfg.Zip = filepath.Join(t.TempDir(), "docs.zip")
	mustBuild(t, cfg)
	zr, err := zip.OpenReader(cfg.Zip)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
	}
	for _, want := range []string{"docs/index.html", "docs/404/index.html", "docs/api/codes.json"} {
		if !slices.Contains(names, want) {
			t.Errorf("zip lacks %s (has %v)", want, names)
		}
	}
}

// TestBaseURL checks canonical links under a sub-path.
func TestBaseURL(t *testing.T) {
	t.Parallel()
	cfg := fixtureConfig(t)
	cfg.BaseURL = "https://example.org/docs/"
	mustBuild(t, cfg)
	doc := testenv.ParseHTML(t, filepath.Join(cfg.Out, "404", "index.html"))
	can := testenv.FindAll(doc, func(n *html.Node) bool { return n.Data == "link" && testenv.Attr(n, "rel") == "canonical" })
	if len(can) != 1 || testenv.Attr(can[0], "href") != "https://example.org/docs/404/" {
		t.Errorf("canonical = %v", can)
	}
	nf := testenv.ParseHTML(t, filepath.Join(cfg.Out, "404.html"))
	for _, l := range testenv.FindAll(nf, func(n *html.Node) bool { return n.Data == "link" && testenv.Attr(n, "rel") == "stylesheet" }) {
		if !strings.HasPrefix(testenv.Attr(l, "href"), "https://example.org/docs/") {
			t.Errorf("404.html stylesheet %q is not absolute", testenv.Attr(l, "href"))
		}
	}
}
