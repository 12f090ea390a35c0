package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/statusdocs/statusdocs/internal/content"
	"github.com/statusdocs/statusdocs/internal/render"
	"github.com/statusdocs/statusdocs/internal/site"
)

// errNoMatch means show found no code for the query (exit 1).
var errNoMatch = fmt.Errorf("no status code matches")

// runShow is statusdocs show: what a code means, in the terminal, from
// the embedded content (or -content), found as the site's search finds
// it: an exact code, then a reason phrase, former name or alias, then the
// words of titles and summaries.
func runShow(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fset := flag.NewFlagSet("show", flag.ContinueOnError)
	fset.SetOutput(stderr)
	var src sourceFlags
	src.register(fset)
	baseURL := fset.String("base-url", "", "print reference links under this `url` (default: the path in the site, /404/)")
	fset.Usage = func() {
		fmt.Fprint(stderr, "usage: statusdocs show [flags] QUERY\n\nPrint a status code's reason phrase, status, summary and reference link:\n\"show 404\", \"show teapot\", \"show gateway timeout\". Exits 1 when nothing\nmatches.\n\nFlags:\n")
		fset.PrintDefaults()
	}
	if err := parseFlagsArgs(fset, args); err != nil {
		return err
	}
	query := strings.TrimSpace(strings.Join(fset.Args(), " "))
	if query == "" {
		fset.Usage()
		return errUsage
	}
	set := setFlags(fset)
	if !set["content"] && !set["layouts"] && !set["static"] {
		set["embedded"] = true // the program's own content, wherever it runs
		src.embedded = true
	}
	cfg, err := src.config(set)
	if err != nil {
		return err
	}
	base, err := site.NormalizeBaseURL(*baseURL)
	if err != nil {
		return err
	}
	// Only the default language's pages are shown: other editions'
	// bodies need not be rendered.
	s, err := site.LoadSite(ctx, cfg, nil, func(*content.Page, []byte) error { return nil })
	if err != nil {
		return err
	}
	lay, err := render.ParseLayouts(cfg.Layouts.FS, cfg.Layouts.Name)
	if err != nil {
		return err
	}
	cat := lay.Catalog(content.DefaultLang)
	hits := findCodes(s, query)
	if len(hits) == 0 {
		return fmt.Errorf("%w %q (try a code, a reason phrase or words of one)", errNoMatch, query)
	}
	for i, p := range hits {
		if i > 0 {
			fmt.Fprintln(stdout)
		}
		status := ""
		if p.Status != "standard" {
			status = " (" + p.Status + ")"
		}
		fmt.Fprintf(stdout, "%d %s%s\n%s\n", p.Code, p.Title, status, p.Summary)
		if len(p.Former) > 0 {
			fmt.Fprintf(stdout, "Formerly: %s\n", strings.Join(p.Former, ", "))
		}
		if len(p.Senders) > 0 {
			fmt.Fprintln(stdout, "Usually sent by:")
			for _, sd := range p.Senders {
				who := cat.Must("sender." + sd.By)
				if len(sd.Products) > 0 {
					who += " (" + strings.Join(sd.Products, ", ") + ")"
				}
				fmt.Fprintf(stdout, "  - %s: %s\n", who, sd.Tell)
			}
		}
		ref := p.URL
		if base != "" {
			ref = strings.TrimSuffix(base, "/") + p.URL
		}
		fmt.Fprintf(stdout, "More: %s\n", ref)
	}
	return nil
}

// findCodes ranks the code pages for a query: an exact code alone; else
// pages whose reason phrase, former name or alias is the query; else the
// pages with the most query words in their title (counted three times),
// former names and aliases, and summary, up to five.
func findCodes(s *content.Site, query string) []*content.Page {
	q := strings.ToLower(query)
	if code, err := strconv.Atoi(q); err == nil {
		if p := s.Code(code); p != nil {
			return []*content.Page{p}
		}
		return nil
	}
	slug := strings.Join(words(q), "-")
	var exact []*content.Page
	for _, p := range s.Codes {
		names := append([]string{p.Title}, p.Former...)
		if slices.ContainsFunc(names, func(n string) bool { return strings.EqualFold(n, query) }) || slices.Contains(p.Aliases, slug) {
			exact = append(exact, p)
		}
	}
	if len(exact) > 0 {
		return exact
	}
	type scored struct {
		p     *content.Page
		score int
	}
	var all []scored
	qw := words(q)
	for _, p := range s.Codes {
		title := words(strings.ToLower(p.Title + " " + strings.Join(p.Former, " ") + " " + strings.Join(p.Aliases, " ")))
		summary := words(strings.ToLower(p.Summary))
		score, matched := 0, 0
		for _, w := range qw {
			hit := false
			if slices.ContainsFunc(title, func(t string) bool { return strings.HasPrefix(t, w) }) {
				score += 3
				hit = true
			}
			if slices.Contains(summary, w) {
				score++
				hit = true
			}
			if hit {
				matched++
			}
		}
		if matched == len(qw) && score > 0 {
			all = append(all, scored{p, score})
		}
	}
	slices.SortStableFunc(all, func(a, b scored) int { return b.score - a.score })
	var out []*content.Page
	for _, sc := range all[:min(len(all), 5)] {
		if sc.score == all[0].score || len(out) < 3 {
			out = append(out, sc.p)
		}
	}
	return out
}

// words splits text into lower-case words (letters and digits; "teapot",
// "i'm" as "i" and "m").
func words(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}
