package main

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

// words is the vocabulary of synthetic prose.
var words = strings.Fields(`the server client request response header cache proxy origin status code body
method resource representation validator condition redirect location retry after content length range
negotiation authentication credentials gateway upstream timeout connection payload media type encoding
field value section document message semantics target identifier entity tag freshness lifetime stale
heuristic explicit directive private public shared storage intermediary tunnel upgrade protocol version`)

// syntheticPage returns page i of n: front matter (title, summary), about
// 600 words in three sections, a 5-item list, a 5-row table, a link to
// another page, an 8-line http response and a 10-line Go block. It is
// deterministic, and its code blocks differ from page to page, so a
// highlight cache cannot answer them from another page.
func syntheticPage(i, n int) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "---\ntitle: Synthetic page %d\nsummary: A generated page, number %d of %d, for measuring build speed.\n---\n", i, i, n)
	w := i * 7919
	next := func() string { w = (w*1103515245 + 12345) & 0x7fffffff; return words[w%len(words)] }
	for s := 1; s <= 3; s++ {
		fmt.Fprintf(&b, "\n## Section %d of page %d\n\n", s, i)
		for p := 0; p < 4; p++ {
			for k := 0; k < 50; k++ {
				if k > 0 {
					b.WriteByte(' ')
				}
				b.WriteString(next())
			}
			b.WriteString(".\n\n")
		}
	}
	b.WriteString("\n")
	for k := 1; k <= 5; k++ {
		fmt.Fprintf(&b, "- item %d: %s %s\n", k, next(), next())
	}
	b.WriteString("\n| field | value |\n|---|---|\n")
	for k := 1; k <= 5; k++ {
		fmt.Fprintf(&b, "| %s | %d |\n", next(), k*i)
	}
	fmt.Fprintf(&b, "\nSee [the next page](/p/page-%05d/).\n\n", (i+1)%n)
	fmt.Fprintf(&b, "```http\nHTTP/1.1 200 OK\nContent-Type: text/html; charset=utf-8\nContent-Length: %d\nCache-Control: max-age=%d\nETag: \"page-%d\"\nVary: Accept-Encoding\nDate: Tue, 01 Jul 2025 12:00:00 GMT\nServer: synthetic/%d\n```\n\n", 1000+i, 60*i, i, i)
	fmt.Fprintf(&b, "```go\npackage main\n\nimport \"net/http\"\n\n// handler%d answers page %d.\nfunc handler%d(w http.ResponseWriter, r *http.Request) {\n\tw.Header().Set(\"ETag\", `\"page-%d\"`)\n\tw.WriteHeader(http.StatusOK)\n\tw.Write([]byte(\"page %d\"))\n}\n```\n", i, i, i, i, i)
	return []byte(b.String())
}

// syntheticContent returns a content folder of n synthetic pages under
// /p/, with a home page.
func syntheticContent(n int) fstest.MapFS {
	m := fstest.MapFS{
		"_index.md": {Data: []byte("---\ntitle: Synthetic\nsummary: Generated pages.\n---\nGenerated.\n")},
	}
	for i := 0; i < n; i++ {
		m[fmt.Sprintf("p/page-%05d.md", i)] = &fstest.MapFile{Data: syntheticPage(i, n)}
	}
	return m
}

// TestWriteSyntheticSite writes a synthetic content folder to disk for
// timing the whole program (see README, Performance). It runs only when
// STATUSDOCS_SYNTH_DIR is set; STATUSDOCS_SYNTH_PAGES sets the count, and
// STATUSDOCS_SYNTH_HUGO a folder for the same pages as a Hugo site.
func TestWriteSyntheticSite(t *testing.T) {
	dir := os.Getenv("STATUSDOCS_SYNTH_DIR")
	if dir == "" {
		t.Skip("set STATUSDOCS_SYNTH_DIR (and STATUSDOCS_SYNTH_PAGES) to write a synthetic site")
	}
	n, _ := strconv.Atoi(os.Getenv("STATUSDOCS_SYNTH_PAGES"))
	if n <= 0 {
		n = 100
	}
	files := map[string][]byte{}
	for name, f := range syntheticContent(n) {
		files[filepath.Join(dir, filepath.FromSlash(name))] = f.Data
	}
	if hugo := os.Getenv("STATUSDOCS_SYNTH_HUGO"); hugo != "" {
		// The same pages as a Hugo site with minimal layouts, the issue's
		// yardstick: hugo --quiet -d OUT in that folder builds it.
		for name, f := range syntheticContent(n) {
			files[filepath.Join(hugo, "content", filepath.FromSlash(name))] = f.Data
		}
		for name, data := range hugoSiteFiles {
			files[filepath.Join(hugo, filepath.FromSlash(name))] = []byte(data)
		}
	}
	for p, data := range files {
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// hugoSiteFiles are the configuration and minimal layouts of the Hugo
// site TestWriteSyntheticSite writes.
var hugoSiteFiles = map[string]string{
	"hugo.toml": "baseURL = \"https://example.org/\"\ntitle = \"Synthetic\"\ndisableKinds = [\"taxonomy\", \"term\"]\n",
	"layouts/_default/baseof.html": `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body><main>{{ block "main" . }}{{ end }}</main></body></html>
`,
	"layouts/_default/single.html": `{{ define "main" }}<h1>{{ .Title }}</h1><p>{{ .Summary }}</p>{{ .Content }}{{ end }}
`,
	"layouts/_default/list.html": `{{ define "main" }}<h1>{{ .Title }}</h1>{{ .Content }}<ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}
`,
}

// TestSyntheticPageShape checks the generated page has what the benchmark
// promises, so the figures measure the right thing.
func TestSyntheticPageShape(t *testing.T) {
	src := syntheticPage(3, 10)
	p, err := loadPage("p/page-00003.md", "content/p/page-00003.md", src, &linker{})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(strings.Fields(p.Text)); n < 550 || n > 750 {
		t.Errorf("synthetic page has %d words of prose, want about 600", n)
	}
	for _, want := range []string{"<h2", "<ul>", "<table>", `data-lang="http"`, `data-lang="go"`, `href="../../p/page-00004/"`} {
		if !strings.Contains(string(p.Body), want) {
			t.Errorf("synthetic page lacks %s", want)
		}
	}
}

// BenchmarkBuild builds the shipped site and synthetic sites of 100, 2,000
// and 10,000 pages into a clean output folder each time, reporting ms per
// page. The highlight cache is cleared before each build: no build gains
// from an earlier one.
func BenchmarkBuild(b *testing.B) {
	for _, size := range []string{"shipped", "100", "2000", "10000"} {
		b.Run(size, func(b *testing.B) {
			cfg := shippedConfig(b)
			if size != "shipped" {
				n, _ := strconv.Atoi(size)
				cfg.Content = Source{FS: syntheticContent(n), Name: "content"}
			}
			cfg.HashAssets = true
			b.ReportAllocs()
			benchBuilds(b, cfg)
		})
	}
}

// TestOptimisedPathIdentical builds the shipped site and a synthetic one
// twice: the normal way (bodies rendered while writing, highlight cache
// on, warmed by a disk cache, Go blocks lexed by lexGo) and the
// straightforward way (every body rendered first, no cache, chroma's
// lexers only). The outputs must be byte-identical. It
// toggles the process-wide cache, so it does not run in parallel.
func TestOptimisedPathIdentical(t *testing.T) {
	for _, name := range []string{"shipped", "synthetic"} {
		t.Run(name, func(t *testing.T) {
			cache := t.TempDir()
			optimised := func() map[string]string {
				cfg := shippedConfig(t)
				if name == "synthetic" {
					cfg.Content = Source{FS: syntheticContent(50), Name: "content"}
				}
				cfg.HashAssets, cfg.CacheDir = true, cache
				mustBuild(t, cfg)
				return readTree(t, cfg.Out)
			}
			optimised() // fills the disk cache
			resetHighlightCache()
			fast := optimised() // highlights come from the disk cache

			useHighlightCache.Store(false)
			useFastLexers.Store(false)
			defer useHighlightCache.Store(true)
			defer useFastLexers.Store(true)
			plain := shippedConfig(t)
			if name == "synthetic" {
				plain.Content = Source{FS: syntheticContent(50), Name: "content"}
			}
			plain.HashAssets, plain.NoStream = true, true
			mustBuild(t, plain)
			slow := readTree(t, plain.Out)
			if len(fast) != len(slow) {
				t.Fatalf("optimised build wrote %d files, straightforward %d", len(fast), len(slow))
			}
			for f, data := range slow {
				if fast[f] != data {
					t.Errorf("%s differs between optimised and straightforward builds", f)
				}
			}
			if n := countFiles(cache); n != 1 {
				t.Errorf("cache folder holds %d files, want 1", n)
			}
		})
	}
}

func countFiles(dir string) int {
	entries, _ := os.ReadDir(dir)
	return len(entries)
}

// BenchmarkHighlightCache builds 2,000 synthetic pages cold (no cache) and
// warm (every block in the disk cache from an earlier build). Their Go
// blocks are labelled python here: Go and HTTP blocks are lexed by hand and
// not cached, so the cache matters for languages chroma's lexers handle.
func BenchmarkHighlightCache(b *testing.B) {
	for _, warm := range []bool{false, true} {
		name := "cold"
		if warm {
			name = "warm"
		}
		b.Run(name, func(b *testing.B) {
			cfg := shippedConfig(b)
			content := syntheticContent(2000)
			for _, f := range content {
				f.Data = bytes.ReplaceAll(f.Data, []byte("```go\n"), []byte("```python\n"))
			}
			cfg.Content = Source{FS: content, Name: "content"}
			cfg.HashAssets = true
			if warm {
				cfg.CacheDir = b.TempDir()
				resetHighlightCache()
				if _, err := Build(context.Background(), cfg); err != nil {
					b.Fatal(err)
				}
			}
			benchBuilds(b, cfg)
		})
	}
}

// BenchmarkRebuildOnePage times the dev server's rebuild after a body edit
// to one page, on the shipped site and on 2,000 synthetic pages, and
// reports how many pages it rendered: the edited one only.
func BenchmarkRebuildOnePage(b *testing.B) {
	for _, size := range []string{"shipped", "2000"} {
		b.Run(size, func(b *testing.B) {
			cfg := shippedConfig(b)
			content := fixtureFS(b, "content")
			page := "4xx/404.md"
			if size != "shipped" {
				content = syntheticContent(2000)
				page = "p/page-00042.md"
			}
			cfg.Content = Source{FS: content, Name: "content"}
			builder := newDevBuilder(cfg)
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

// BenchmarkBuildStraightforward builds 2,000 synthetic pages the plain way
// (every body rendered before any page is written, no highlight cache), as
// the baseline for BenchmarkBuild/2000 in the same run.
func BenchmarkBuildStraightforward(b *testing.B) {
	cfg := shippedConfig(b)
	cfg.Content = Source{FS: syntheticContent(2000), Name: "content"}
	cfg.HashAssets, cfg.NoStream = true, true
	useHighlightCache.Store(false)
	useFastLexers.Store(false)
	defer useHighlightCache.Store(true)
	defer useFastLexers.Store(true)
	benchBuilds(b, cfg)
}

// benchBuilds builds cfg b.N times into a clean output folder, with the
// memory highlight cache emptied as in a new process, and reports ms per
// page. Earlier outputs are moved aside and deleted only at the end: on a
// file system without a journal, ext4 will not reuse an inode deleted in
// the last minute and scans past each one, so creating thousands of files
// right after deleting thousands costs several times more than creating
// them in a quiet folder, and the benchmark would measure its own clean-up.
//
// STATUSDOCS_BENCH_DIR puts the outputs in another folder, such as a tmpfs
// (/dev/shm), to compare changes to the program's own work without the
// disk's noise.
func benchBuilds(b *testing.B, cfg *Config) {
	var pages int
	if dir := os.Getenv("STATUSDOCS_BENCH_DIR"); dir != "" {
		tmp, err := os.MkdirTemp(dir, "statusdocs-bench-")
		if err != nil {
			b.Fatal(err)
		}
		defer os.RemoveAll(tmp)
		cfg.Out = filepath.Join(tmp, "out")
	}
	trash := filepath.Join(filepath.Dir(cfg.Out), "trash")
	defer os.RemoveAll(trash)
	for b.Loop() {
		b.StopTimer()
		os.MkdirAll(trash, 0o755)
		os.Rename(cfg.Out, filepath.Join(trash, randomSuffix()))
		resetHighlightCache()
		b.StartTimer()
		res, err := Build(context.Background(), cfg)
		if err != nil {
			b.Fatal(err)
		}
		pages = res.Pages
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N)/float64(pages), "ms/page")
}

// resetHighlightCache empties the memory cache, as a new process starts.
func resetHighlightCache() {
	highlightCache.Clear()
	cachedBytes.Store(0)
	keepAllBlocks.Store(false)
}

// TestCompareBuilds times whole-process builds of two statusdocs binaries,
// alternated run by run so both see the same state of a noisy machine, and
// reports each one's median and the ratio. It runs only when asked:
//
//	STATUSDOCS_COMPARE="/tmp/old /tmp/new" STATUSDOCS_COMPARE_CONTENT=/tmp/syn100 \
//	  STATUSDOCS_COMPARE_RUNS=15 go test -run TestCompareBuilds -v .
//
// Outputs go to a fresh folder each run and old ones are moved aside, not
// deleted, until the end (see benchBuilds for why); STATUSDOCS_BENCH_DIR
// puts them on a tmpfs. It reports CPU time (user and system) too, which
// drifts less than wall time on a shared machine. With
// STATUSDOCS_COMPARE_HUGO set to the Hugo site TestWriteSyntheticSite
// writes, Hugo takes part too, first, and the ratios are against it:
//
//	STATUSDOCS_SYNTH_DIR=/tmp/syn100 STATUSDOCS_SYNTH_HUGO=/tmp/hugo100 go test -run TestWriteSyntheticSite .
//	STATUSDOCS_COMPARE=/tmp/statusdocs STATUSDOCS_COMPARE_CONTENT=/tmp/syn100 \
//	  STATUSDOCS_COMPARE_HUGO=/tmp/hugo100 go test -run TestCompareBuilds -v .
func TestCompareBuilds(t *testing.T) {
	bins := strings.Fields(os.Getenv("STATUSDOCS_COMPARE"))
	if len(bins) == 0 {
		t.Skip("set STATUSDOCS_COMPARE to two or more statusdocs binaries to compare")
	}
	content := os.Getenv("STATUSDOCS_COMPARE_CONTENT")
	if content == "" {
		content = "content"
	}
	runs, _ := strconv.Atoi(os.Getenv("STATUSDOCS_COMPARE_RUNS"))
	if runs <= 0 {
		runs = 10
	}
	work := t.TempDir()
	if dir := os.Getenv("STATUSDOCS_BENCH_DIR"); dir != "" {
		// As in benchBuilds: tmpfs leaves only the program's own work.
		tmp, err := os.MkdirTemp(dir, "statusdocs-compare-")
		if err != nil {
			t.Fatal(err)
		}
		defer os.RemoveAll(tmp)
		work = tmp
	}
	// A Hugo site (STATUSDOCS_COMPARE_HUGO, written by TestWriteSyntheticSite
	// with STATUSDOCS_SYNTH_HUGO) is built first in each round, with the hugo
	// on PATH or STATUSDOCS_HUGO, and the ratios are then against it.
	hugoSite := os.Getenv("STATUSDOCS_COMPARE_HUGO")
	hugo := cmp.Or(os.Getenv("STATUSDOCS_HUGO"), "hugo")
	if hugoSite != "" {
		bins = append([]string{hugo}, bins...)
	}
	times := make([][]time.Duration, len(bins))
	cpu := make([][]time.Duration, len(bins)) // user + system: less noisy than wall time
	for r := 0; r <= runs; r++ {              // round 0 warms the caches and is dropped
		for i, bin := range bins {
			out := filepath.Join(work, fmt.Sprintf("out-%d-%d", r, i))
			cmd := exec.Command(bin, "build", "-content", content, "-layouts", "layouts", "-static", "static", "-out", out)
			if hugoSite != "" && i == 0 {
				cmd = exec.Command(bin, "--quiet", "-d", out)
				cmd.Dir = hugoSite
			}
			start := time.Now()
			if msg, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("%s: %v\n%s", bin, err, msg)
			}
			if r > 0 {
				times[i] = append(times[i], time.Since(start))
				cpu[i] = append(cpu[i], cmd.ProcessState.UserTime()+cmd.ProcessState.SystemTime())
			}
		}
	}
	base, baseCPU := median(times[0]), median(cpu[0])
	for i, bin := range bins {
		m, c := median(times[i]), median(cpu[i])
		t.Logf("%-30s median %8.1f ms  ratio %.2f   CPU %8.1f ms  ratio %.2f", bin,
			float64(m.Microseconds())/1000, float64(m)/float64(base), float64(c.Microseconds())/1000, float64(c)/float64(baseCPU))
	}
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}
