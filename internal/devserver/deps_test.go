package devserver

import (
	"context"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/statusdocs/statusdocs/internal/testenv"
)

// TestIncrementalUnusualLayout gives every page a sidebar of every code
// (title, summary, status) and every plain page, and code pages the
// headings of their related codes' bodies: layouts that show far more of
// other pages than the shipped ones. Random edits of front matter and
// bodies follow; after each, every file the dev server serves must equal
// a full build's, and some rebuilds must still render only part of the
// site (else recording what pages read would be pointless).
func TestIncrementalUnusualLayout(t *testing.T) {
	t.Parallel()
	cfg := fixtureConfig(t)
	content := cfg.Content.FS.(fstest.MapFS)
	layouts := cfg.Layouts.FS.(fstest.MapFS)
	sidebar := `<aside class="sidebar"><ul>{{range .Site.Codes}}<li>{{.Code}} {{.Title}}: {{.Summary}} ({{.Status}})</li>{{end}}</ul>` +
		`<ul>{{range .Site.Plain}}<li>{{.Title}}</li>{{end}}</ul></aside>` + "\n<footer"
	base := string(layouts["base.html"].Data)
	if !strings.Contains(base, "\n<footer") {
		t.Fatal("base.html has no footer to put the sidebar before")
	}
	setFile(layouts, "base.html", strings.Replace(base, "\n<footer", "\n"+sidebar, 1))
	code := string(layouts["code.html"].Data)
	related := `{{with $p.Related}}<div class="related-headings">{{range .}}{{range .Headings}}<span>{{.Text}}</span>{{end}}{{end}}</div>{{end}}{{with $p.Related}}<h2 id="related-codes">`
	if !strings.Contains(code, `{{with $p.Related}}<h2 id="related-codes">`) {
		t.Fatal("code.html has no related list to extend")
	}
	setFile(layouts, "code.html", strings.Replace(code, `{{with $p.Related}}<h2 id="related-codes">`, related, 1))

	// 404.html shows the headings of the 404 page's body.
	nf := string(layouts["404.html"].Data)
	if !strings.Contains(nf, "{{define \"main\"}}") {
		t.Fatal("404.html defines no main")
	}
	setFile(layouts, "404.html", strings.Replace(nf, "{{define \"main\"}}", "{{define \"main\"}}{{with .Site.Code 404}}<ul class=\"nf-headings\">{{range .Headings}}<li>{{.Text}}</li>{{end}}</ul>{{end}}", 1))
	b := newBuilder(cfg)
	if res := b.build(context.Background()); res.err != nil {
		t.Fatal(res.err)
	}
	seed := uint64(testenv.Seed(t))
	rng := rand.New(rand.NewPCG(seed, seed))
	pages := []string{"_index.md", "about.md", "2xx/_index.md", "2xx/200.md", "4xx/_index.md", "4xx/404.md", "4xx/418.md", "4xx/451.md"}
	codes := []string{"2xx/200.md", "4xx/404.md", "4xx/418.md", "4xx/451.md"}
	edit := func(i int) string {
		name := pages[rng.IntN(len(pages))]
		if i == 0 {
			// First, always: a heading in 404's body, which 404.html shows.
			setFile(content, "4xx/404.md", string(content["4xx/404.md"].Data)+"\n## Heading 0\n\nText 0.\n")
			return "4xx/404.md"
		}
		src := string(content[name].Data)
		head, body, _ := strings.Cut(strings.TrimPrefix(src, "---\n"), "\n---\n")
		isCode := slices.Contains(codes, name)
		switch k := rng.IntN(6); {
		case k == 0:
			head = replaceLine(head, "title: ", fmt.Sprintf("title: Title %d", i))
		case k == 1:
			head = replaceLine(head, "summary: ", fmt.Sprintf("summary: Summary %d.", i))
		case k == 2 && isCode:
			head = replaceLine(head, "status: ", "status: "+[]string{"standard", "deprecated", "unofficial", "reserved"}[rng.IntN(4)])
		case k == 3 && isCode:
			var rel []string
			for _, c := range codes {
				if c != name && rng.IntN(2) == 0 {
					rel = append(rel, strings.TrimSuffix(c[4:], ".md"))
				}
			}
			head = replaceLine(head, "related: ", "related: ["+strings.Join(rel, ", ")+"]")
		case k == 4:
			body += fmt.Sprintf("\n## Heading %d\n\nText %d.\n", i, i)
		default:
			body += fmt.Sprintf("\nMore text %d.\n", i)
		}
		setFile(content, name, "---\n"+head+"\n---\n"+body)
		return name
	}
	partial := 0
	for i := range 40 {
		name := edit(i)
		res := b.build(context.Background())
		if res.err != nil {
			t.Fatalf("edit %d of %s (seed %d): %v", i, name, seed, res.err)
		}
		full := newBuilder(cloneConfig(cfg)).build(context.Background())
		if full.err != nil {
			t.Fatalf("edit %d: full build: %v", i, full.err)
		}
		for _, f := range slices.Sorted(maps.Keys(full.build.files)) {
			if got := res.build.files[f]; string(got) != string(full.build.files[f]) {
				t.Fatalf("edit %d of %s (seed %d): %s differs from a full build:\n%s", i, name, seed, f,
					testenv.FirstDiff(string(full.build.files[f]), string(got)))
			}
		}
		if len(res.build.files) != len(full.build.files) {
			t.Fatalf("edit %d: %d files, a full build %d", i, len(res.build.files), len(full.build.files))
		}
		if res.rendered < res.pages {
			partial++
		}
	}
	if partial == 0 {
		t.Error("every rebuild rendered every page")
	}
	t.Logf("seed %d: %d of 40 rebuilds rendered part of the site", seed, partial)
}

// replaceLine replaces the line of yaml starting with prefix, or adds one.
func replaceLine(yaml, prefix, line string) string {
	lines := strings.Split(yaml, "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, prefix) {
			lines[i] = line
			return strings.Join(lines, "\n")
		}
	}
	return yaml + "\n" + line
}
