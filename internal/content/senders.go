package content

import (
	"strings"
)

// Sender is one kind of party that typically produces a status code, and
// how a reader can tell it was that one: the question people arrive with
// when a code turns up in a log or a browser.
type Sender struct {
	By       string   `yaml:"by" json:"by"`                       // one of Senders' keys
	Products []string `yaml:"products" json:"products,omitempty"` // e.g. nginx, Cloudflare
	Tell     string   `yaml:"tell" json:"tell"`                   // how to tell; `code` spans only
}

// Senders is the fixed vocabulary of a sender's by field, in the order
// pages and filters list them. The labels people read are in the layouts'
// message catalogues (sender.<key>), so that they can be translated.
var Senders = []string{"app", "server", "proxy", "cdn", "client", "log"}

func isSender(by string) bool {
	for _, s := range Senders {
		if s == by {
			return true
		}
	}
	return false
}

// checkSenders validates a code page's senders, reporting through at.
func checkSenders(senders []Sender, at func(key, format string, args ...any)) {
	seen := map[string]bool{}
	for i, s := range senders {
		switch {
		case s.By == "":
			at("senders", "senders entry %d needs by (one of %s)", i+1, strings.Join(Senders, ", "))
		case !isSender(s.By):
			at("senders", "senders entry %d: unknown sender %q (want one of %s)", i+1, s.By, strings.Join(Senders, ", "))
		case seen[s.By]:
			at("senders", "senders entry %d: %q is listed twice: put its products in one entry", i+1, s.By)
		}
		seen[s.By] = true
		if strings.TrimSpace(s.Tell) == "" {
			at("senders", "senders entry %d (%s) needs tell: how a reader can tell it was this sender", i+1, s.By)
		}
		for _, p := range s.Products {
			if strings.TrimSpace(p) == "" {
				at("senders", "senders entry %d (%s): an empty product name", i+1, s.By)
			}
		}
	}
}

// SentBy reports whether one of the page's senders is by.
func (p *Page) SentBy(by string) bool {
	for _, s := range p.Senders {
		if s.By == by {
			return true
		}
	}
	return false
}

// SenderKeys returns the page's senders' by fields, space-separated, for
// a filter to match on.
func (p *Page) SenderKeys() string {
	keys := make([]string, len(p.Senders))
	for i, s := range p.Senders {
		keys[i] = s.By
	}
	return strings.Join(keys, " ")
}
