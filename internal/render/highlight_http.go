package render

import (
	"strings"
	"unicode/utf8"

	"github.com/alecthomas/chroma/v2"
	"github.com/alecthomas/chroma/v2/lexers"
)

// An example exchange is highlighted by a thin layer over chroma's HTTP
// lexer, which understands one message, with a body lexed by its
// Content-Type, and fails on three things the examples do:
//
//   - a request and its response in one block: splitHTTPMessages cuts the
//     exchange into messages, each lexed on its own;
//   - an extension method (WebDAV's COPY or PROPFIND, a cache's PURGE),
//     which it marks as one block of errors: httpHead lexes such a head as
//     if the method were GET, then puts the method back;
//   - a text/plain body, for which it picks the Nu shell lexer, so prose
//     such as "Rate limit of 60 requests" came out with numbers and
//     keywords highlighted: httpBody shows it as plain text.

// splitHTTPMessages splits an example exchange into its messages. A
// message starts at a status line after a blank line, or right after a
// line of a request's body: examples often show a request with a body and
// then the response, as the bytes arrive, with no blank line between, and
// the response then came out as the request's body, marked as errors (red
// blocks on 11 shipped pages).
func splitHTTPMessages(code string) []string {
	var chunks []string
	start := 0
	inBody := false // past the blank line that ends the current message's head
	for i := 0; i < len(code); {
		end := strings.IndexByte(code[i:], '\n')
		if end < 0 {
			break
		}
		next := i + end + 1
		blank := strings.TrimRight(code[i:next], "\r\n") == ""
		if i > start && isStatusLine(code[next:]) && (blank || inBody && !isStatusLine(code[start:])) {
			chunks = append(chunks, code[start:next])
			start, inBody = next, false
		} else if blank {
			inBody = true
		}
		i = next
	}
	return append(chunks, code[start:])
}

// isStatusLine reports whether s starts with a status line such as
// "HTTP/1.1 404" or "HTTP/2 200", and not with a body that happens to
// begin with "HTTP/".
func isStatusLine(s string) bool {
	rest, ok := strings.CutPrefix(s, "HTTP/")
	if !ok || len(rest) < 5 || rest[0] < '0' || rest[0] > '9' {
		return false
	}
	rest = rest[1:]
	if len(rest) >= 2 && rest[0] == '.' && rest[1] >= '0' && rest[1] <= '9' {
		rest = rest[2:]
	}
	if len(rest) < 4 || rest[0] != ' ' {
		return false
	}
	for _, c := range []byte(rest[1:4]) {
		if c < '0' || c > '9' {
			return false
		}
	}
	return len(rest) == 4 || rest[4] == ' ' || rest[4] == '\n' || rest[4] == '\r'
}

// httpTokens tokenises one HTTP message: the head with chroma's HTTP lexer
// (see httpHead), the body with the lexer for its Content-Type, chosen as
// chroma's HTTP lexer chooses it but for text/plain (see httpBody). For
// other messages the tokens are those of chroma's HTTP lexer.
func httpTokens(code string) ([]chroma.Token, error) {
	code = chromaText(code)
	head, body := code, ""
	if i := strings.Index(code, "\n\n"); i >= 0 {
		head, body = code[:i+2], code[i+2:]
	}
	tokens, err := httpHead(head)
	if err != nil || body == "" {
		return tokens, err
	}
	bodyTokens, err := httpBody(body, httpContentType(tokens))
	if err != nil {
		return nil, err
	}
	return coalesceTokens(append(tokens, bodyTokens...)), nil
}

// httpHead tokenises a message head with chroma's HTTP lexer. chroma knows
// only RFC 9110's methods, and a request with an extension method came out
// as one block of errors: such a head is lexed with GET in the method's
// place, which is then put back, unless even that leaves the request line
// an error.
func httpHead(head string) ([]chroma.Token, error) {
	if method := extensionMethod(head); method != "" {
		tokens, err := chromaTokens(lexers.HTTP, "GET"+head[len(method):])
		if err == nil && len(tokens) > 0 && tokens[0] == (chroma.Token{Type: chroma.NameFunction, Value: "GET"}) {
			tokens[0].Value = method
			return tokens, nil
		}
	}
	return chromaTokens(lexers.HTTP, head)
}

// extensionMethod returns the method of a request line that is not one of
// the methods chroma's HTTP lexer knows but looks like one (capitals,
// digits, "-" and "_", then a space), or "".
func extensionMethod(head string) string {
	method, _, ok := strings.Cut(head, " ")
	if !ok || method == "" || strings.IndexByte(method, '\n') >= 0 {
		return ""
	}
	switch method {
	case "GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS", "TRACE", "PATCH", "CONNECT":
		return ""
	}
	for _, c := range []byte(method) {
		if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return ""
		}
	}
	return method
}

// chromaText returns code as chroma's lexers read it: as runes (invalid
// UTF-8 becomes U+FFFD) with line ends made \n. httpTokens starts from it,
// so both parts of a message see what chroma saw.
func chromaText(code string) string {
	if !utf8.ValidString(code) {
		code = string([]rune(code))
	}
	if strings.IndexByte(code, '\r') >= 0 {
		code = strings.ReplaceAll(strings.ReplaceAll(code, "\r\n", "\n"), "\r", "\n")
	}
	return code
}

// httpContentType returns the media type of the last Content-Type header
// among a message head's tokens, as chroma's HTTP lexer reads it: the
// header's value, trimmed, up to a ";" past its start.
func httpContentType(tokens []chroma.Token) string {
	var ct string
	for i, t := range tokens {
		if t.Type != chroma.Name || strings.ToLower(t.Value) != "content-type" {
			continue
		}
		for _, v := range tokens[i+1:] {
			if v.Type == chroma.Literal {
				ct = strings.TrimSpace(v.Value)
				if i := strings.Index(ct, ";"); i > 0 {
					ct = strings.TrimSpace(ct[:i])
				}
				break
			}
		}
	}
	return ct
}

// httpBody tokenises a message body as chroma's HTTP lexer does: with the
// lexer for its media type (or, for a type like application/problem+json,
// for its suffix), as Text when there is none, and as Generic when the
// message has no Content-Type; text/plain is plain text.
func httpBody(body, contentType string) ([]chroma.Token, error) {
	if contentType == "" {
		return []chroma.Token{{Type: chroma.Generic, Value: body}}, nil
	}
	var lexer chroma.Lexer
	if contentType == "text/plain" {
		lexer = lexers.Get("plaintext")
	} else {
		lexer = mediaTypeLexer(contentType)
	}
	if lexer == nil {
		return []chroma.Token{{Type: chroma.Text, Value: body}}, nil
	}
	it, err := lexer.Tokenise(nil, body)
	if err != nil {
		return nil, err
	}
	return it.Tokens(), nil
}

// mediaTypeLexer returns chroma's lexer for a media type as its HTTP lexer
// finds it: by the type, else by a structured suffix ("+json" as
// application/json), else none.
func mediaTypeLexer(contentType string) chroma.Lexer {
	lexer := lexers.MatchMimeType(contentType)
	if lexer == nil && strings.Contains(contentType, "+") {
		slash := strings.Index(contentType, "/")
		plus := strings.LastIndex(contentType, "+")
		lexer = lexers.MatchMimeType(contentType[:slash+1] + contentType[plus+1:])
	}
	return lexer
}

// coalesceTokens merges runs of tokens of one type as chroma.Coalesce
// does for a lexer's tokens, here for a head's and a body's together:
// empty tokens are dropped, and a token stops growing once it holds 8 KiB.
func coalesceTokens(in []chroma.Token) []chroma.Token {
	out := in[:0]
	for i := 0; i < len(in); {
		t := in[i]
		i++
		if t.Value == "" {
			continue
		}
		n, j := len(t.Value), i
		for ; j < len(in) && n < 8192; j++ {
			if in[j].Value == "" {
				continue
			}
			if in[j].Type != t.Type {
				break
			}
			n += len(in[j].Value)
		}
		if j > i {
			var b strings.Builder
			b.Grow(n)
			b.WriteString(t.Value)
			for _, u := range in[i:j] {
				b.WriteString(u.Value)
			}
			t.Value = b.String()
		}
		out = append(out, t)
		i = j
	}
	return out
}
