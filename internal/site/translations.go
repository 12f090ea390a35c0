package site

import (
	"errors"
	"fmt"

	"github.com/statusdocs/statusdocs/internal/content"
)

// TranslationWarnings returns one line for each translation made from an
// older text of its page, and one per edition for its pages not
// translated yet. With strict, the stale ones are errors instead (for CI:
// -strict-translations).
//
// Builds call it through prepare, the dev server after each load.
func TranslationWarnings(eds []*content.Site, strict bool, contentName string) (warnings []string, err error) {
	var errs []error
	for _, s := range eds[1:] {
		missing := 0
		for _, p := range s.Pages() {
			switch {
			case p.Untranslated:
				missing++
			case p.Stale:
				msg := fmt.Sprintf("%s: translation of %s is out of date: made from text %s, the page's text is now %s (update it, then set source_hash: %s)",
					p.File, p.Source.File, p.SourceHash, p.Source.TextHash, p.Source.TextHash)
				if strict {
					errs = append(errs, errors.New(msg))
				} else {
					warnings = append(warnings, msg)
				}
			}
		}
		if missing > 0 {
			warnings = append(warnings, fmt.Sprintf("%s/%s: %d of %d pages not translated yet (shown in %s with a notice)",
				contentName, s.Lang, missing, len(s.Pages()), content.DefaultLang))
		}
	}
	return warnings, errors.Join(errs...)
}
