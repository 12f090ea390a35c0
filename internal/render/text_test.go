package render

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/statusdocs/statusdocs/internal/content"
	"github.com/statusdocs/statusdocs/internal/testenv"
	"github.com/yuin/goldmark/ast"
)

// TestBodyWords checks the streaming word extraction gives exactly what
// SearchWords gives for the page's plain text, on tricky Markdown and on
// every shipped page.
func TestBodyWords(t *testing.T) {
	t.Parallel()
	srcs := map[string][]byte{
		"tricky": []byte("Foo*bar* ÄÖ Straße `Code` HTTP/1.1 don't\nsoft break\n\n# Head\n\n```go\nskipped()\n```\n- a **B** c\n"),
	}
	dir := testenv.Repo(t, "content")
	names, err := content.List(os.DirFS(dir), dir)
	if err != nil || len(names) < 80 {
		t.Fatalf("content: %d files, %v", len(names), err)
	}
	for _, n := range names {
		srcs[n], _ = os.ReadFile(filepath.Join(dir, n))
	}
	r := New(NewHighlighter(HighlightOptions{}))
	for name, src := range srcs {
		doc := r.parse(r.md, src, 0)
		if got, want := bodyWords(doc, src), SearchWords(plainText(doc, src)); got != want {
			t.Errorf("%s: bodyWords = %q,\nwant %q", name, got, want)
		}
	}
}

// BenchmarkBodyWords measures taking a synthetic page's distinct words
// from its syntax tree.
func BenchmarkBodyWords(b *testing.B) {
	src := testenv.SyntheticPage(7, 100)
	doc := newParse(src, 0)
	for b.Loop() {
		bodyWords(doc, src)
	}
}

func newParse(src []byte, start int) ast.Node {
	r := New(NewHighlighter(HighlightOptions{}))
	return r.parse(r.md, src, start)
}
