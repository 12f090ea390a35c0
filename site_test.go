package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"golang.org/x/net/html"
)

var update = flag.Bool("update", false, "update golden files")

// fixtureFS returns a folder as a MapFS that a test may change freely.
func fixtureFS(t testing.TB, root string) fstest.MapFS {
	t.Helper()
	m := fstest.MapFS{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		m[filepath.ToSlash(rel)] = &fstest.MapFile{Data: b}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// fixtureConfig returns a config building the fixture content (with the
// shipped layouts and static files) into a new temporary folder.
func fixtureConfig(t testing.TB) *Config {
	t.Helper()
	return &Config{
		Content: Source{FS: fixtureFS(t, "testdata/site/content"), Name: "content"},
		Layouts: Source{FS: fixtureFS(t, "layouts"), Name: "layouts"},
		Static:  Source{FS: fixtureFS(t, "static"), Name: "static"},
		Out:     filepath.Join(t.TempDir(), "out"),
	}
}

// shippedConfig returns a config building the repository's own site.
func shippedConfig(t testing.TB) *Config {
	t.Helper()
	return &Config{
		Content: Source{FS: os.DirFS("content"), Name: "content", Dir: "content"},
		Layouts: Source{FS: os.DirFS("layouts"), Name: "layouts", Dir: "layouts"},
		Static:  Source{FS: os.DirFS("static"), Name: "static", Dir: "static"},
		Out:     filepath.Join(t.TempDir(), "out"),
	}
}

func mustBuild(t testing.TB, cfg *Config) *Result {
	t.Helper()
	res, err := Build(context.Background(), cfg)
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	return res
}

// readTree returns every file under dir, keyed by slash path.
func readTree(t testing.TB, dir string) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		files[filepath.ToSlash(rel)] = string(b)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// TestGolden builds the fixture site and compares every output file with
// testdata/golden. Run with -update to rewrite the golden files.
func TestGolden(t *testing.T) {
	cfg := fixtureConfig(t)
	mustBuild(t, cfg)
	got := readTree(t, cfg.Out)
	for name := range cfg.Static.FS.(fstest.MapFS) {
		delete(got, name) // copied as they are, not rendered
	}
	golden := filepath.Join("testdata", "golden")
	if *update {
		os.RemoveAll(golden)
		for name, data := range got {
			p := filepath.Join(golden, filepath.FromSlash(name))
			os.MkdirAll(filepath.Dir(p), 0o755)
			if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return
	}
	want := readTree(t, golden)
	for name := range want {
		if _, ok := got[name]; !ok {
			t.Errorf("missing output file %s", name)
		}
	}
	for name, data := range got {
		w, ok := want[name]
		if !ok {
			t.Errorf("unexpected output file %s (run go test -update?)", name)
			continue
		}
		if data != w {
			t.Errorf("%s differs from golden file (run go test -run TestGolden -update and review git diff):\n%s", name, firstDiff(w, data))
		}
	}
}

func firstDiff(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < max(len(wl), len(gl)); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			return fmt.Sprintf("line %d:\n want %q\n  got %q", i+1, w, g)
		}
	}
	return ""
}

// TestDeterministic builds the same input twice and wants identical bytes.
func TestDeterministic(t *testing.T) {
	t.Parallel()
	a, b := fixtureConfig(t), fixtureConfig(t)
	mustBuild(t, a)
	mustBuild(t, b)
	ta, tb := readTree(t, a.Out), readTree(t, b.Out)
	if len(ta) != len(tb) {
		t.Fatalf("builds wrote %d and %d files", len(ta), len(tb))
	}
	for name, data := range ta {
		if tb[name] != data {
			t.Errorf("%s differs between two builds", name)
		}
	}
}

// TestBadInput checks that every kind of broken input gives an error that
// names the file (and line), and that the previous output survives.
func TestBadInput(t *testing.T) {
	t.Parallel()
	good := "---\ntitle: Gone\nsummary: It left.\nstatus: standard\n---\nBody.\n"
	tests := []struct {
		name   string
		file   string // content file to write
		data   string
		layout string // layout file to replace, with data
		want   string // regexp the error must match
	}{
		{"malformed YAML", "4xx/410.md", "---\ntitle: Gone\nsummary: [unclosed\nstatus: standard\n---\n", "", `content/4xx/410\.md:\d+: front matter: `},
		{"missing title", "4xx/410.md", "---\nsummary: It left.\nstatus: standard\n---\n", "", `content/4xx/410\.md:1: missing "title"`},
		{"missing summary", "4xx/410.md", "---\ntitle: Gone\nstatus: standard\n---\n", "", `content/4xx/410\.md:1: missing "summary"`},
		{"unknown key", "4xx/410.md", "---\ntitle: Gone\nsummary: It left.\nstatus: standard\nrelatd: [404]\n---\n", "", `content/4xx/410\.md:5: unknown front matter key "relatd"`},
		{"unknown status", "4xx/410.md", "---\ntitle: Gone\nsummary: It left.\nstatus: official\n---\n", "", `content/4xx/410\.md:1: unknown status "official"`},
		{"no front matter", "4xx/410.md", "# Gone\n", "", `content/4xx/410\.md:1: missing front matter`},
		{"unclosed front matter", "4xx/410.md", "---\ntitle: Gone\nsummary: It left.\n", "", `content/4xx/410\.md:1: front matter is not closed`},
		{"closing line with a trailing space", "4xx/410.md", "---\ntitle: Gone\nsummary: It left.\nstatus: standard\n--- \nBody.\n", "", `content/4xx/410\.md:5: front matter line "--- ": the lines around front matter must be exactly "---"`},
		{"four dashes", "4xx/410.md", "----\ntitle: Gone\nsummary: It left.\nstatus: standard\n----\nBody.\n", "", `content/4xx/410\.md:1: front matter line "----"`},
		{"code above 599", "4xx/600.md", good, "", `content/4xx/600\.md: status code 600 is outside 100–599`},
		{"code below 100", "4xx/099.md", good, "", `content/4xx/099\.md: status code 099 is outside 100–599`},
		{"wrong class folder", "2xx/410.md", good, "", `content/2xx/410\.md: code 410 belongs in 4xx/, not 2xx/`},
		{"code outside class folder", "410.md", good, "", `content/410\.md: code 410 belongs in 4xx/`},
		{"class folder out of range", "6xx/_index.md", "---\ntitle: Six\nsummary: No.\n---\n", "", `content/6xx/_index\.md: class folder "6xx" is not one of 1xx to 5xx`},
		{"page in a non-class folder", "0xx/notes.md", "---\ntitle: Zero\nsummary: No.\n---\n", "", `content/0xx/notes\.md: class folder "0xx" is not one of 1xx to 5xx`},
		{"two pages one URL", "about/_index.md", "---\ntitle: Clash\nsummary: Clash.\n---\n", "", `content/(about\.md|about/_index\.md): URL /about/ is already used by content/`},
		{"alias clashes with page", "4xx/410.md", "---\ntitle: Gone\nsummary: It left.\nstatus: standard\naliases: [about]\n---\n", "", `content/4xx/410\.md: alias "about": URL /about/ is already used by content/about\.md`},
		{"invalid UTF-8", "4xx/410.md", "---\ntitle: Gone\nsummary: It left.\nstatus: standard\n---\nline six\nbad \xff byte\n", "", `content/4xx/410\.md:7: not valid UTF-8`},
		{"missing internal link", "4xx/410.md", "---\ntitle: Gone\nsummary: It left.\nstatus: standard\n---\nSee\n[x](/499/).\n", "", `content/4xx/410\.md:7: link to /499/: no such page`},
		{"missing related code", "4xx/410.md", "---\ntitle: Gone\nsummary: It left.\nstatus: standard\nrelated: [499]\n---\n", "", `content/4xx/410\.md:1: related code 499 has no page`},
		{"bad alias", "4xx/410.md", "---\ntitle: Gone\nsummary: It left.\nstatus: standard\naliases: [Gone Away]\n---\n", "", `content/4xx/410\.md:1: alias "Gone Away"`},
		{"unknown language", "4xx/410.md", "---\ntitle: Gone\nsummary: It left.\nstatus: standard\nconstants:\n  cobol: GONE\n---\n", "", `content/4xx/410\.md:1: unknown language "cobol"`},
		{"template parse error", "", "", "code.html", `layouts/code\.html:\d+: `},
		{"template exec error", "", "", "page.html", `layouts/page\.html:\d+:\d+: executing .*rendering content/about\.md`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg := fixtureConfig(t)
			mustBuild(t, cfg)
			before := readTree(t, cfg.Out)
			if tt.file != "" {
				cfg.Content.FS.(fstest.MapFS)[tt.file] = &fstest.MapFile{Data: []byte(tt.data)}
			}
			switch tt.layout {
			case "code.html":
				cfg.Layouts.FS.(fstest.MapFS)[tt.layout] = &fstest.MapFile{Data: []byte("{{define \"main\"}}\n{{if}}\n{{end}}")}
			case "page.html":
				cfg.Layouts.FS.(fstest.MapFS)[tt.layout] = &fstest.MapFile{Data: []byte("{{define \"main\"}}\n{{.Page.NoSuchField}}\n{{end}}")}
			}
			_, err := Build(context.Background(), cfg)
			if err == nil {
				t.Fatalf("Build succeeded, want error matching %s", tt.want)
			}
			if !regexp.MustCompile(tt.want).MatchString(err.Error()) {
				t.Errorf("Build error = %q, want match for %s", err, tt.want)
			}
			after := readTree(t, cfg.Out)
			if len(after) != len(before) {
				t.Fatalf("failed build changed the output: %d files before, %d after", len(before), len(after))
			}
			for name, data := range before {
				if after[name] != data {
					t.Errorf("failed build changed %s", name)
				}
			}
			entries, _ := os.ReadDir(filepath.Dir(cfg.Out))
			if len(entries) != 1 {
				t.Errorf("failed build left files beside the output: %v", entries)
			}
		})
	}
}

// TestRawHTMLNotPassed checks content cannot inject markup.
func TestRawHTMLNotPassed(t *testing.T) {
	t.Parallel()
	cfg := fixtureConfig(t)
	mustBuild(t, cfg)
	b, err := os.ReadFile(filepath.Join(cfg.Out, "404", "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(b, []byte("<script>alert(1)")) {
		t.Error("raw <script> from Markdown reached the page")
	}
}

// TestRefusedOut checks output folders that must never be replaced are
// refused before anything is written or deleted.
func TestRefusedOut(t *testing.T) {
	t.Parallel()
	wd, _ := os.Getwd()
	home, _ := os.UserHomeDir()
	foreign := t.TempDir()
	os.WriteFile(filepath.Join(foreign, "precious.txt"), []byte("keep me"), 0o644)
	tests := []struct{ name, out, want string }{
		{"root", "/", "file system root"},
		{"repository root", wd, "current folder"},
		{"parent of repository", filepath.Dir(wd), "current folder"},
		{"home", home, "home folder"},
		{"content itself", "content", "overlaps the source folder content"},
		{"inside content", "content/out", "overlaps the source folder content"},
		{"inside layouts", "layouts/x", "overlaps the source folder layouts"},
		{"static", "static", "overlaps the source folder static"},
		{"not ours", foreign, "not written by statusdocs"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := shippedConfig(t)
			cfg.Out = tt.out
			_, err := Build(context.Background(), cfg)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Build(-out %s) error = %v, want %q", tt.out, err, tt.want)
			}
		})
	}
	if b, err := os.ReadFile(filepath.Join(foreign, "precious.txt")); err != nil || string(b) != "keep me" {
		t.Errorf("foreign folder was touched: %q, %v", b, err)
	}
	for _, dir := range []string{"content/out", "layouts/x"} {
		if _, err := os.Stat(dir); err == nil {
			t.Errorf("%s was created", dir)
		}
	}
}

// parseHTML parses an output file.
func parseHTML(t testing.TB, path string) *html.Node {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := html.Parse(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return doc
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func hasClass(n *html.Node, class string) bool {
	return slices.Contains(strings.Fields(attr(n, "class")), class)
}

// findAll returns every element below n for which match is true.
func findAll(n *html.Node, match func(*html.Node) bool) []*html.Node {
	var out []*html.Node
	for c := range n.Descendants() {
		if c.Type == html.ElementNode && match(c) {
			out = append(out, c)
		}
	}
	return out
}

func textOf(n *html.Node) string {
	var b strings.Builder
	for c := range n.Descendants() {
		if c.Type == html.TextNode {
			b.WriteString(c.Data)
		}
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

// TestShippedSite builds the repository's site and checks that every
// content file has its page, each class page lists exactly its own codes,
// and every page has one h1, a lang, a title and a description.
func TestShippedSite(t *testing.T) {
	t.Parallel()
	cfg := shippedConfig(t)
	mustBuild(t, cfg)
	names, err := listContent(cfg.Content.FS)
	if err != nil {
		t.Fatal(err)
	}
	codesByClass := map[int][]int{}
	for _, name := range names {
		p, err := classify(name, name)
		if err != nil {
			t.Fatal(err)
		}
		out := filepath.Join(cfg.Out, filepath.FromSlash(outPath(p.URL)))
		if _, err := os.Stat(out); err != nil {
			t.Errorf("%s: no page: %v", name, err)
			continue
		}
		if p.Kind == KindCode {
			codesByClass[p.Class] = append(codesByClass[p.Class], p.Code)
		}
		doc := parseHTML(t, out)
		if h1 := findAll(doc, func(n *html.Node) bool { return n.Data == "h1" }); len(h1) != 1 {
			t.Errorf("%s: %d h1 elements, want 1", out, len(h1))
		}
		if htmlEl := findAll(doc, func(n *html.Node) bool { return n.Data == "html" }); attr(htmlEl[0], "lang") == "" {
			t.Errorf("%s: no lang", out)
		}
		if d := findAll(doc, func(n *html.Node) bool { return n.Data == "meta" && attr(n, "name") == "description" }); len(d) != 1 || attr(d[0], "content") == "" {
			t.Errorf("%s: no description", out)
		}
		if m := findAll(doc, func(n *html.Node) bool { return n.Data == "main" }); len(m) != 1 {
			t.Errorf("%s: %d main landmarks", out, len(m))
		}
		ids := map[string]bool{}
		for _, n := range findAll(doc, func(n *html.Node) bool { return attr(n, "id") != "" }) {
			if ids[attr(n, "id")] {
				t.Errorf("%s: duplicate id %q", out, attr(n, "id"))
			}
			ids[attr(n, "id")] = true
		}
	}
	for class := 1; class <= 5; class++ {
		want := codesByClass[class]
		if len(want) == 0 {
			continue
		}
		slices.Sort(want)
		doc := parseHTML(t, filepath.Join(cfg.Out, fmt.Sprintf("%dxx", class), "index.html"))
		var got []int
		for _, td := range findAll(doc, func(n *html.Node) bool { return n.Data == "td" && hasClass(n, "code") }) {
			n, err := strconv.Atoi(textOf(td))
			if err != nil {
				t.Errorf("%dxx: code cell %q", class, textOf(td))
			}
			got = append(got, n)
		}
		if !slices.Equal(got, want) {
			t.Errorf("%dxx lists %v, want %v", class, got, want)
		}
	}
}

// TestCodePage checks what a code page shows, on the fixture.
func TestCodePage(t *testing.T) {
	t.Parallel()
	cfg := fixtureConfig(t)
	mustBuild(t, cfg)
	doc := parseHTML(t, filepath.Join(cfg.Out, "404", "index.html"))
	crumbs := findAll(doc, func(n *html.Node) bool { return n.Data == "nav" && hasClass(n, "breadcrumbs") })
	if len(crumbs) != 1 || textOf(crumbs[0]) != "Home 4xx 404 Not Found" {
		t.Errorf("breadcrumbs = %q", textOf(crumbs[0]))
	}
	links := map[string]string{}
	for _, a := range findAll(doc, func(n *html.Node) bool { return n.Data == "a" }) {
		links[textOf(a)] = attr(a, "href")
	}
	for text, href := range map[string]string{
		"← 200 OK": "../200/", "418 I'm a teapot →": "../418/", "4xx": "../4xx/", "Home": "../",
		"What it means": "#what-it-means",
	} {
		if links[text] != href {
			t.Errorf("link %q = %q, want %q", text, links[text], href)
		}
	}
	for _, a := range findAll(doc, func(n *html.Node) bool { return n.Data == "a" || n.Data == "link" }) {
		if h := attr(a, "href"); strings.HasPrefix(h, "/") && !strings.HasPrefix(h, "//") {
			t.Errorf("site-absolute link %q in output", h)
		}
	}
	teapot := parseHTML(t, filepath.Join(cfg.Out, "418", "index.html"))
	if b := findAll(teapot, func(n *html.Node) bool { return hasClass(n, "badge-reserved") }); len(b) != 1 {
		t.Errorf("418 has %d reserved badges, want 1", len(b))
	}
	alias, _ := os.ReadFile(filepath.Join(cfg.Out, "not-found", "index.html"))
	if !bytes.Contains(alias, []byte(`url=../404/`)) {
		t.Errorf("alias page does not redirect to ../404/:\n%s", alias)
	}
}

// TestBaseURL checks canonical links under a sub-path.
func TestBaseURL(t *testing.T) {
	t.Parallel()
	cfg := fixtureConfig(t)
	cfg.BaseURL = "https://example.org/docs/"
	mustBuild(t, cfg)
	doc := parseHTML(t, filepath.Join(cfg.Out, "404", "index.html"))
	can := findAll(doc, func(n *html.Node) bool { return n.Data == "link" && attr(n, "rel") == "canonical" })
	if len(can) != 1 || attr(can[0], "href") != "https://example.org/docs/404/" {
		t.Errorf("canonical = %v", can)
	}
	nf := parseHTML(t, filepath.Join(cfg.Out, "404.html"))
	for _, l := range findAll(nf, func(n *html.Node) bool { return n.Data == "link" && attr(n, "rel") == "stylesheet" }) {
		if !strings.HasPrefix(attr(l, "href"), "https://example.org/docs/") {
			t.Errorf("404.html stylesheet %q is not absolute", attr(l, "href"))
		}
	}
}

// TestRel checks relative links between site-absolute URLs.
func TestRel(t *testing.T) {
	tests := []struct {
		from, to string
		offline  bool
		want     string
	}{
		{"/", "/", false, "./"},
		{"/", "/404/", false, "404/"},
		{"/404/", "/", false, "../"},
		{"/404/", "/4xx/", false, "../4xx/"},
		{"/404/", "/style.css", false, "../style.css"},
		{"/404/", "/410/#example", false, "../410/#example"},
		{"/guides/x/", "/404/", false, "../../404/"},
		{"/404/", "https://example.org/", false, "https://example.org/"},
		{"/", "/", true, "index.html"},
		{"/404/", "/4xx/", true, "../4xx/index.html"},
		{"/404/", "/410/#x", true, "../410/index.html#x"},
	}
	for _, tt := range tests {
		lk := &linker{offline: tt.offline}
		if got := lk.rel(tt.from, tt.to); got != tt.want {
			t.Errorf("rel(%q, %q, offline=%v) = %q, want %q", tt.from, tt.to, tt.offline, got, tt.want)
		}
	}
}

// TestCLI runs the program's commands as a user would.
func TestCLI(t *testing.T) {
	t.Parallel()
	out := filepath.Join(t.TempDir(), "site")
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), []string{"build", "-content", "testdata/site/content", "-out", out}, &stdout, &stderr)
	if err != nil {
		t.Fatalf("build: %v\n%s", err, stderr.String())
	}
	if !regexp.MustCompile(`^built 8 pages and \d+ static files in .* into .*site\n$`).MatchString(stdout.String()) {
		t.Errorf("summary line = %q", stdout.String())
	}
	stderr.Reset()
	if err := run(context.Background(), []string{"build", "-h"}, io.Discard, &stderr); err == nil || !strings.Contains(stderr.String(), "-base-url") {
		t.Errorf("build -h: %v, %q", err, stderr.String())
	}
	stderr.Reset()
	if err := run(context.Background(), []string{"build", "-content", "no/such/dir", "-out", out}, io.Discard, &stderr); err == nil || !strings.Contains(err.Error(), "no/such/dir") {
		t.Errorf("missing -content dir: %v", err)
	}
	if err := run(context.Background(), []string{"frobnicate"}, io.Discard, &stderr); err != errUsage {
		t.Errorf("unknown command: %v", err)
	}
}

// TestEmbedded builds from the copy built into the program, as a lone
// binary does away from the repository.
func TestEmbedded(t *testing.T) {
	t.Parallel()
	out := filepath.Join(t.TempDir(), "site")
	var stdout bytes.Buffer
	if err := run(context.Background(), []string{"build", "-embedded", "-out", out}, &stdout, io.Discard); err != nil {
		t.Fatal(err)
	}
	disk := shippedConfig(t)
	disk.HashAssets = true
	mustBuild(t, disk)
	a, b := readTree(t, out), readTree(t, disk.Out)
	if len(a) != len(b) {
		t.Errorf("embedded build wrote %d files, disk build %d", len(a), len(b))
	}
	for name := range b {
		if a[name] != b[name] {
			t.Errorf("%s differs between embedded and disk builds", name)
		}
	}
}

// FuzzPage loads and renders one content file: any bytes give a page or
// an error, never a panic or a hang.
func FuzzPage(f *testing.F) {
	for _, name := range []string{"4xx/404.md", "2xx/200.md", "about.md", "_index.md", "4xx/418.md", "4xx/451.md"} {
		b, err := os.ReadFile(filepath.Join("testdata", "site", "content", filepath.FromSlash(name)))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(name, b)
	}
	lay, err := parseLayouts(os.DirFS("layouts"), "layouts")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, name string, src []byte) {
		if !fs.ValidPath(name) || !strings.HasSuffix(name, ".md") {
			return
		}
		lk := &linker{}
		p, err := loadPage(name, "content/"+name, src, lk)
		if err != nil {
			return
		}
		p.links, p.relatedCodes, p.Aliases = nil, nil, nil
		pages := []*Page{p}
		if p.Kind != KindHome {
			pages = append(pages, &Page{Kind: KindHome, URL: "/", Title: "Home", Summary: "Home.", File: "content/_index.md"})
		}
		if p.Kind == KindCode {
			pages = append(pages, &Page{Kind: KindClass, Class: p.Class, URL: "/" + p.ClassName() + "/", Title: "Class", Summary: "Class.", File: "class"})
		}
		site, err := link(pages, nil)
		if err != nil {
			return
		}
		v := &View{Site: site, Page: p, lk: lk, from: p.URL}
		if err := lay.execute(io.Discard, p.Kind.String(), v); err != nil {
			t.Fatalf("executing layout: %v", err)
		}
	})
}

// TestLayoutErrorFirst checks that with both a broken layout and a broken
// page, the layout's error is the one reported: layouts are parsed while
// pages load, and the order of messages should not depend on which
// finishes first.
func TestLayoutErrorFirst(t *testing.T) {
	t.Parallel()
	for range 5 {
		cfg := fixtureConfig(t)
		cfg.Content.FS.(fstest.MapFS)["4xx/410.md"] = &fstest.MapFile{Data: []byte("no front matter\n")}
		cfg.Layouts.FS.(fstest.MapFS)["code.html"] = &fstest.MapFile{Data: []byte("{{define \"main\"}}\n{{if}}\n{{end}}")}
		_, err := Build(context.Background(), cfg)
		if err == nil || !regexp.MustCompile(`layouts/code\.html:\d+: `).MatchString(err.Error()) {
			t.Fatalf("Build error = %v, want the layout's", err)
		}
	}
}
