package testenv

import (
	"fmt"
	"strings"
	"testing/fstest"
)

// words is the vocabulary of synthetic prose.
var words = strings.Fields(`the server client request response header cache proxy origin status code body
method resource representation validator condition redirect location retry after content length range
negotiation authentication credentials gateway upstream timeout connection payload media type encoding
field value section document message semantics target identifier entity tag freshness lifetime stale
heuristic explicit directive private public shared storage intermediary tunnel upgrade protocol version`)

// SyntheticPage returns page i of n: front matter (title, summary), about
// 600 words in three sections, a 5-item list, a 5-row table, a link to
// another page, an 8-line http response and a 10-line Go block. It is
// deterministic, and its code blocks differ from page to page, so a
// highlight cache cannot answer them from another page.
func SyntheticPage(i, n int) []byte {
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

// SyntheticContent returns a content folder of n synthetic pages under
// /p/, with a home page.
func SyntheticContent(n int) fstest.MapFS {
	m := fstest.MapFS{
		"_index.md": {Data: []byte("---\ntitle: Synthetic\nsummary: Generated pages.\n---\nGenerated.\n")},
	}
	for i := 0; i < n; i++ {
		m[fmt.Sprintf("p/page-%05d.md", i)] = &fstest.MapFile{Data: SyntheticPage(i, n)}
	}
	return m
}
