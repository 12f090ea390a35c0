package content

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const limitsHead = "---\ntitle: T\nsummary: S.\nstatus: standard\n---\n" // body starts on line 6

func TestLimits(t *testing.T) {
	for _, c := range []struct {
		name, body string
		want       string // error, or "" when within the limits
	}{
		{"16 quotes", strings.Repeat("> ", 16) + "x\n", ""},
		{"17 quotes", "ok\n\n" + strings.Repeat(">", 17) + " x\n", ":8: 17 quote or list markers open this line; the limit is 16"},
		{"17 list markers", strings.Repeat("- ", 17) + "x\n", ":6: 17 quote or list markers"},
		{"mixed markers", strings.Repeat("> 1. ", 9) + "x\n", ":6: 18 quote or list markers"},
		{"markers inside a fence", "```\n" + strings.Repeat("> ", 40) + "\n```\n", ""},
		{"markers after a closed fence", "```\nx\n```\n" + strings.Repeat("> ", 40) + "\n", ":9: 40 quote"},
		{"tilde fence with backticks inside", "~~~\n```\n" + strings.Repeat("> ", 40) + "\n~~~\n", ""},
		{"inline code is no fence", "```x``` and\n" + strings.Repeat("> ", 40) + "\n", ":7: 40 quote"},
		{"indent 100", strings.Repeat(" ", 100) + "x\n", ""},
		{"indent 101", "a\n" + strings.Repeat(" ", 101) + "x\n", ":7: indented 101 columns; the limit is 100"},
		{"tabs count to the next stop", strings.Repeat("\t", 26) + "x\n", ":6: indented 104 columns"},
		{"deep indent in a fence", "```\n" + strings.Repeat(" ", 300) + "x\n```\n", ""},
		{"1000 brackets", strings.Repeat("[", 1000) + "\n", ""},
		{"1001 brackets over lines", "x\n\n" + strings.Repeat("[\n", 1001), ":8: the paragraph starting here has more than 1000"},
		{"brackets reset by a blank line", strings.Repeat("[", 900) + "\n\n" + strings.Repeat("[", 900) + "\n", ""},
		{"an indented fence is code, not a fence", "text\n\n    ```\n\n" + strings.Repeat(">", 40) + " x\n", ":10: 40 quote"},
		{"a fence in a quote ends with the quote", "> ```\n\n" + strings.Repeat(">", 40) + " x\n", ":8: 40 quote"},
		{"a fence in a quote holds quoted code", "> ```\n> " + strings.Repeat("[", 2000) + "\n> ```\n", ""},
		{"a fence in a list item", "- ```\n  " + strings.Repeat("[", 2000) + "\n  ```\n", ""},
		{"indentation after a quote counts", "> " + strings.Repeat(" ", 120) + "- x\n", ":6: indented 1"},
		{"file too large", strings.Repeat("a\n", MaxFileBytes/2), "bytes; the limit is 1048576 (1 MiB)"},
	} {
		src := []byte(limitsHead + c.body)
		_, err := Parse("4xx/410.md", "content/4xx/410.md", src)
		var le *LimitError
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s: %v, want no error", c.name, err)
		case c.want != "" && (err == nil || !errors.As(err, &le) || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%s: %v, want a limit's error containing %q", c.name, err, c.want)
		case c.want != "" && !strings.HasPrefix(err.Error(), "content/4xx/410.md"):
			t.Errorf("%s: %v does not name the file", c.name, err)
		}
	}
	big := "---\ntitle: T\nsummary: S.\nstatus: standard\naliases: [" + strings.Repeat("a, ", MaxFrontMatterBytes/3) + "b]\n---\n"
	if _, err := Parse("4xx/410.md", "content/4xx/410.md", []byte(big)); err == nil || !strings.Contains(err.Error(), "content/4xx/410.md:1: front matter is") {
		t.Errorf("front matter past the limit: %v", err)
	}
	many := "---\ntitle: T\nsummary: S.\n" + strings.Repeat("k: v\n", 100) + "---\n"
	_, err := Parse("about.md", "content/about.md", []byte(many))
	if n := strings.Count(err.Error(), "\n"); n != maxErrors {
		t.Errorf("100 bad keys gave %d lines, want %d and a count of the rest", n+1, maxErrors+1)
	}
}

// TestShippedWithinLimits checks the shipped pages are far from every
// limit (at most half of each), so the limits refuse only hostile input,
// and logs how far.
func TestShippedWithinLimits(t *testing.T) {
	dir := filepath.Join("..", "..", "content")
	var size, depth, indent, brackets int
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".md") {
			return err
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		size = max(size, len(src))
		var fence []byte
		para := 0
		for line := range strings.Lines(string(src)) {
			sh := lineShape([]byte(strings.TrimRight(line, "\n")))
			in, dp, inner := sh.indent, sh.depth, sh.inner
			if fence != nil {
				if strings.HasPrefix(string(inner), string(fence)) {
					fence = nil
				}
				continue
			}
			if fence = fenceMarker(inner); fence != nil {
				continue
			}
			if strings.TrimSpace(line) == "" {
				para = 0
				continue
			}
			depth, indent = max(depth, dp), max(indent, in)
			para += strings.Count(line, "[")
			brackets = max(brackets, para)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("shipped pages: largest %d bytes, nesting %d, indent %d, %d brackets in a paragraph", size, depth, indent, brackets)
	if size > MaxFileBytes/2 || depth > MaxNesting/2 || indent > MaxIndent/2 || brackets > MaxBrackets/2 {
		t.Errorf("a shipped page comes within half of a limit")
	}
}
