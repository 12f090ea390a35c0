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
	brackets, paraLine := 0, 0
	for rest := src[body:]; len(rest) > 0; line++ {
		text, after, _ := bytes.Cut(rest, []byte("\n"))
		rest = after
		indent, depth, inner := lineShape(text)
		if fence != nil {
			if isFence(inner) && bytes.HasPrefix(inner, fence) && len(bytes.TrimSpace(bytes.TrimLeft(inner, string(fence[:1])))) == 0 {
				fence = nil
			}
			continue
		}
		if f := fenceMarker(inner); f != nil {
			fence = f
			brackets = 0
			continue
		}
		if len(bytes.TrimSpace(text)) == 0 {
			brackets = 0
			continue
		}
		if depth > MaxNesting {
			return limitf(file, line, "%d quote or list markers open this line; the limit is %d", depth, MaxNesting)
		}
		if indent > MaxIndent {
			return limitf(file, line, "indented %d columns; the limit is %d outside code fences (put deep text in a ``` block)", indent, MaxIndent)
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

// lineShape returns a line's leading indentation in columns (a tab to the
// next multiple of 4), how many quote (">") and list markers ("-", "*",
// "+", "1." or "1)") open it, and the text after them.
func lineShape(text []byte) (indent, depth int, inner []byte) {
	col, i := 0, 0
	for ; i < len(text) && (text[i] == ' ' || text[i] == '\t'); i++ {
		if text[i] == '\t' {
			col += 4 - col%4
		} else {
			col++
		}
	}
	indent = col
	for i < len(text) {
		switch c := text[i]; {
		case c == '>':
			i++
		case (c == '-' || c == '*' || c == '+') && i+1 < len(text) && (text[i+1] == ' ' || text[i+1] == '\t'):
			i += 2
		case c >= '0' && c <= '9':
			j := i
			for j < len(text) && j-i < 9 && text[j] >= '0' && text[j] <= '9' {
				j++
			}
			if j+1 < len(text) && (text[j] == '.' || text[j] == ')') && (text[j+1] == ' ' || text[j+1] == '\t') {
				i = j + 2
				break
			}
			return indent, depth, text[i:]
		default:
			return indent, depth, text[i:]
		}
		depth++
		for i < len(text) && (text[i] == ' ' || text[i] == '\t') {
			i++
		}
	}
	return indent, depth, text[i:]
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
