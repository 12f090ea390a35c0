package devserver

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/statusdocs/statusdocs/internal/site"
	"github.com/statusdocs/statusdocs/internal/testenv"
)

// TestIncrementalMatchesFull makes a series of edits and, after each,
// checks that the incremental rebuild's files are exactly those of a
// build from scratch, and that it rendered no more than the edit needs.
func TestIncrementalMatchesFull(t *testing.T) {
	t.Parallel()
	cfg := fixtureConfig(t)
	content := cfg.Content.FS.(fstest.MapFS)
	layouts := cfg.Layouts.FS.(fstest.MapFS)
	static := cfg.Static.FS.(fstest.MapFS)
	b := newBuilder(cfg)
	prev := b.build(context.Background())
	if prev.err != nil {
		t.Fatal(prev.err)
	}
	replace := func(m fstest.MapFS, name, old, new string) func() {
		return func() {
			s := string(m[name].Data)
			if !strings.Contains(s, old) {
				t.Fatalf("%s does not contain %q", name, old)
			}
			setFile(m, name, strings.Replace(s, old, new, 1))
		}
	}
	all := []string{"*"}
	tests := []struct {
		name     string
		edit     func()
		rendered []string // URLs of the pages rendered; all for every page
		changed  []string // output files that must be among the changed
		gone     []string // output files that must be gone
	}{
		{"body of a code page", replace(content, "4xx/404.md", "There is nothing", "There is truly nothing"),
			[]string{"/404/", "/zh-cn/404/"}, []string{"404/index.html"}, nil}, // its translation is stale now
		{"same bytes again", func() {}, []string{}, nil, nil},
		{"title of a code page", replace(content, "4xx/404.md", "title: Not Found", "title: Not Here"),
			[]string{"/", "/4xx/", "/200/", "/404/", "/418/", "/guides/missing/", "/guides/which/", "/zh-cn/404/"},
			[]string{"index.html", "4xx/index.html", "200/index.html", "404/index.html", "418/index.html", "search/index.html", "not-found/index.html", "api/404.json", "api/codes.json", "errors/404.html"}, nil},
		{"summary of a code page", replace(content, "4xx/418.md", "A joke code", "A joking code"),
			// 418 has no translation: its zh-cn page shows the English summary.
			// The guides show 418 in a table and a tree.
			[]string{"/", "/4xx/", "/404/", "/418/", "/451/", "/guides/missing/", "/guides/which/", "/zh-cn/", "/zh-cn/4xx/", "/zh-cn/404/", "/zh-cn/418/", "/zh-cn/451/", "/zh-cn/guides/missing/", "/zh-cn/guides/which/"},
			[]string{"418/index.html", "errors/418.html", "zh-cn/418/index.html"}, nil},
		{"related codes", replace(content, "4xx/451.md", "status: unofficial", "status: unofficial\nrelated: [418]"),
			[]string{"/", "/4xx/", "/418/", "/451/", "/zh-cn/", "/zh-cn/4xx/", "/zh-cn/418/", "/zh-cn/451/"}, []string{"451/index.html", "api/451.json"}, nil},
		{"status", replace(content, "4xx/418.md", "status: reserved", "status: deprecated"),
			[]string{"/", "/4xx/", "/404/", "/418/", "/451/", "/guides/missing/", "/guides/which/", "/zh-cn/", "/zh-cn/4xx/", "/zh-cn/404/", "/zh-cn/418/", "/zh-cn/451/", "/zh-cn/guides/missing/", "/zh-cn/guides/which/"}, []string{"418/index.html", "index.html", "zh-cn/418/index.html", "guides/missing/index.html"}, nil},
		{"body of the home page", replace(content, "_index.md", "Welcome.", "Welcome, reader."),
			[]string{"/", "/zh-cn/"}, []string{"index.html"}, nil},
		{"body of a class page", replace(content, "4xx/_index.md", "Codes that say", "Codes that tell"),
			[]string{"/4xx/", "/zh-cn/4xx/"}, []string{"4xx/index.html", "zh-cn/4xx/index.html"}, nil},
		{"body of a plain page", replace(content, "about.md", "It tests plain pages.", "It tests plain pages well."),
			[]string{"/about/", "/zh-cn/about/"}, []string{"about/index.html", "zh-cn/about/index.html"}, nil},
		{"a heading and a link", replace(content, "2xx/200.md", "All good.", "All good.\n\n## Also\n\nSee [418](/418/)."),
			[]string{"/200/", "/zh-cn/200/"}, []string{"200/index.html"}, nil},
		// No shipped layout shows a plain page's title on another page.
		{"title of a plain page", replace(content, "about.md", "title: About", "title: About us"), []string{"/about/", "/zh-cn/about/"}, []string{"about/index.html"}, nil},
		{"a tree's text", replace(content, "guides/which.md", "text: Why not?", "text: Why is it not there?"),
			// Pages listing the guide show its front matter, the tree now among it.
			[]string{"/guides/which/", "/guides/", "/200/", "/404/", "/418/", "/zh-cn/guides/which/", "/zh-cn/guides/", "/zh-cn/200/", "/zh-cn/404/", "/zh-cn/418/"}, []string{"guides/which/index.html"}, nil},
		{"a tree's code", replace(content, "guides/which.md", "code: 418", "code: 451"),
			[]string{"/guides/which/", "/guides/", "/200/", "/404/", "/418/", "/451/", "/", "/4xx/", "/guides/missing/",
				"/zh-cn/guides/which/", "/zh-cn/guides/", "/zh-cn/200/", "/zh-cn/404/", "/zh-cn/418/", "/zh-cn/451/", "/zh-cn/", "/zh-cn/4xx/", "/zh-cn/guides/missing/"},
			[]string{"guides/which/index.html", "451/index.html"}, nil},
		{"a guide's columns", replace(content, "guides/missing.md", "columns: [reason, status,", "columns: [reason,"),
			[]string{"/guides/missing/", "/guides/", "/404/", "/418/", "/zh-cn/guides/missing/", "/zh-cn/guides/", "/zh-cn/404/", "/zh-cn/418/"}, []string{"guides/missing/index.html"}, nil},
		{"a table's fact", replace(content, "4xx/418.md", "status: deprecated", "status: deprecated\ncacheable: true"),
			// (The tree no longer ends at 418 since the edit before.)
			[]string{"/418/", "/", "/4xx/", "/404/", "/451/", "/guides/missing/",
				"/zh-cn/418/", "/zh-cn/", "/zh-cn/4xx/", "/zh-cn/404/", "/zh-cn/451/", "/zh-cn/guides/missing/"}, []string{"guides/missing/index.html"}, nil},
		{"body of a translation", replace(content, "zh-cn/4xx/404.md", "这个 URL 上", "这个 URL 上确实"),
			[]string{"/zh-cn/404/"}, []string{"zh-cn/404/index.html"}, nil},
		{"title of a translation", replace(content, "zh-cn/4xx/404.md", "title: 未找到", "title: 找不到"),
			[]string{"/zh-cn/", "/zh-cn/4xx/", "/zh-cn/200/", "/zh-cn/404/", "/zh-cn/418/", "/zh-cn/guides/missing/", "/zh-cn/guides/which/"}, []string{"zh-cn/404/index.html", "zh-cn/index.html", "errors/zh-cn/404.html"}, nil},
		{"title of the home page", replace(content, "_index.md", "title: Fixture codes", "title: Fixture status codes"), all, []string{"404/index.html", "404.html"}, nil},
		{"title of a class page", replace(content, "4xx/_index.md", "title: Client errors", "title: Client mistakes"), all, []string{"about/index.html", "404.html"}, nil},
		{"an alias added", replace(content, "4xx/418.md", "status: deprecated", "status: deprecated\naliases: [teapot]"), all, []string{"teapot/index.html"}, nil},
		{"a page added", func() {
			setFile(content, "4xx/410.md", "---\ntitle: Gone\nsummary: It left.\nstatus: standard\n---\nGone for good.\n")
		}, all, []string{"410/index.html", "api/410.json", "errors/410.html"}, nil},
		{"a page renamed", func() {
			setFile(content, "4xx/411.md", strings.Replace(string(content["4xx/410.md"].Data), "Gone", "Length Required", 1))
			delete(content, "4xx/410.md")
		}, all, []string{"411/index.html"}, []string{"410/index.html", "api/410.json", "errors/410.html"}},
		{"a page deleted", func() { delete(content, "4xx/411.md") }, all, nil, []string{"411/index.html"}},
		{"a folder of pages added", func() {
			setFile(content, "3xx/_index.md", "---\ntitle: Redirection\nsummary: Go elsewhere.\n---\nMoves.\n")
			setFile(content, "3xx/301.md", "---\ntitle: Moved Permanently\nsummary: It moved.\nstatus: standard\n---\nFor good.\n")
		}, all, []string{"3xx/index.html", "301/index.html"}, nil},
		{"a layout", replace(layouts, "code.html", `<div class="prose"`, `<div class="prose" data-edited`), all, []string{"404/index.html"}, nil},
		{"a stylesheet", func() { setFile(static, "style.css", string(static["style.css"].Data)+"\n.edited{}\n") }, []string{}, []string{"style.css"}, nil},
		{"a static file added", func() { setFile(static, "extra.txt", "extra") }, []string{}, []string{"extra.txt"}, nil},
		{"a static file removed", func() { delete(static, "extra.txt") }, []string{}, nil, []string{"extra.txt"}},
		{"the folder of pages removed", func() { delete(content, "3xx/_index.md"); delete(content, "3xx/301.md") }, all, nil, []string{"3xx/index.html", "301/index.html"}},
	}
	for _, tt := range tests {
		tt.edit()
		res := b.build(context.Background())
		if res.err != nil {
			t.Fatalf("%s: %v", tt.name, res.err)
		}
		d := diffBuilds(prev.build, res.build)
		prev = res
		full := newBuilder(cloneConfig(cfg)).build(context.Background())
		if full.err != nil {
			t.Fatalf("%s: full build: %v", tt.name, full.err)
		}
		for _, name := range slices.Sorted(maps.Keys(full.build.files)) {
			if got, ok := res.build.files[name]; !ok {
				t.Errorf("%s: incremental build lacks %s", tt.name, name)
			} else if string(got) != string(full.build.files[name]) {
				t.Errorf("%s: %s differs from a full build:\n%s", tt.name, name, testenv.FirstDiff(string(full.build.files[name]), string(got)))
			}
		}
		for name := range res.build.files {
			if _, ok := full.build.files[name]; !ok {
				t.Errorf("%s: incremental build has %s, a full build not", tt.name, name)
			}
		}
		if len(res.build.indexes) != len(full.build.indexes) {
			t.Errorf("%s: %d search indexes, a full build %d", tt.name, len(res.build.indexes), len(full.build.indexes))
		}
		for name, index := range full.build.indexes {
			fullIdx, fullErr := index()
			var idx []byte
			var err error
			if index := res.build.indexes[name]; index != nil {
				idx, err = index()
			}
			if err != nil || fullErr != nil || string(idx) != string(fullIdx) || !strings.HasPrefix(string(idx), "window.statusdocsIndex=") {
				t.Errorf("%s: search index %s differs from a full build's (%v, %v)", tt.name, name, err, fullErr)
			}
		}
		if len(tt.rendered) == 1 && tt.rendered[0] == "*" {
			if res.rendered != res.pages {
				t.Errorf("%s: rendered %d of %d pages, want all", tt.name, res.rendered, res.pages)
			}
		} else if res.rendered != len(tt.rendered) {
			t.Errorf("%s: rendered %d pages, want %d: %v", tt.name, res.rendered, len(tt.rendered), tt.rendered)
		}
		for _, name := range tt.changed {
			if !slices.Contains(d.changed, name) {
				t.Errorf("%s: %s not among the changed files %v", tt.name, name, d.changed)
			}
		}
		for _, name := range tt.gone {
			if _, ok := res.build.files[name]; ok {
				t.Errorf("%s: %s still there", tt.name, name)
			}
			if !slices.Contains(d.changed, name) {
				t.Errorf("%s: removed %s not among the changed files", tt.name, name)
			}
		}
		if tt.name == "same bytes again" && (len(d.changed) != 0 || res.parsed != 0) {
			t.Errorf("%s: parsed %d, changed %v; want nothing", tt.name, res.parsed, d.changed)
		}
	}
}

// TestPlanRenders checks which pages the plan renders for one edit, with
// the URLs named, and what diffBuilds reports.
func TestPlanRenders(t *testing.T) {
	t.Parallel()
	cfg := fixtureConfig(t)
	content := cfg.Content.FS.(fstest.MapFS)
	b := newBuilder(cfg)
	first := b.build(context.Background()).build
	setFile(content, "4xx/418.md", strings.Replace(string(content["4xx/418.md"].Data), "A joke code", "A silly code", 1))
	laySum, _, _ := hashFiles(cfg.Layouts)
	s, err := site.LoadSite(context.Background(), b.cfg, b.loadPage, b.loadBody)
	if err != nil {
		t.Fatal(err)
	}
	p := b.plan(s, laySum)
	var urls []string
	for _, pg := range p.pages {
		urls = append(urls, pg.URL)
	}
	// 418's class, home, neighbours 404 and 451, 404 that lists it as
	// related, and the guides that show it; and the same pages of the
	// zh-cn edition, where 418 has no translation and shows the English
	// summary.
	if want := []string{"/", "/4xx/", "/404/", "/418/", "/451/", "/guides/missing/", "/guides/which/", "/zh-cn/", "/zh-cn/4xx/", "/zh-cn/404/", "/zh-cn/418/", "/zh-cn/451/", "/zh-cn/guides/missing/", "/zh-cn/guides/which/"}; p.all || !p.meta || !slices.Equal(urls, want) {
		t.Errorf("plan for a summary edit: all=%v meta=%v pages %v, want %v", p.all, p.meta, urls, want)
	}
	res := b.build(context.Background())
	if d := diffBuilds(first, res.build); !slices.Equal(d.edited, []string{"/418/"}) || d.removed != nil {
		t.Errorf("diff: edited %v, removed %v; want [/418/], none", d.edited, d.removed)
	}
	delete(content, "4xx/451.md")
	res2 := b.build(context.Background())
	if res2.err != nil {
		t.Fatal(res2.err)
	}
	if d := diffBuilds(res.build, res2.build); !slices.Equal(d.removed, []string{"/451/", "/zh-cn/451/"}) || d.edited != nil {
		t.Errorf("diff after a delete: edited %v, removed %v; want none, [/451/ /zh-cn/451/]", d.edited, d.removed)
	}
}

// TestDescribeChanges checks the "what changed" part of the log line.
func TestDescribeChanges(t *testing.T) {
	tests := []struct {
		names []string
		want  string
	}{
		{nil, "nothing"},
		{[]string{"content/4xx/404.md"}, "content/4xx/404.md"},
		{[]string{"content/4xx/404.md", "static/style.css"}, "content/4xx/404.md and 1 more"},
		{[]string{"content/4xx/sedAbC12", "content/4xx/404.md"}, "content/4xx/404.md and 1 more"},
		{[]string{"content/6xx"}, "content/6xx"},
	}
	for _, tt := range tests {
		if got := describeChanges(tt.names); got != tt.want {
			t.Errorf("describeChanges(%q) = %q, want %q", tt.names, got, tt.want)
		}
	}
}

// TestOnlyCSS checks when browsers may swap stylesheets instead of
// reloading.
func TestOnlyCSS(t *testing.T) {
	tests := []struct {
		changed []string
		want    bool
	}{
		{nil, false},
		{[]string{"style.css"}, true},
		{[]string{"style.css", "chroma.css"}, true},
		{[]string{"style.css", "404/index.html"}, false},
		{[]string{"search.js"}, false},
	}
	for _, tt := range tests {
		if got := onlyCSS(tt.changed); got != tt.want {
			t.Errorf("onlyCSS(%q) = %v, want %v", tt.changed, got, tt.want)
		}
	}
}

// BenchmarkRebuildOnePage times the dev server's rebuild after a body edit
// to one page, on the shipped site and on 2,000 synthetic pages, and
// reports how many pages it rendered: the edited one only.
func BenchmarkRebuildOnePage(b *testing.B) {
	for _, size := range []string{"shipped", "2000"} {
		b.Run(size, func(b *testing.B) {
			cfg := fixtureConfig(b)
			content := testenv.MapFS(b, testenv.Repo(b, "content"))
			page := "4xx/404.md"
			if size != "shipped" {
				content = testenv.SyntheticContent(2000)
				page = "p/page-00042.md"
			}
			cfg.Content = site.Source{FS: content, Name: "content"}
			builder := newBuilder(cfg)
			ctx := context.Background()
			if res := builder.build(ctx); res.err != nil {
				b.Fatal(res.err)
			}
			orig := content[page].Data
			var rendered, pages int
			for i := 0; b.Loop(); i++ {
				content[page] = &fstest.MapFile{Data: append(append([]byte{}, orig...), fmt.Sprintf("\nEdit number %d.\n", i)...)}
				res := builder.build(ctx)
				if res.err != nil {
					b.Fatal(res.err)
				}
				rendered, pages = res.rendered, res.pages
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/rebuild")
			b.ReportMetric(float64(rendered), "pages-rendered")
			b.ReportMetric(float64(pages), "pages")
		})
	}
}
