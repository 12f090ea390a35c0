package site

import "context"

// Check runs every check a build of cfg runs (front matter, limits,
// layouts, links and anchors in the output) and writes nothing: not the
// output, not the highlight cache. It returns the number of pages and the
// problems, each "path:line: message", and the warnings a build would
// print (see Result.Warnings).
func Check(ctx context.Context, cfg *Config) (*Result, error) {
	p, err := prepare(ctx, cfg)
	if err != nil {
		return nil, err
	}
	w := p.writer(discard{})
	w.links = newLinkIndex()
	if err := w.WriteAll(ctx, p.assets); err != nil {
		return nil, err
	}
	return &Result{Pages: p.pages(), Langs: len(p.site.Editions), Warnings: p.warnings}, nil
}

// discard is an Output that keeps nothing: Check renders every file (the
// link check reads them as they pass) and writes none.
type discard struct{}

func (discard) WriteFile(string, []byte) error { return nil }
