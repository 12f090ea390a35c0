package render

// ChromaCSS returns the highlighting stylesheet: chroma's github style,
// and github-dark for readers whose system prefers dark. It is generated
// from chroma's styles into chromacss.go by TestChromaCSS, which fails when
// the two drift apart (after an upgrade: go test ./internal/render -run
// TestChromaCSS -update), so the program does not link chroma's styles
// package, whose start-up registers every style: 1.9 MB and 40,000
// allocations in every run.
func ChromaCSS() []byte { return []byte(chromaStylesheet) }
