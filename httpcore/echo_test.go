package httpcore

import (
	"strings"
	"testing"

	"github.com/fraiseql/fraiseql-http/graphqlexec"
)

// A 422 echoes at most MaxEchoBytes of each invalid input by default (a
// prefix, "…" and the full length); --quirks v1.9.7 echoes it whole, as
// v1 does. Small inputs are echoed as they are in both modes.
func TestUnprocessableEchoBounded(t *testing.T) {
	t.Parallel()
	big := `{"query":[` + strings.Repeat(`"é",`, 3000) + `1]}`
	for _, quirks := range []graphqlexec.Quirks{graphqlexec.QuirksNone, graphqlexec.QuirksV197} {
		ts := startServer(t, newHandler(handlerOptions{Environment: graphqlexec.Development, Executor: &fakeExecutor{}, DB: fakePinger{}, Quirks: quirks}), nil)
		got := string(ts.exchange(rawRequest("POST", "/graphql", []string{"Content-Type: application/json"}, big), false))
		if !strings.HasPrefix(got, "HTTP/1.1 422 ") {
			t.Fatalf("%s: %.200q", quirks, got)
		}
		_, body, _ := strings.Cut(got, "\r\n\r\n")
		if quirks.V1() {
			if !strings.Contains(body, `"input":["é","é",`) || len(body) < 3000*4 {
				t.Errorf("v1.9.7: the whole input must be echoed (%d bytes)", len(body))
			}
			continue
		}
		if len(body) > 2*MaxEchoBytes+300 {
			t.Errorf("default: %d bytes echoed", len(body))
		}
		if !strings.Contains(body, `"input":"[\"é\",\"é\",`) || !strings.Contains(body, `… [15003 bytes]"`) {
			t.Errorf("default: %s", body)
		}
		small := string(ts.exchange(rawRequest("POST", "/graphql", []string{"Content-Type: application/json"}, `{"query":5}`), false))
		if !strings.HasSuffix(small, `"input":5}]}`) {
			t.Errorf("small input: %q", small)
		}
	}
}
