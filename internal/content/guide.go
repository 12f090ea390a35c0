package content

import (
	"errors"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// Guides are pages under content/guides/ that answer questions across
// codes: comparison pages for codes people confuse, with a table made
// from the code pages' facts (never typed twice), and decision guides
// ("which status code should I send?"), a tree of questions kept as data.

// Columns is the vocabulary of a comparison table's columns, in the order
// they may be listed. Each is made from code pages' facts.
var Columns = []string{"reason", "summary", "status", "permanent", "method", "cacheable", "retry-after", "auth", "senders", "spec"}

// Redirect is the fact of a redirection code: whether the move is
// permanent and what a client does with the request method.
type Redirect struct {
	Permanent bool   `yaml:"permanent" json:"permanent"`
	Method    string `yaml:"method" json:"method"` // kept, get, may-change
}

var redirectMethods = []string{"kept", "get", "may-change"}

// Tree is a decision guide: questions by id, each answered by going to
// another question or to a code's page.
type Tree struct {
	Start     string               `yaml:"start"`
	Questions map[string]*Question `yaml:"questions"`
	Order     []string             `yaml:"-"` // question ids as written
	Line      int                  `yaml:"-"`
}

// Question is one node of a Tree.
type Question struct {
	Text    string    `yaml:"text"`
	Answers []*Answer `yaml:"answers"`
	Line    int       `yaml:"-"`
}

// Answer leads to the question Next, or ends at the page of Code, with
// Note saying why that code.
type Answer struct {
	Text string `yaml:"text"`
	Next string `yaml:"next"`
	Code int    `yaml:"code"`
	Note string `yaml:"note"`
	Line int    `yaml:"-"`
}

func (t *Tree) UnmarshalYAML(n *yaml.Node) error {
	type plain Tree
	if err := n.Decode((*plain)(t)); err != nil {
		return err
	}
	t.Line = n.Line
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == "questions" {
			q := n.Content[i+1]
			for j := 0; j+1 < len(q.Content); j += 2 {
				id := q.Content[j].Value
				t.Order = append(t.Order, id)
				if qq := t.Questions[id]; qq != nil {
					qq.Line = q.Content[j].Line // the id's line, not its text's
				}
			}
		}
	}
	return nil
}

func (q *Question) UnmarshalYAML(n *yaml.Node) error {
	type plain Question
	q.Line = n.Line
	return n.Decode((*plain)(q))
}

func (a *Answer) UnmarshalYAML(n *yaml.Node) error {
	type plain Answer
	a.Line = n.Line
	return n.Decode((*plain)(a))
}

// checkTree reports what makes a tree unusable, each problem with its
// front-matter line (offset: the file's line of the YAML's first):
// a start or next naming no question, an answer with neither or both of
// next and code, a question with fewer than two answers or unreachable
// from the start, and a cycle. Whether codes have pages is checked when
// the site is linked (checkGuides).
func checkTree(t *Tree, file string) []error {
	var errs []error
	at := func(line int, format string, args ...any) {
		errs = append(errs, Errorf(file, line+1, format, args...))
	}
	if t.Questions[t.Start] == nil {
		at(t.Line, "tree: start %q is not a question", t.Start)
		return errs
	}
	for _, id := range t.Order {
		q := t.Questions[id]
		if q == nil {
			at(t.Line, "tree: question %q is empty", id)
			continue
		}
		// An empty list item is a nil answer: report it, and drop it so
		// nothing later meets it.
		kept := q.Answers[:0]
		for i, a := range q.Answers {
			if a == nil {
				at(q.Line, "tree: answer %d of %q is empty", i+1, id)
				continue
			}
			kept = append(kept, a)
		}
		q.Answers = kept
		if strings.TrimSpace(q.Text) == "" {
			at(q.Line, "tree: question %q has no text", id)
		}
		if len(q.Answers) < 2 {
			at(q.Line, "tree: question %q needs at least two answers", id)
		}
		for _, a := range q.Answers {
			switch {
			case strings.TrimSpace(a.Text) == "":
				at(a.Line, "tree: an answer of %q has no text", id)
			case a.Next == "" && a.Code == 0:
				at(a.Line, "tree: answer %q of %q leads nowhere: give next (a question) or code", a.Text, id)
			case a.Next != "" && a.Code != 0:
				at(a.Line, "tree: answer %q of %q has both next and code", a.Text, id)
			case a.Next != "" && t.Questions[a.Next] == nil:
				at(a.Line, "tree: answer %q of %q: next %q is not a question", a.Text, id, a.Next)
			}
		}
	}
	// Reachability and cycles, by depth-first search from the start.
	const (
		unseen = iota
		open
		done
	)
	state := map[string]int{}
	var visit func(id string, path []string)
	visit = func(id string, path []string) {
		q := t.Questions[id]
		if q == nil {
			return
		}
		switch state[id] {
		case open:
			at(q.Line, "tree: a cycle: %s", strings.Join(append(path, id), " → "))
			return
		case done:
			return
		}
		state[id] = open
		for _, a := range q.Answers {
			if a.Next != "" {
				visit(a.Next, append(path, id))
			}
		}
		state[id] = done
	}
	visit(t.Start, nil)
	for _, id := range t.Order {
		if state[id] == unseen && t.Questions[id] != nil {
			at(t.Questions[id].Line, "tree: question %q cannot be reached from %q", id, t.Start)
		}
	}
	if len(errs) > 0 {
		return errs
	}
	// The list shown without script repeats a question under every answer
	// leading to it: questions shared down a chain would double it at each
	// step. Count it, by memo, and refuse a tree that would be huge.
	size := map[string]int{}
	var count func(id string) int
	count = func(id string) int {
		if n, ok := size[id]; ok {
			return n
		}
		n := 1
		for _, a := range t.Questions[id].Answers {
			if a.Next != "" {
				n += count(a.Next)
			}
			n = min(n, MaxTreeNodes+1)
		}
		size[id] = n
		return n
	}
	if n := count(t.Start); n > MaxTreeNodes {
		at(t.Line, "tree: written out for readers without script it would show more than %d questions (shared questions repeat under each answer that leads to them)", MaxTreeNodes)
	}
	return errs
}

// MaxTreeNodes is how many questions a decision tree may show once
// written out as a nested list.
const MaxTreeNodes = 500

// Codes returns the codes a tree ends at, in order of first appearance.
func (t *Tree) Codes() []int {
	var out []int
	for _, id := range t.Order {
		if t.Questions[id] == nil {
			continue
		}
		for _, a := range t.Questions[id].Answers {
			if a.Code != 0 && !slices.Contains(out, a.Code) {
				out = append(out, a.Code)
			}
		}
	}
	return out
}

// checkGuideFields validates a guide's front matter.
func checkGuideFields(fm *frontMatter, file string, at func(key, format string, args ...any)) []error {
	for _, c := range fm.Columns {
		if !slices.Contains(Columns, c) {
			at("columns", "unknown column %q (want one of %s)", c, strings.Join(Columns, ", "))
		}
	}
	if len(fm.Columns) > 0 && len(fm.Codes) < 2 {
		at("codes", "a comparison table needs at least two codes")
	}
	if fm.Tree != nil {
		return checkTree(fm.Tree, file)
	}
	return nil
}

// checkGuides checks, once every page is known, that each code a guide
// names has a page, and links code pages to the guides that cover them.
func (s *Site) checkGuides() error {
	var errs []error
	for _, g := range s.Guides {
		codes := slices.Clone(g.GuideCodes)
		if g.Tree != nil {
			codes = append(codes, g.Tree.Codes()...)
		}
		seen := map[int]bool{}
		for _, c := range codes {
			p := s.byCode[c]
			if p == nil {
				errs = append(errs, Errorf(g.File, 1, "guide names code %d, which has no page", c))
				continue
			}
			if !seen[c] {
				seen[c] = true
				p.Guides = append(p.Guides, g)
			}
		}
	}
	return errors.Join(errs...)
}
