package render

import (
	"bytes"
	"sort"
	"strconv"
	"unicode"
	"unicode/utf8"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/util"
)

// headingIDs gives headings their anchors as goldmark's default does
// ("What it means" → "what-it-means", a repeat → "what-it-means-1"), but
// remembers the next suffix of each base: the default tries -1, -2, …
// from the start for every repeat, which takes quadratic time on a page of
// thousands of identical headings.
type headingIDs struct {
	used map[string]bool
	next map[string]int
}

func newHeadingIDs() *headingIDs {
	return &headingIDs{used: map[string]bool{}, next: map[string]int{}}
}

func (s *headingIDs) Generate(value []byte, kind ast.NodeKind) []byte {
	value = util.TrimLeftSpace(value)
	value = util.TrimRightSpace(value)
	base := []byte{}
	for i := 0; i < len(value); {
		v := value[i]
		l := util.UTF8Len(v)
		if l != 1 {
			// Letters of other scripts are kept (a Chinese heading without
			// an explicit {#id} gets a Chinese anchor, not "heading").
			r, n := utf8.DecodeRune(value[i:])
			i += n
			if unicode.IsLetter(r) || unicode.IsNumber(r) {
				base = utf8.AppendRune(base, unicode.ToLower(r))
			}
			continue
		}
		i += int(l)
		if util.IsAlphaNumeric(v) {
			if 'A' <= v && v <= 'Z' {
				v += 'a' - 'A'
			}
			base = append(base, v)
		} else if util.IsSpace(v) || v == '-' || v == '_' {
			base = append(base, '-')
		}
	}
	if len(base) == 0 {
		if kind == ast.KindHeading {
			base = []byte("heading")
		} else {
			base = []byte("id")
		}
	}
	id := string(base)
	if !s.used[id] {
		s.used[id] = true
		return base
	}
	for n := s.next[id] + 1; ; n++ {
		cand := id + "-" + strconv.Itoa(n)
		if !s.used[cand] {
			s.used[cand] = true
			s.next[id] = n
			return []byte(cand)
		}
	}
}

func (s *headingIDs) Put(value []byte) { s.used[string(value)] = true }

// lineIndex finds the line of a byte offset in a file by binary search
// over its line starts, built once per page: counting newlines from the
// start for every link took time quadratic in the number of links.
type lineIndex []int

func newLineIndex(src []byte) lineIndex {
	idx := lineIndex{0}
	for i := 0; ; {
		j := bytes.IndexByte(src[i:], '\n')
		if j < 0 {
			return idx
		}
		i += j + 1
		idx = append(idx, i)
	}
}

// line returns the 1-based line of offset off.
func (idx lineIndex) line(off int) int {
	return sort.Search(len(idx), func(i int) bool { return idx[i] > off })
}
