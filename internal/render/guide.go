package render

import (
	"encoding/json"
	"fmt"
	"html/template"
	"slices"
	"strings"
)

// Table is a comparison guide's table: a row per code it names, a column
// per fact it lists, every cell made from the code's page.
type Table struct {
	Columns []string // header labels
	Rows    [][]template.HTML
}

// Table returns the guide's comparison table, or nil. Cells are HTML
// built here from escaped text: links to the code pages and specs, and the
// catalogue's words for yes, no and the like.
func (v *View) Table() (*Table, error) {
	g := v.page
	if len(g.Columns) == 0 {
		return nil, nil
	}
	t := &Table{}
	for _, c := range g.Columns {
		label, err := v.cat.T("guide.col." + c)
		if err != nil {
			return nil, err
		}
		t.Columns = append(t.Columns, label)
	}
	esc := template.HTMLEscapeString
	yesNo := func(b bool) template.HTML {
		if b {
			return template.HTML(esc(v.cat.Must("guide.yes")))
		}
		return template.HTML(esc(v.cat.Must("guide.no")))
	}
	dash := template.HTML("—")
	for _, code := range g.GuideCodes {
		p := v.site.Code(code)
		if p == nil {
			continue // reported by content.Link
		}
		v.Page().wrap(p).meta() // record the read, for the dev server
		var row []template.HTML
		for _, c := range g.Columns {
			var cell template.HTML
			switch c {
			case "reason":
				cell = template.HTML(fmt.Sprintf(`<a href="%s"><span class="code">%d</span> %s</a>`, esc(v.URL(p.URL)), p.Code, esc(p.Title)))
			case "summary":
				cell = template.HTML(esc(p.Summary))
			case "status":
				cell = template.HTML(esc(v.cat.Must("status." + p.Status)))
			case "permanent":
				cell = dash
				if p.Redirect != nil {
					cell = yesNo(p.Redirect.Permanent)
				}
			case "method":
				cell = dash
				if p.Redirect != nil {
					cell = template.HTML(esc(v.cat.Must("guide.method." + p.Redirect.Method)))
				}
			case "cacheable":
				cell = yesNo(p.Cacheable)
			case "retry-after":
				cell = yesNo(slices.Contains(p.Headers, "Retry-After"))
			case "auth":
				cell = dash
				for _, h := range p.Headers {
					if h == "WWW-Authenticate" || h == "Proxy-Authenticate" {
						cell = template.HTML("<code>" + esc(h) + "</code>")
					}
				}
			case "senders":
				var who []string
				for _, s := range p.Senders {
					who = append(who, esc(v.cat.Must("sender."+s.By)))
				}
				cell = template.HTML(strings.Join(who, v.cat.Must("list.sep")))
				if len(who) == 0 {
					cell = dash
				}
			case "spec":
				cell = dash
				if len(p.Spec) > 0 {
					cell = template.HTML(fmt.Sprintf(`<a href="%s">%s</a>`, esc(p.Spec[0].URL), esc(v.cat.SpecName(p.Spec[0].Name))))
				}
			}
			row = append(row, cell)
		}
		t.Rows = append(t.Rows, row)
	}
	return t, nil
}

// TreeNode is one question of a decision guide as the no-script list
// shows it: nested, a question reached by two answers shown under each.
type TreeNode struct {
	ID      string
	Text    string
	Answers []TreeAnswer
}

// TreeAnswer leads to Next or ends at the page of Code, linked by Href
// from the guide.
type TreeAnswer struct {
	Text  string
	Note  string
	Next  *TreeNode
	Code  int
	Title string
	Href  string
}

// Tree returns the guide's decision tree from its start, or nil.
func (v *View) Tree() *TreeNode {
	t := v.page.Tree
	if t == nil {
		return nil
	}
	var build func(id string, depth int) *TreeNode
	build = func(id string, depth int) *TreeNode {
		q := t.Questions[id]
		if q == nil || depth > len(t.Questions) { // checked acyclic; a guard all the same
			return nil
		}
		n := &TreeNode{ID: id, Text: q.Text}
		for _, a := range q.Answers {
			ta := TreeAnswer{Text: a.Text, Note: a.Note}
			if a.Next != "" {
				ta.Next = build(a.Next, depth+1)
			} else if p := v.site.Code(a.Code); p != nil {
				v.Page().wrap(p).meta()
				ta.Code, ta.Title, ta.Href = p.Code, p.Title, v.URL(p.URL)
			}
			n.Answers = append(n.Answers, ta)
		}
		return n
	}
	return build(t.Start, 0)
}

// TreeJSON returns the tree for the decision guide's script: questions by
// id, answers leading to an id or to a code's page (its link from this
// page, title and summary). It is inlined in the page, so the guide works
// from file:// with no request.
func (v *View) TreeJSON() (string, error) {
	t := v.page.Tree
	if t == nil {
		return "", nil
	}
	type answer struct {
		Text    string `json:"text"`
		Note    string `json:"note,omitempty"`
		Next    string `json:"next,omitempty"`
		Code    int    `json:"code,omitempty"`
		Href    string `json:"href,omitempty"`
		Title   string `json:"title,omitempty"`
		Summary string `json:"summary,omitempty"`
	}
	type question struct {
		Text    string   `json:"text"`
		Answers []answer `json:"answers"`
	}
	out := struct {
		Start     string              `json:"start"`
		Questions map[string]question `json:"questions"`
	}{Start: t.Start, Questions: map[string]question{}}
	for id, q := range t.Questions {
		var as []answer
		for _, a := range q.Answers {
			x := answer{Text: a.Text, Note: a.Note, Next: a.Next}
			if p := v.site.Code(a.Code); a.Code != 0 && p != nil {
				v.Page().wrap(p).meta()
				x.Code, x.Href, x.Title, x.Summary = p.Code, v.URL(p.URL), p.Title, p.Summary
			}
			as = append(as, x)
		}
		out.Questions[id] = question{Text: q.Text, Answers: as}
	}
	b, err := json.Marshal(out)
	return string(b), err
}
