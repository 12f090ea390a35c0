package content

import (
	"bytes"
	"fmt"
	"unicode/utf8"
)

// FileError is an error at a place in a source file. Its message reads
// "path:line: what is wrong", the form editors and terminals link.
type FileError struct {
	File string
	Line int // 0 when unknown
	Err  error
}

func (e *FileError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %v", e.File, e.Line, e.Err)
	}
	return fmt.Sprintf("%s: %v", e.File, e.Err)
}

func (e *FileError) Unwrap() error { return e.Err }

// Errorf returns a *FileError for file and line (0 when unknown).
func Errorf(file string, line int, format string, args ...any) error {
	return &FileError{File: file, Line: line, Err: fmt.Errorf(format, args...)}
}

// LineAt returns the 1-based line of byte offset off in src.
func LineAt(src []byte, off int) int {
	if off > len(src) {
		off = len(src)
	}
	return 1 + bytes.Count(src[:off], []byte("\n"))
}

// checkUTF8 reports the line of the first byte that is not valid UTF-8.
func checkUTF8(src []byte, file string) error {
	if utf8.Valid(src) {
		return nil
	}
	for i := 0; i < len(src); {
		r, n := utf8.DecodeRune(src[i:])
		if r == utf8.RuneError && n <= 1 {
			return Errorf(file, LineAt(src, i), "not valid UTF-8 (byte 0x%02x)", src[i])
		}
		i += n
	}
	return nil
}
