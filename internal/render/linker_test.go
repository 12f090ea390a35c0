package render

import "testing"

// TestRel checks relative links between site-absolute URLs.
func TestRel(t *testing.T) {
	tests := []struct {
		from, to string
		offline  bool
		want     string
	}{
		{"/", "/", false, "./"},
		{"/", "/404/", false, "404/"},
		{"/404/", "/", false, "../"},
		{"/404/", "/4xx/", false, "../4xx/"},
		{"/404/", "/style.css", false, "../style.css"},
		{"/404/", "/410/#example", false, "../410/#example"},
		{"/guides/x/", "/404/", false, "../../404/"},
		{"/404/", "https://example.org/", false, "https://example.org/"},
		{"/404/", "//example.org/x", false, "//example.org/x"},
		{"/", "/", true, "index.html"},
		{"/404/", "/4xx/", true, "../4xx/index.html"},
		{"/404/", "/410/#x", true, "../410/index.html#x"},
	}
	for _, tt := range tests {
		lk := NewLinker(tt.offline, "")
		if got := lk.Rel(tt.from, tt.to); got != tt.want {
			t.Errorf("Rel(%q, %q, offline=%v) = %q, want %q", tt.from, tt.to, tt.offline, got, tt.want)
		}
	}
	lk := NewLinker(false, "https://example.org/docs/")
	lk.SetAssets(map[string]string{"/style.css": "/style.12345678.css"})
	for _, tt := range []struct{ got, want string }{
		{lk.Rel("/404/", "/style.css"), "../style.12345678.css"},
		{lk.Abs("/style.css"), "https://example.org/docs/style.12345678.css"},
		{lk.Abs("/404/#x"), "https://example.org/docs/404/#x"},
		{NewLinker(false, "").Abs("/404/"), ""},
	} {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}
