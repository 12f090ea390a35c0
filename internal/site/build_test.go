package site

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/statusdocs/statusdocs/internal/content"
	"github.com/statusdocs/statusdocs/internal/testenv"
)

// fixtureConfig returns a config building the fixture content (with the
// shipped layouts and static files) into a new temporary folder; the
// sources are MapFSs the test may change.
func fixtureConfig(t testing.TB) *Config {
	t.Helper()
	return &Config{
		Content: Source{FS: testenv.MapFS(t, testenv.Repo(t, "testdata/site/content")), Name: "content"},
		Layouts: Source{FS: testenv.MapFS(t, testenv.Repo(t, "layouts")), Name: "layouts"},
		Static:  Source{FS: testenv.MapFS(t, testenv.Repo(t, "static")), Name: "static"},
		Out:     filepath.Join(t.TempDir(), "out"),
	}
}

// shippedConfig returns a config building the repository's own site from
// its folders.
func shippedConfig(t testing.TB) *Config {
	t.Helper()
	src := func(name string) Source {
		dir := testenv.Repo(t, name)
		return Source{FS: os.DirFS(dir), Name: name, Dir: dir}
	}
	return &Config{Content: src("content"), Layouts: src("layouts"), Static: src("static"), Out: filepath.Join(t.TempDir(), "out")}
}

func mustBuild(t testing.TB, cfg *Config) *Result {
	t.Helper()
	res, err := Build(context.Background(), cfg)
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	return res
}

// loadAll loads the site of cfg with every body rendered, as the pages of
// a build of cfg show them.
func loadAll(t testing.TB, cfg *Config) *content.Site {
	t.Helper()
	s, err := LoadSite(context.Background(), cfg, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestDeterministic builds the same input twice and wants identical bytes.
func TestDeterministic(t *testing.T) {
	t.Parallel()
	a, b := fixtureConfig(t), fixtureConfig(t)
	mustBuild(t, a)
	mustBuild(t, b)
	ta, tb := testenv.ReadTree(t, a.Out), testenv.ReadTree(t, b.Out)
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
		{"unknown status", "4xx/410.md", "---\ntitle: Gone\nsummary: It left.\nstatus: official\n---\n", "", `content/4xx/410\.md:4: unknown status "official"`},
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
		{"bad alias", "4xx/410.md", "---\ntitle: Gone\nsummary: It left.\nstatus: standard\naliases: [Gone Away]\n---\n", "", `content/4xx/410\.md:5: alias "Gone Away"`},
		{"unknown language", "4xx/410.md", "---\ntitle: Gone\nsummary: It left.\nstatus: standard\nconstants:\n  cobol: GONE\n---\n", "", `content/4xx/410\.md:6: unknown language "cobol"`},
		{"copy of a code page", "4xx/404 copy.md", good, "", `^content/4xx/404 copy\.md: file name "404 copy\.md" is not a status code: a code page is named after its code alone, e\.g\. 404\.md$`},
		{"code keys on a plain page, each on its line", "about.md", "---\ntitle: A\nsummary: B.\nstatus: standard\nrelated: [404]\n---\n", "", `^content/about\.md:4: "status" is only allowed on status code pages\ncontent/about\.md:5: "related" is only allowed`},
		{"tab in YAML", "4xx/410.md", "---\ntitle: Gone\nsummary: It left.\nstatus: standard\nrelated:\n\t- 404\n---\n", "", `^content/4xx/410\.md:6: front matter: a tab character: YAML indents with spaces only$`},
		{"copy with a number", "4xx/404 (1).md", good, "", `^content/4xx/404 \(1\)\.md: file name "404 \(1\)\.md" is not a status code`},
		{"old copy", "4xx/404-old.md", good, "", `^content/4xx/404-old\.md: file name "404-old\.md" is not a status code`},
		{"tab in a nested YAML entry", "4xx/410.md", "---\ntitle: Gone\nsummary: It left.\nstatus: standard\nspec:\n  - name: x\n\turl: https://example.com/\n---\n", "", `front matter: a tab character: YAML indents with spaces only`},
		{"upper-case extension", "4xx/410.MD", good, "", `^content/4xx/410\.MD: the extension must be \.md in lower case`},
		{"template parse error", "", "", "code.html", `layouts/code\.html:\d+: `},
		{"template exec error", "", "", "page.html", `layouts/page\.html:\d+:\d+: executing .*rendering content/about\.md`},
		{"template exec error on every code page, told once", "", "", "code.html exec", `^layouts/code\.html:\d+:\d+: executing [^\n]* \(rendering content/\S+ and \d+ other pages\)$`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg := fixtureConfig(t)
			mustBuild(t, cfg)
			before := testenv.ReadTree(t, cfg.Out)
			if tt.file != "" {
				cfg.Content.FS.(fstest.MapFS)[tt.file] = &fstest.MapFile{Data: []byte(tt.data)}
			}
			switch tt.layout {
			case "code.html":
				cfg.Layouts.FS.(fstest.MapFS)[tt.layout] = &fstest.MapFile{Data: []byte("{{define \"main\"}}\n{{if}}\n{{end}}")}
			case "code.html exec":
				cfg.Layouts.FS.(fstest.MapFS)["code.html"] = &fstest.MapFile{Data: []byte("{{define \"main\"}}\n{{.Page.NoSuchField}}\n{{end}}")}
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
			testenv.WantTree(t, cfg.Out, before, "after a failed build")
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
	cache := t.TempDir()
	os.WriteFile(filepath.Join(foreign, "precious.txt"), []byte("keep me"), 0o644)
	tests := []struct{ name, out, want string }{
		{"root", "/", "file system root"},
		{"the current folder", wd, "current folder"},
		{"above the current folder", filepath.Dir(wd), "current folder"},
		{"home", home, "home folder"},
		{"content itself", testenv.Repo(t, "content"), "overlaps the source folder"},
		{"inside content", testenv.Repo(t, "content/out"), "overlaps the source folder"},
		{"inside layouts", testenv.Repo(t, "layouts/x"), "overlaps the source folder"},
		{"static", testenv.Repo(t, "static"), "overlaps the source folder"},
		{"around the sources", testenv.Repo(t, "."), "current folder"},
		{"the highlight cache", cache, "overlaps the highlight cache folder"},
		{"inside the highlight cache", filepath.Join(cache, "out"), "overlaps the highlight cache folder"},
		{"not ours", foreign, "not written by statusdocs"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := shippedConfig(t)
			cfg.Out = tt.out
			cfg.Highlight.Dir = cache
			_, err := Build(context.Background(), cfg)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Build(-out %s) error = %v, want %q", tt.out, err, tt.want)
			}
		})
	}
	if b, err := os.ReadFile(filepath.Join(foreign, "precious.txt")); err != nil || string(b) != "keep me" {
		t.Errorf("foreign folder was touched: %q, %v", b, err)
	}
	for _, dir := range []string{testenv.Repo(t, "content/out"), testenv.Repo(t, "layouts/x")} {
		if _, err := os.Stat(dir); err == nil {
			t.Errorf("%s was created", dir)
		}
	}
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

// TestEditorInput builds what editors' tools produce and is not a mistake:
// a byte order mark before the front matter, CRLF line endings, and a link
// to a static file whose name has a space, percent-encoded as in any URL.
func TestEditorInput(t *testing.T) {
	t.Parallel()
	cfg := fixtureConfig(t)
	src := "\xEF\xBB\xBF---\r\ntitle: Gone\r\nsummary: It left.\r\nstatus: standard\r\n---\r\nSee [the logo](/my%20logo.svg).\r\n"
	cfg.Content.FS.(fstest.MapFS)["4xx/410.md"] = &fstest.MapFile{Data: []byte(src)}
	cfg.Static.FS.(fstest.MapFS)["my logo.svg"] = &fstest.MapFile{Data: []byte("<svg xmlns='http://www.w3.org/2000/svg'/>")}
	// A plain page in a class folder whose name starts with a code.
	cfg.Content.FS.(fstest.MapFS)["5xx/502-vs-504.md"] = &fstest.MapFile{Data: []byte("---\ntitle: 502 or 504\nsummary: Which one.\n---\nCompare.\n")}
	cfg.Content.FS.(fstest.MapFS)["5xx/_index.md"] = &fstest.MapFile{Data: []byte("---\ntitle: Server errors\nsummary: Theirs.\n---\nServer.\n")}
	mustBuild(t, cfg)
	b, err := os.ReadFile(filepath.Join(cfg.Out, "410", "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"<title>410 Gone", `href="../my%20logo.svg"`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("410 page lacks %q", want)
		}
	}
	if _, err := os.Stat(filepath.Join(cfg.Out, "my logo.svg")); err != nil {
		t.Error(err)
	}
}

// TestLineEndings builds the fixture with CRLF line endings and a byte
// order mark in every content file: the output is the same, and so is the
// search index's name, which is a hash of the content.
func TestLineEndings(t *testing.T) {
	t.Parallel()
	lf := fixtureConfig(t)
	lf.HashAssets = true
	mustBuild(t, lf)
	crlf := fixtureConfig(t)
	crlf.HashAssets = true
	for name, f := range crlf.Content.FS.(fstest.MapFS) {
		data := strings.ReplaceAll(string(f.Data), "\n", "\r\n")
		crlf.Content.FS.(fstest.MapFS)[name] = &fstest.MapFile{Data: []byte("\xEF\xBB\xBF" + data)}
	}
	mustBuild(t, crlf)
	want, got := testenv.ReadTree(t, lf.Out), testenv.ReadTree(t, crlf.Out)
	for name, data := range want {
		if got[name] != data {
			t.Errorf("%s differs with CRLF line endings: %s", name, testenv.FirstDiff(data, got[name]))
		}
	}
	if len(got) != len(want) {
		t.Errorf("%d files with CRLF, %d with LF (is the search index's name the same?)", len(got), len(want))
	}
}
