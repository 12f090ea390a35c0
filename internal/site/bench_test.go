package site

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/statusdocs/statusdocs/internal/render"
	"github.com/statusdocs/statusdocs/internal/testenv"
)

// TestStreamingPathIdentical builds the shipped site and a synthetic one
// three ways: as builds do (bodies rendered while pages are written, the
// highlight cache on), the same again with every block from the disk
// cache the first build wrote, and the straightforward way (every body
// rendered before any page is written, no cache at all). The outputs must
// be byte-identical.
func TestStreamingPathIdentical(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"shipped", "synthetic"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			cache := t.TempDir()
			config := func() *Config {
				cfg := shippedConfig(t)
				if name == "synthetic" {
					cfg.Content = Source{FS: testenv.SyntheticContent(50), Name: "content"}
				}
				cfg.HashAssets = true
				cfg.Highlight = render.HighlightOptions{Dir: cache, Version: "test"}
				return cfg
			}
			cold := config()
			// A second edition repeats the first's examples, from the
			// cache in memory: at most as many cached as lexed.
			if res := mustBuild(t, cold); res.Lexed == 0 || res.Cached > res.Lexed {
				t.Errorf("the first build highlighted %d blocks and took %d from the cache", res.Lexed, res.Cached)
			}
			warm := config()
			if res := mustBuild(t, warm); res.Lexed != 0 || res.Cached == 0 {
				t.Errorf("with a warm disk cache a build highlighted %d blocks afresh (%d from the cache), want none", res.Lexed, res.Cached)
			}
			plain := config()
			plain.Highlight, plain.noStream = render.HighlightOptions{NoCache: true}, true
			mustBuild(t, plain)
			want := testenv.ReadTree(t, plain.Out)
			for _, cfg := range []*Config{cold, warm} {
				got := testenv.ReadTree(t, cfg.Out)
				if len(got) != len(want) {
					t.Fatalf("streaming build wrote %d files, straightforward %d", len(got), len(want))
				}
				for f, data := range want {
					if got[f] != data {
						t.Errorf("%s differs between streaming and straightforward builds:\n%s", f, testenv.FirstDiff(data, got[f]))
					}
				}
			}
			if entries, _ := os.ReadDir(cache); len(entries) != 1 {
				t.Errorf("cache folder holds %v, want one file", entries)
			}
		})
	}
}

// TestSyntheticPageShape checks the generated page has what the benchmarks
// promise, so the figures measure the right thing.
func TestSyntheticPageShape(t *testing.T) {
	t.Parallel()
	src := testenv.SyntheticPage(3, 10)
	r := render.New(render.NewHighlighter(render.HighlightOptions{}))
	p, err := r.Page("p/page-00003.md", "content/p/page-00003.md", src, render.NewLinker(false, ""))
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
// page. Each build has a highlight cache in memory only, as a build with
// -no-cache's disk cache empty would: no build gains from an earlier one.
func BenchmarkBuild(b *testing.B) {
	for _, size := range []string{"shipped", "100", "2000", "10000"} {
		b.Run(size, func(b *testing.B) {
			cfg := shippedConfig(b)
			if size != "shipped" {
				n, _ := strconv.Atoi(size)
				cfg.Content = Source{FS: testenv.SyntheticContent(n), Name: "content"}
			}
			cfg.HashAssets = true
			b.ReportAllocs()
			benchBuilds(b, cfg)
		})
	}
}

// BenchmarkHighlightCache builds 2,000 synthetic pages cold (an empty disk
// cache) and warm (every block in the disk cache from an earlier build).
func BenchmarkHighlightCache(b *testing.B) {
	for _, warm := range []bool{false, true} {
		name := "cold"
		if warm {
			name = "warm"
		}
		b.Run(name, func(b *testing.B) {
			cfg := shippedConfig(b)
			cfg.Content = Source{FS: testenv.SyntheticContent(2000), Name: "content"}
			cfg.HashAssets = true
			dir := b.TempDir()
			cfg.Highlight = render.HighlightOptions{Dir: dir, Version: "test"}
			if warm {
				if _, err := Build(context.Background(), cfg); err != nil {
					b.Fatal(err)
				}
			} else {
				cfg.Highlight.NoCache = true
			}
			benchBuilds(b, cfg)
		})
	}
}

// BenchmarkBuildStraightforward builds 2,000 synthetic pages the plain way
// (every body rendered before any page is written, no highlight cache), as
// the baseline for BenchmarkBuild/2000 in the same run.
func BenchmarkBuildStraightforward(b *testing.B) {
	cfg := shippedConfig(b)
	cfg.Content = Source{FS: testenv.SyntheticContent(2000), Name: "content"}
	cfg.HashAssets, cfg.noStream = true, true
	cfg.Highlight.NoCache = true
	benchBuilds(b, cfg)
}

// benchBuilds builds cfg b.N times into a clean output folder and reports
// ms per page. Earlier outputs are moved aside and deleted only at the
// end: on a file system without a journal, ext4 will not reuse an inode
// deleted in the last minute and scans past each one, so creating
// thousands of files right after deleting thousands costs several times
// more than creating them in a quiet folder, and the benchmark would
// measure its own clean-up.
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
		b.StartTimer()
		res, err := Build(context.Background(), cfg)
		if err != nil {
			b.Fatal(err)
		}
		pages = res.Pages
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N)/float64(pages), "ms/page")
}
