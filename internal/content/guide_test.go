package content

import (
	"fmt"
	"strings"
	"testing"
)

// TestTreeChecks gives Parse decision trees with each kind of mistake: the
// error names the file and the line of the question or answer at fault.
func TestTreeChecks(t *testing.T) {
	head := "---\ntitle: Which?\nsummary: Choose.\ntree:\n  start: a\n  questions:\n"
	tests := []struct {
		name, tree, want string
	}{
		{"fine", "    a:\n      text: A?\n      answers:\n        - text: x\n          code: 200\n        - text: y\n          next: b\n    b:\n      text: B?\n      answers:\n        - text: x\n          code: 404\n        - text: y\n          code: 410\n", ""},
		{"start", "    b:\n      text: B?\n      answers:\n        - text: x\n          code: 200\n        - text: y\n          code: 404\n", `guides/which.md:5: tree: start "a" is not a question`},
		{"dead end", "    a:\n      text: A?\n      answers:\n        - text: x\n        - text: y\n          code: 404\n", `guides/which.md:10: tree: answer "x" of "a" leads nowhere`},
		{"both", "    a:\n      text: A?\n      answers:\n        - text: x\n          code: 200\n          next: a\n        - text: y\n          code: 404\n", `guides/which.md:10: tree: answer "x" of "a" has both next and code`},
		{"no such next", "    a:\n      text: A?\n      answers:\n        - text: x\n          next: zz\n        - text: y\n          code: 404\n", `guides/which.md:10: tree: answer "x" of "a": next "zz" is not a question`},
		{"one answer", "    a:\n      text: A?\n      answers:\n        - text: x\n          code: 200\n", `guides/which.md:7: tree: question "a" needs at least two answers`},
		{"cycle", "    a:\n      text: A?\n      answers:\n        - text: x\n          next: b\n        - text: y\n          code: 404\n    b:\n      text: B?\n      answers:\n        - text: x\n          next: a\n        - text: y\n          code: 410\n", `tree: a cycle: a → b → a`},
		{"unreachable", "    a:\n      text: A?\n      answers:\n        - text: x\n          code: 200\n        - text: y\n          code: 404\n    c:\n      text: C?\n      answers:\n        - text: x\n          code: 200\n        - text: y\n          code: 404\n", `guides/which.md:14: tree: question "c" cannot be reached from "a"`},
	}
	// A chain of questions, each with two answers leading on: written out
	// without script it doubles at every step.
	var chain strings.Builder
	for i := range 12 {
		next := fmt.Sprintf("          next: q%d\n", i+1)
		if i == 11 {
			next = "          code: 404\n"
		}
		id := fmt.Sprintf("q%d", i)
		if i == 0 {
			id = "a"
		}
		fmt.Fprintf(&chain, "    %s:\n      text: Q?\n      answers:\n        - text: x\n%s        - text: y\n%s", id, next, next)
	}
	tests = append(tests,
		struct{ name, tree, want string }{"empty answer", "    a:\n      text: A?\n      answers:\n        -\n        - text: y\n          code: 404\n        - text: z\n          code: 410\n", `guides/which.md:7: tree: answer 1 of "a" is empty`},
		struct{ name, tree, want string }{"doubling", chain.String(), `tree: written out for readers without script it would show more than 500 questions`},
	)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("guides/which.md", "guides/which.md", []byte(head+tt.tree+"---\nBody.\n"))
			if tt.want == "" {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want %s", err, tt.want)
			}
		})
	}
}

// TestGuideFields: guide-only and code-only fields in the wrong place, an
// unknown column and a bad redirect method are errors naming the line.
func TestGuideFields(t *testing.T) {
	tests := []struct {
		name, file, src, want string
	}{
		{"codes on a code page", "4xx/404.md", "---\ntitle: Not Found\nsummary: No.\nstatus: standard\ncodes: [410]\n---\n", `4xx/404.md:5: "codes" is only allowed on guides`},
		{"cacheable on a guide", "guides/x.md", "---\ntitle: X\nsummary: X.\ncacheable: true\n---\n", `guides/x.md:4: "cacheable" is only allowed on status code pages`},
		{"unknown column", "guides/x.md", "---\ntitle: X\nsummary: X.\ncodes: [404, 410]\ncolumns: [reason, colour]\n---\n", `guides/x.md:5: unknown column "colour"`},
		{"one code", "guides/x.md", "---\ntitle: X\nsummary: X.\ncodes: [404]\ncolumns: [reason]\n---\n", `guides/x.md:4: a comparison table needs at least two codes`},
		{"spec url", "4xx/404.md", "---\ntitle: Not Found\nsummary: No.\nstatus: standard\nspec:\n  - name: X\n    url: javascript:alert(1)\n---\n", `4xx/404.md:5: spec url "javascript:alert(1)": want an http(s) URL`},
		{"redirect method", "3xx/301.md", "---\ntitle: Moved Permanently\nsummary: Moved.\nstatus: standard\nredirect:\n  permanent: true\n  method: sometimes\n---\n", `3xx/301.md:5: redirect: method "sometimes"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(tt.file, tt.file, []byte(tt.src))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want %s", err, tt.want)
			}
		})
	}
}
