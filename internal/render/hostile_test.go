package render

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/statusdocs/statusdocs/internal/content"
	"github.com/statusdocs/statusdocs/internal/testenv"
)

// hostileShape is a family of content files that grows with n: the shapes
// whose parsing time once grew faster than their size (nesting, unclosed
// brackets, repeated headings, many links, big tables, long lines, big
// front matter), each made so that every size stays inside content's
// limits; where a limit caps a shape, it grows by repeating the capped
// unit.
type hostileShape struct {
	name string
	gen  func(n int) string // the whole file
	base int                // n of the smallest benchmark size
}

func hostilePage(body string) string {
	return "---\ntitle: Hostile\nsummary: A shape of input.\nstatus: unofficial\nspec:\n  - name: test\n    url: https://example.com/\n---\n" + body
}

func repeatLines(n int, line func(i int) string) string {
	var b strings.Builder
	for i := range n {
		b.WriteString(line(i))
	}
	return b.String()
}

var hostileShapes = []hostileShape{
	{"quote nesting (16 deep, repeated)", func(n int) string {
		return hostilePage(repeatLines(n, func(int) string { return strings.Repeat("> ", content.MaxNesting) + "x\n\n" }))
	}, 256},
	{"quote nesting growing to 16", func(n int) string {
		return hostilePage(repeatLines(n, func(i int) string { return strings.Repeat(">", i%content.MaxNesting+1) + " x\n" }))
	}, 1024},
	{"list nesting by indentation (to 100 columns)", func(n int) string {
		return hostilePage(repeatLines(n, func(i int) string { return strings.Repeat("  ", i%50) + "- x\n" }))
	}, 512},
	{"ordered list nesting by indentation", func(n int) string {
		return hostilePage(repeatLines(n, func(i int) string { return strings.Repeat("   ", i%33) + "1. x\n" }))
	}, 512},
	{"nesting after a quoted fence (which the quote's end closes)", func(n int) string {
		return hostilePage("> ```\n\n" + repeatLines(n, func(i int) string { return strings.Repeat(">", i%content.MaxNesting+1) + " x\n" }))
	}, 1024},
	{"list nesting after a quote marker", func(n int) string {
		return hostilePage(repeatLines(n, func(i int) string { return "> " + strings.Repeat("  ", i%48) + "- x\n" }))
	}, 512},
	{"list markers on one line (16)", func(n int) string {
		return hostilePage(repeatLines(n, func(int) string { return strings.Repeat("- ", content.MaxNesting) + "x\n" }))
	}, 512},
	{"quote and list markers mixed", func(n int) string {
		return hostilePage(repeatLines(n, func(int) string { return strings.Repeat("> - ", content.MaxNesting/2) + "x\n" }))
	}, 512},
	{"unclosed link brackets (1,000 a paragraph)", func(n int) string {
		return hostilePage(repeatLines(n, func(int) string { return strings.Repeat("[a](", content.MaxBrackets) + "\n\n" }))
	}, 2},
	{"unclosed brackets", func(n int) string {
		return hostilePage(repeatLines(n, func(int) string { return strings.Repeat("[", content.MaxBrackets) + "\n\n" }))
	}, 8},
	{"images in brackets", func(n int) string {
		return hostilePage(repeatLines(n, func(int) string { return strings.Repeat("![", content.MaxBrackets/2) + "\n\n" }))
	}, 8},
	{"emphasis and links interleaved", func(n int) string {
		return hostilePage(repeatLines(n, func(int) string {
			return strings.Repeat("*[", content.MaxBrackets/2) + strings.Repeat("](x)*", content.MaxBrackets/2) + "\n\n"
		}))
	}, 4},
	{"open emphasis", func(n int) string { return hostilePage(strings.Repeat("*a ", n) + "\n") }, 4096},
	{"emphasis delimiters", func(n int) string { return hostilePage(strings.Repeat("*_", n) + "x\n") }, 4096},
	{"intraword underscores", func(n int) string { return hostilePage(strings.Repeat("a_", n) + "\n") }, 4096},
	{"backtick runs", func(n int) string {
		return hostilePage(repeatLines(n, func(i int) string { return strings.Repeat("`", i%64+1) + " " }) + "\n")
	}, 512},
	{"links", func(n int) string {
		return hostilePage(repeatLines(n, func(i int) string {
			sep := " "
			if i%500 == 499 {
				sep = "\n\n" // a paragraph holds at most MaxBrackets
			}
			return fmt.Sprintf("[a](/p%d)%s", i, sep)
		}) + "\n")
	}, 512},
	{"site links in many paragraphs", func(n int) string {
		return hostilePage(repeatLines(n, func(int) string { return "See [x](/) and [y](/#top).\n\n" }))
	}, 512},
	{"reference definitions", func(n int) string {
		defs := repeatLines(n, func(i int) string {
			if i%400 == 399 {
				return fmt.Sprintf("[r%d]: /u%d\n\n", i, i) // a paragraph holds at most MaxBrackets
			}
			return fmt.Sprintf("[r%d]: /u%d\n", i, i)
		})
		return hostilePage(defs + repeatLines(n, func(i int) string { return fmt.Sprintf("[r%d]\n\n", i) }))
	}, 512},
	{"repeated headings", func(n int) string { return hostilePage(strings.Repeat("## Same\n\n", n)) }, 512},
	{"table rows", func(n int) string { return hostilePage("| a | b |\n|---|---|\n" + strings.Repeat("| x | y |\n", n)) }, 1024},
	{"table columns", func(n int) string {
		return hostilePage(strings.Repeat("| a ", n) + "|\n" + strings.Repeat("|---", n) + "|\n" + strings.Repeat("| x ", n) + "|\n")
	}, 512},
	{"long line", func(n int) string { return hostilePage(strings.Repeat("word ", n) + "\n") }, 4096},
	{"autolinks", func(n int) string { return hostilePage(strings.Repeat("https://a.example/ ", n) + "\n") }, 1024},
	{"angle brackets", func(n int) string { return hostilePage(strings.Repeat("<a ", n) + "\n") }, 2048},
	{"entities", func(n int) string { return hostilePage(strings.Repeat("&amp;", n) + "\n") }, 4096},
	{"unclosed fences", func(n int) string { return hostilePage(strings.Repeat("```\n", n)) }, 1024},
	{"code blocks", func(n int) string { return hostilePage(strings.Repeat("```go\nx := 1\n```\n\n", n)) }, 128},
	{"setext headings", func(n int) string { return hostilePage(strings.Repeat("a\n=\n", n)) }, 1024},
	{"lazy continuation", func(n int) string { return hostilePage("> a\n" + strings.Repeat("b\n", n)) }, 1024},
	{"list items", func(n int) string { return hostilePage(strings.Repeat("- a\n", n)) }, 1024},
	{"front matter: many aliases", func(n int) string {
		return "---\ntitle: T\nsummary: S.\nstatus: unofficial\nspec: [{name: t, url: \"https://example.com/\"}]\naliases: [" +
			repeatLines(n, func(i int) string { return fmt.Sprintf("a-%d, ", i) }) + "b]\n---\nx\n"
	}, 256},
	{"front matter: unknown keys", func(n int) string {
		return "---\ntitle: T\nsummary: S.\n" + repeatLines(n, func(i int) string { return fmt.Sprintf("k%d: v\n", i) }) + "---\nx\n"
	}, 256},
	{"front matter: nested flow", func(n int) string {
		return "---\ntitle: T\nsummary: S.\nheaders: " + strings.Repeat("[", n) + strings.Repeat("]", n) + "\n---\nx\n"
	}, 256},
	{"front matter: aliases of aliases", func(n int) string {
		var b strings.Builder
		b.WriteString("---\ntitle: T\nsummary: S.\nx0: &a0 [q, q, q, q, q, q, q, q]\n")
		for i := 1; i < n; i++ {
			fmt.Fprintf(&b, "x%d: &a%d [*a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d]\n", i, i, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1)
		}
		return b.String() + "---\nx\n"
	}, 4},
}

// invalidShapes are not valid content at any size: they must be refused,
// and quickly, by the front matter's decoder.
var invalidShapes = map[string]bool{
	"front matter: unknown keys": true, "front matter: nested flow": true, "front matter: aliases of aliases": true,
}

// parseHostile does what a build does with one content file: front matter,
// limits, then the body, with links and text.
func parseHostile(r *Renderer, src []byte) error {
	p, err := content.Parse("4xx/499.md", "content/4xx/499.md", src)
	if err != nil {
		return err
	}
	return r.Body(p, src, NewLinker(false, ""), true)
}

// isLimit reports whether err is content's refusal of a file past a limit.
func isLimit(err error) bool {
	var le *content.LimitError
	return errors.As(err, &le)
}

// TestHostileCorpus parses each hostile shape at the largest size content
// allows (about 1 MiB) and past it: each must be parsed or refused within
// 10 seconds, and refusals must name the file.
func TestHostileCorpus(t *testing.T) {
	t.Parallel()
	r := New(NewHighlighter(HighlightOptions{NoCache: true}))
	for _, sh := range hostileShapes {
		t.Run(sh.name, func(t *testing.T) {
			// The largest n whose file fits the limits, and one past it.
			n := sh.base
			for {
				_, err := content.Parse("4xx/499.md", "content/4xx/499.md", []byte(sh.gen(n*2)))
				if isLimit(err) {
					break
				}
				n *= 2
			}
			for _, size := range []int{n, n * 4} {
				src := []byte(sh.gen(size))
				done := make(chan error, 1)
				start := time.Now()
				go func() { done <- parseHostile(r, src) }()
				select {
				case err := <-done:
					switch {
					case size == n && err != nil && !invalidShapes[sh.name]:
						t.Errorf("%d bytes, inside the limits: %v", len(src), err)
					case size > n && !isLimit(err):
						t.Errorf("%d bytes, past a limit: %v, want a limit's error", len(src), err)
					}
					if err != nil && !strings.HasPrefix(err.Error(), "content/4xx/499.md") {
						t.Errorf("%d bytes: refusal does not name the file: %v", len(src), err)
					}
					t.Logf("%d KB: %v (%v)", len(src)>>10, time.Since(start).Round(time.Millisecond), firstLine(err))
				case <-time.After(testenv.Slow(10 * time.Second)):
					t.Fatalf("%d bytes: neither parsed nor refused within 10 s", len(src))
				}
			}
		})
	}
}

func firstLine(err error) string {
	if err == nil {
		return "parsed"
	}
	s, _, _ := strings.Cut(err.Error(), "\n")
	return s
}

// BenchmarkHostile times each hostile shape at five sizes, each twice the
// one before, and reports how time grew: "growth" is log2 of the time
// ratio per doubling, 1.0 for linear growth, 2.0 for quadratic; "ratio" is
// the time at 16 times the size over the time at the smallest.
func BenchmarkHostile(b *testing.B) {
	r := New(NewHighlighter(HighlightOptions{NoCache: true}))
	for _, sh := range hostileShapes {
		b.Run(sh.name, func(b *testing.B) {
			var times [5]time.Duration
			var sizes [5]int
			for k := range times {
				src := []byte(sh.gen(sh.base << k))
				sizes[k] = len(src)
				times[k] = minTime(b, func() { parseHostile(r, src) })
			}
			for range b.N {
				parseHostile(r, []byte(sh.gen(sh.base)))
			}
			ratio := float64(times[4]) / float64(times[0])
			b.ReportMetric(ratio, "ratio")
			b.ReportMetric(math.Log2(ratio)/4, "growth")
			b.ReportMetric(float64(sizes[4])/1024, "KB-at-16x")
			b.ReportMetric(float64(times[4])/1e6, "ms-at-16x")
		})
	}
}

// minTime is the shortest of a few runs of fn, which is the least noisy
// on a busy machine.
func minTime(b *testing.B, fn func()) time.Duration {
	best := time.Duration(math.MaxInt64)
	for range 5 {
		start := time.Now()
		fn()
		best = min(best, time.Since(start))
	}
	return best
}

// FuzzHostile is FuzzPage's generator for large structured input: it
// grows the fuzzer's small fragments into files of up to about 1 MiB, the
// shapes that hurt parsers: a unit repeated, lines opened by a prefix
// repeated to a depth, and a unit wrapped in a prefix and suffix n deep.
// Every file must be parsed or refused within 10 seconds.
func FuzzHostile(f *testing.F) {
	for _, seed := range []struct {
		prefix, unit, suffix string
		n                    uint16
		mode                 uint8
	}{
		{"> ", "x\n", "", 2000, 1}, {"- ", "x\n", "", 2000, 1}, {"  ", "- x\n", "", 2000, 1},
		{"[", "a", "](", 3000, 2}, {"*", "a", "*", 3000, 2}, {"", "[a](/b) ", "", 9000, 0},
		{"", "## Same\n\n", "", 9000, 0}, {"| ", "x ", "|", 3000, 2}, {"<", "a ", "", 9000, 2},
	} {
		f.Add([]byte(seed.prefix), []byte(seed.unit), []byte(seed.suffix), seed.n, seed.mode)
	}
	r := New(NewHighlighter(HighlightOptions{NoCache: true}))
	f.Fuzz(func(t *testing.T, prefix, unit, suffix []byte, n uint16, mode uint8) {
		if len(prefix)+len(unit)+len(suffix) == 0 || len(prefix)+len(unit)+len(suffix) > 64 {
			return
		}
		body := growHostile(prefix, unit, suffix, int(n), mode%3)
		src := []byte(hostilePage(string(body)))
		done := make(chan error, 1)
		go func() { done <- parseHostile(r, src) }()
		select {
		case <-done:
		case <-time.After(testenv.Slow(10 * time.Second)):
			t.Fatalf("%d bytes (mode %d, %q %q %q ×%d): neither parsed nor refused within 10 s", len(src), mode%3, prefix, unit, suffix, n)
		}
	})
}

// growHostile builds a large body from small fragments, at most 1 MiB.
func growHostile(prefix, unit, suffix []byte, n int, mode uint8) []byte {
	const limit = 1 << 20
	var b []byte
	for i := 0; i < n && len(b) < limit; i++ {
		switch mode {
		case 0: // repeated
			b = append(b, prefix...)
			b = append(b, unit...)
			b = append(b, suffix...)
		case 1: // nested lines: prefix repeated to a growing depth
			for range i % 64 {
				b = append(b, prefix...)
			}
			b = append(b, unit...)
			b = append(b, '\n')
		case 2: // wrapped: prefix^n unit suffix^n
			b = append(b, prefix...)
		}
	}
	if mode == 2 {
		b = append(b, unit...)
		for i := 0; i < n && len(b) < 2*limit; i++ {
			b = append(b, suffix...)
		}
	}
	return b
}
