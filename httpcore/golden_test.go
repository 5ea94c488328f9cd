package httpcore

import (
	"bufio"
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/fraiseql/fraiseql-http/graphqlexec"
	"github.com/fraiseql/fraiseql-http/httpcore/internal/fastapi"
)

type goldenCase struct {
	Name     string `json:"name"`
	Request  string `json:"request"`
	Response string `json:"response"`
}

func loadCases(t *testing.T, profile string) []goldenCase {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(goldenDir, profile, "cases.json"))
	if err != nil {
		t.Fatal(err)
	}
	var cases []goldenCase
	if err := json.Unmarshal(b, &cases); err != nil {
		t.Fatal(err)
	}
	return cases
}

// goldenKey returns the requestKey of the GraphQL request a golden request
// carries, if it carries one.
func goldenKey(t *testing.T, raw []byte) (string, bool) {
	t.Helper()
	req, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(raw)))
	if err != nil {
		t.Fatal(err)
	}
	if req.Method == http.MethodGet {
		q, ok := fastapi.QueryParam(req.URL.RawQuery, "query")
		return requestKey(&graphqlexec.Request{Query: q}), ok
	}
	var body bytes.Buffer
	body.ReadFrom(req.Body)
	d := fastapi.DecodeBody(body.Bytes(), req.Header.Get("Content-Type"))
	if d.Outcome != fastapi.BodyValid {
		return "", false
	}
	return requestKey(&d.Request), true
}

var (
	readyTimestampRe = regexp.MustCompile(`"timestamp":[0-9.e+-]+\}`)
	metricsAverageRe = regexp.MustCompile(`"average_execution_times":\{"normal":[0-9.e+-]+\}`)
	anyLengthRe      = regexp.MustCompile(`(?m)^content-length: \d+\r$`)
)

// normalizeVolatile blanks what the goldens list as volatile: the date, the
// /ready timestamp, the metrics average, and the content-length they sway.
func normalizeVolatile(name string, b []byte) []byte {
	b = normalizeDate(b)
	switch name {
	case "http-ready":
		b = readyTimestampRe.ReplaceAll(b, []byte(`"timestamp":T}`))
		b = anyLengthRe.ReplaceAll(b, []byte("content-length: N\r"))
	case "http-metrics":
		b = metricsAverageRe.ReplaceAll(b, []byte(`"average_execution_times":{"normal":A}`))
		b = anyLengthRe.ReplaceAll(b, []byte("content-length: N\r"))
	}
	return b
}

// TestGoldenProfiles replays the development and production exchanges, in
// cases.json order, against one server per profile. The executor is a fake
// that returns the recorded GraphQL body for the recorded query, so what is
// compared is everything this package produces: status lines, header names,
// values and order, the 4xx/5xx bodies, GraphiQL, /health, /ready and the
// metrics count (which depends on the order of the requests before it).
func TestGoldenProfiles(t *testing.T) {
	t.Parallel()
	for _, profile := range []string{"development", "production"} {
		t.Run(profile, func(t *testing.T) {
			cases := loadCases(t, profile)
			exec := &fakeExecutor{answers: map[string]graphqlexec.Response{}}
			for _, c := range cases {
				req, resp := readGolden(t, profile, c.Name)
				if !bytes.HasPrefix(resp, []byte("HTTP/1.1 200 ")) {
					continue
				}
				if key, ok := goldenKey(t, req); ok {
					_, body, _ := bytes.Cut(resp, []byte("\r\n\r\n"))
					exec.answers[key] = graphqlexec.Response{Body: body}
				}
			}
			// Both executor paths: a body the executor allocates (copied by
			// the handler) and one appended into the pooled buffer.
			for _, ex := range []executor{exec, appendingExecutor{exec}} {
				h := devHandler(ex)
				if profile == "production" {
					h = prodHandler(ex)
				}
				ts := startServer(t, h, nil)
				for _, c := range cases {
					req, want := readGolden(t, profile, c.Name)
					head := bytes.HasPrefix(req, []byte("HEAD "))
					got := ts.exchange(req, head)
					if g, w := normalizeVolatile(c.Name, got), normalizeVolatile(c.Name, want); !bytes.Equal(g, w) {
						t.Errorf("%T %s:\n got: %q\nwant: %q", ex, c.Name, g, w)
					}
				}
			}
		})
	}
}
