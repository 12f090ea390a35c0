package content

import (
	"bytes"
	"fmt"
)

// Limits on a content file, checked in one linear pass before anything is
// parsed. goldmark's block and inline parsers, and the YAML decoder, take
// time that grows with the square of some shapes of input: nesting (each
// level of a list or quote rescans the levels around it), unclosed link
// brackets (each "](" scans to the end of its paragraph), and keys the
// decoder reports one by one. Real pages are far inside these limits (the
// largest shipped page is 6 KB, nests 1 deep, is indented 4 columns and
// has 11 brackets in a paragraph: TestShippedWithinLimits); a file past one is refused with the limit it hit, so no file
// can stall a build or the dev server. docs/performance.md measures each
// shape with and without the limits (BenchmarkHostile).
const (
	MaxFileBytes        = 1 << 20  // a content file
	MaxFrontMatterBytes = 64 << 10 // its YAML
	MaxNesting          = 16       // quote and list markers opening one line
	MaxIndent           = 100      // columns of indentation outside code fences
	MaxBrackets         = 1000     // "[" in one paragraph or table
)

// LimitError is a content file's refusal for going past one of the
// limits above; it comes wrapped in a FileError naming the file and line.
type LimitError struct{ Msg string }

func (e *LimitError) Error() string { return e.Msg }

func limitf(file string, line int, format string, args ...any) error {
	return &FileError{File: file, Line: line, Err: &LimitError{Msg: fmt.Sprintf(format, args...)}}
}

// checkLimits reports the first limit src goes past, with its line. body
// is the offset where the Markdown starts and fmLen the front matter's
// length.
func checkLimits(src []byte, body, fmLen int, file string) error {
	if len(src) > MaxFileBytes {
		return limitf(file, 0, "file is %d bytes; the limit is %d (1 MiB): split the page", len(src), MaxFileBytes)
	}
	if fmLen > MaxFrontMatterBytes {
		return limitf(file, 1, "front matter is %d bytes; the limit is %d (64 KiB)", fmLen, MaxFrontMatterBytes)
	}
	line := LineAt(src, body)
	var fence []byte // the open fence's marker ("```", "~~~~"), or nil
	fenceQuotes := 0 // the ">" its line opened with: a line with fewer ends the quote, and the fence
	brackets, paraLine := 0, 0
	for rest := src[body:]; len(rest) > 0; line++ {
		text, after, _ := bytes.Cut(rest, []byte("\n"))
		rest = after
		sh := lineShape(text)
		if fence != nil && sh.quotes < fenceQuotes {
			fence = nil // the quote holding the fence ended
		}
		if fence != nil {
			if sh.fenceable() && bytes.HasPrefix(sh.inner, fence) && len(bytes.TrimSpace(bytes.TrimLeft(sh.inner, string(fence[:1])))) == 0 {
				fence = nil
			}
			continue
		}
		if f := fenceMarker(sh.inner); f != nil && sh.fenceable() {
			fence, fenceQuotes = f, sh.quotes
			brackets = 0
			continue
		}
		if len(bytes.TrimSpace(text)) == 0 {
			brackets = 0
			continue
		}
		if sh.depth > MaxNesting {
			return limitf(file, line, "%d quote or list markers open this line; the limit is %d", sh.depth, MaxNesting)
		}
		if sh.indent > MaxIndent {
			return limitf(file, line, "indented %d columns; the limit is %d outside code fences (put deep text in a ``` block)", sh.indent, MaxIndent)
		}
		if brackets == 0 {
			paraLine = line
		}
		brackets += bytes.Count(text, []byte("["))
		if brackets > MaxBrackets {
			return limitf(file, paraLine, "the paragraph starting here has more than %d \"[\"; the limit keeps link parsing fast (split it with blank lines)", MaxBrackets)
		}
	}
	return nil
}

// shape is how a line opens: its quote (">") and list markers ("-", "*",
// "+", "1." or "1)"), the white space around them, and the text after.
type shape struct {
	lead   int // columns of white space before the first marker (a tab to the next multiple of 4)
	indent int // columns of white space in the whole opening, between markers too
	pad    int // columns of white space just before the text
	depth  int // markers
	quotes int // of them ">"
	inner  []byte
}

// fenceable reports whether a fence on this line is one: indented less
// than an indented code block, from the margin or from its last marker
// (which is followed by at least one space).
func (sh shape) fenceable() bool {
	if sh.depth == 0 {
		return sh.lead <= 3
	}
	return sh.pad <= 4
}

func lineShape(text []byte) shape {
	var sh shape
	col, i := 0, 0
	space := func() int {
		n := 0
		for ; i < len(text) && (text[i] == ' ' || text[i] == '\t'); i++ {
			if text[i] == '\t' {
				n += 4 - (col+n)%4
			} else {
				n++
			}
		}
		col += n
		return n
	}
	sh.lead = space()
	sh.indent, sh.pad = sh.lead, sh.lead
	for i < len(text) {
		switch c := text[i]; {
		case c == '>':
			i++
			col++
			sh.quotes++
		case (c == '-' || c == '*' || c == '+') && i+1 < len(text) && (text[i+1] == ' ' || text[i+1] == '\t'):
			i++
			col++
		case c >= '0' && c <= '9':
			j := i
			for j < len(text) && j-i < 9 && text[j] >= '0' && text[j] <= '9' {
				j++
			}
			if j+1 < len(text) && (text[j] == '.' || text[j] == ')') && (text[j+1] == ' ' || text[j+1] == '\t') {
				col += j + 1 - i
				i = j + 1
				break
			}
			sh.inner = text[i:]
			return sh
		default:
			sh.inner = text[i:]
			return sh
		}
		sh.depth++
		sh.pad = space()
		sh.indent += sh.pad
	}
	sh.inner = text[i:]
	return sh
}

// fenceMarker returns the marker of a line opening a fenced code block
// ("```" or more backticks, "~~~" or more tildes), or nil.
func fenceMarker(inner []byte) []byte {
	if !isFence(inner) {
		return nil
	}
	n := 0
	for n < len(inner) && inner[n] == inner[0] {
		n++
	}
	if inner[0] == '`' && bytes.IndexByte(inner[n:], '`') >= 0 {
		return nil // an info string may not hold a backtick: inline code
	}
	return inner[:n]
}

func isFence(inner []byte) bool {
	return bytes.HasPrefix(inner, []byte("```")) || bytes.HasPrefix(inner, []byte("~~~"))
}
