package site

import (
	"context"
	"encoding/hex"

	"github.com/statusdocs/statusdocs/internal/render"
)

// Check runs every check a build of cfg runs (front matter, limits,
// layouts, links and anchors in the output) and writes nothing: not the
// output, not the highlight cache. It returns the number of pages and the
// problems, each "path:line: message".
func Check(ctx context.Context, cfg *Config) (int, error) {
	lay, err := render.ParseLayouts(cfg.Layouts.FS, cfg.Layouts.Name)
	if err != nil {
		return 0, err
	}
	assets, err := CollectAssets(cfg.Static)
	if err != nil {
		return 0, err
	}
	r := NewRenderer(cfg)
	lk := render.NewLinker(cfg.Offline, cfg.BaseURL)
	s, sum, err := loadPages(ctx, cfg, nil)
	if err != nil {
		return 0, err
	}
	if cfg.HashAssets {
		names := assets.HashNames()
		names["/"+SearchIndexFile] = "/search-index." + hex.EncodeToString(sum[:4]) + ".js"
		lk.SetAssets(names)
	}
	w := NewWriter(discard{}, lay, s, r, lk, cfg.Content, "")
	w.links = newLinkIndex()
	if err := w.WriteAll(ctx, assets); err != nil {
		return 0, err
	}
	return len(s.Pages()), nil
}

// discard is an Output that keeps nothing: Check renders every file (the
// link check reads them as they pass) and writes none.
type discard struct{}

func (discard) WriteFile(string, []byte) error { return nil }
