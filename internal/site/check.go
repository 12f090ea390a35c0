package site

import "context"

// Check runs every check a build of cfg runs (front matter, limits,
// layouts, links and anchors in the output) and writes nothing: not the
// output, not the highlight cache. It returns the number of pages and the
// problems, each "path:line: message".
func Check(ctx context.Context, cfg *Config) (int, error) {
	p, err := prepare(ctx, cfg)
	if err != nil {
		return 0, err
	}
	w := p.writer(discard{})
	w.links = newLinkIndex()
	if err := w.WriteAll(ctx, p.assets); err != nil {
		return 0, err
	}
	return len(p.site.Pages()), nil
}

// discard is an Output that keeps nothing: Check renders every file (the
// link check reads them as they pass) and writes none.
type discard struct{}

func (discard) WriteFile(string, []byte) error { return nil }
