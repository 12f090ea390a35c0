package devserver

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/statusdocs/statusdocs/internal/testenv"
)

// TestLoad runs 200 event streams while 2,000 page requests, 32 at a
// time, race 20 rebuilds, all on loopback. Every request must get a whole,
// consistent page (the text of the build whose id it carries), every
// stream every reload in order, and nothing may be left running.
func TestLoad(t *testing.T) {
	const (
		streams  = 200
		requests = 2000
		workers  = 32
		rebuilds = 20
	)
	before := runtime.NumGoroutine()
	s, content, _ := devFixture(t, Options{})
	srv := httptest.NewServer(s)
	marks := sync.Map{} // build id → the sentence /404/ must hold
	first := s.cur.id
	marks.Store(first, "")

	streamTr := &http.Transport{MaxConnsPerHost: 0, DisableKeepAlives: true}
	ctx, cancel := context.WithTimeout(context.Background(), 2*testenv.Deadline)
	defer cancel()
	got := make([][]string, streams)
	var wg sync.WaitGroup
	var connected atomic.Int32
	for i := range streams {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := dialEvents(ctx, streamTr, srv.URL, first)
			if err != nil {
				t.Error(err)
				return
			}
			defer c.close()
			connected.Add(1)
			for len(got[i]) < rebuilds {
				name, data, err := c.next()
				if err != nil {
					t.Errorf("stream %d after %d reloads: %v", i, len(got[i]), err)
					return
				}
				if name == "reload" {
					got[i] = append(got[i], data)
				}
			}
		}()
	}
	testenv.WaitFor(t, "200 streams", func() bool { return s.hub.count() == streams })

	pageTr := &http.Transport{MaxIdleConnsPerHost: workers}
	client := &http.Client{Transport: pageTr}
	targets := []struct {
		path   string
		status int
	}{{"/404/", 200}, {"/", 200}, {"/4xx/", 200}, {"/418/", 200}, {"/style.css", 200}, {"/search-index.js", 200}, {"/nope/", 404}, {"/api/codes.json", 200}}
	var done atomic.Int32
	var bad atomic.Int32
	jobs := make(chan int)
	var rwg sync.WaitGroup
	for range workers {
		rwg.Add(1)
		go func() {
			defer rwg.Done()
			for j := range jobs {
				tg := targets[j%len(targets)]
				if err := checkPage(client, srv.URL+tg.path, tg.status, &marks); err != nil {
					if bad.Add(1) < 10 {
						t.Error(err)
					}
				}
				done.Add(1)
			}
		}()
	}
	var ids []string
	go func() {
		defer close(jobs)
		for j := range requests {
			select {
			case jobs <- j:
			case <-ctx.Done():
				return
			}
		}
	}()
	for k := 1; k <= rebuilds; k++ {
		// Spread the rebuilds over the requests.
		for int(done.Load()) < k*requests/(rebuilds+1) && ctx.Err() == nil {
			time.Sleep(time.Millisecond)
		}
		mark := fmt.Sprintf("Load test sentence %d.", k)
		setFile(content, "4xx/404.md", appendFile(content, "4xx/404.md", "\n"+mark+"\n"))
		s.beginRebuild()
		res := s.rebuild(context.Background())
		if res.err != nil {
			t.Fatal(res.err)
		}
		marks.Store(res.build.id, mark)
		s.publish(res, []string{"content/4xx/404.md"})
		s.endRebuild()
		ids = append(ids, res.build.id)
	}
	rwg.Wait()
	wg.Wait()
	if n := done.Load(); n != requests {
		t.Errorf("%d of %d requests done", n, requests)
	}
	if n := bad.Load(); n > 0 {
		t.Errorf("%d requests answered wrongly", n)
	}
	for i, g := range got {
		if strings.Join(g, " ") != strings.Join(reloadLines(ids), " ") {
			t.Errorf("stream %d got %d reloads %v…, want %d", i, len(g), g[:min(len(g), 2)], len(ids))
			break
		}
	}
	srv.Close()
	s.hub.close()
	pageTr.CloseIdleConnections()
	testenv.WaitFor(t, "the streams to close", func() bool { return s.hub.count() == 0 })
	testenv.WaitGoroutines(t, before)
}

// reloadLines returns the data lines of reload events for ids.
func reloadLines(ids []string) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = `{"build":"` + id + `"}`
	}
	return out
}

var buildIDRE = regexp.MustCompile(`data-build="([^"]*)"`)

// checkPage fetches one URL and checks it is whole: status, length, and
// for /404/ the text of the build named in the page.
func checkPage(client *http.Client, url string, status int, marks *sync.Map) error {
	res, err := client.Get(url)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		return fmt.Errorf("GET %s: %v", url, err)
	}
	if res.StatusCode != status {
		return fmt.Errorf("GET %s: status %d, want %d", url, res.StatusCode, status)
	}
	if res.Header.Get("Content-Length") != strconv.Itoa(len(body)) {
		return fmt.Errorf("GET %s: %d bytes, Content-Length %s", url, len(body), res.Header.Get("Content-Length"))
	}
	if strings.HasSuffix(url, "/") && !bytes.HasSuffix(body, []byte("</html>\n")) {
		return fmt.Errorf("GET %s: page cut short", url)
	}
	if strings.HasSuffix(url, "/404/") {
		m := buildIDRE.FindSubmatch(body)
		if m == nil {
			return fmt.Errorf("GET %s: no build id", url)
		}
		mark, ok := marks.Load(string(m[1]))
		if !ok {
			return fmt.Errorf("GET %s: unknown build %s", url, m[1])
		}
		if mark != "" && !bytes.Contains(body, []byte(mark.(string))) {
			return fmt.Errorf("GET %s: build %s without its text %q", url, m[1], mark)
		}
	}
	return nil
}

// eventClient reads one event stream.
type eventClient struct {
	res *http.Response
	r   *bufio.Reader
}

// dialEvents opens the event stream of the server at base for a page of
// build.
func dialEvents(ctx context.Context, tr http.RoundTripper, base, build string) (*eventClient, error) {
	req, err := http.NewRequestWithContext(ctx, "GET", base+eventsPath+"?build="+build, nil)
	if err != nil {
		return nil, err
	}
	res, err := tr.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "text/event-stream" || res.Header.Get("Cache-Control") != "no-store" {
		res.Body.Close()
		return nil, fmt.Errorf("event stream: status %d, headers %v", res.StatusCode, res.Header)
	}
	return &eventClient{res: res, r: bufio.NewReader(res.Body)}, nil
}

// next returns the next event's name and data, skipping comments.
func (c *eventClient) next() (name, data string, err error) {
	for {
		line, err := c.r.ReadString('\n')
		if err != nil {
			return "", "", err
		}
		line = strings.TrimSuffix(line, "\n")
		switch {
		case line == "":
			if name != "" {
				return name, data, nil
			}
		case strings.HasPrefix(line, "event: "):
			name = strings.TrimPrefix(line, "event: ")
		case strings.HasPrefix(line, "data: "):
			data = strings.TrimPrefix(line, "data: ")
		}
	}
}

func (c *eventClient) close() { c.res.Body.Close() }
