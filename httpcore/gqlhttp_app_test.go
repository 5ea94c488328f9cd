package httpcore

import (
	"net"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/fraiseql/fraiseql-http/graphqlexec"
)

func status(head string) string {
	line, _, _ := strings.Cut(head, "\r\n")
	return line
}

// GraphQL over HTTP by default: Accept: application/graphql-response+json
// gets that media type, 400 for a request refused before execution and 200
// once it ran; application/json (and no Accept) keeps v1's 200; mutations
// by GET are refused with 405 and allow: POST. Under --quirks v1.9.7
// every answer is v1's.
func TestAppGraphQLOverHTTP(t *testing.T) {
	t.Parallel()
	const gqlAccept = "Accept: application/graphql-response+json\r\n"
	syntax := `{"query":"{ users { id }"}`
	invalid := `{"query":"{ users { nope } }"}`
	dbErr := `{"query":"{ users(where: {email: {matches: \"(\"}}) { id } }"}`
	for _, quirks := range []graphqlexec.Quirks{graphqlexec.QuirksNone, graphqlexec.QuirksV197} {
		t.Run(string(quirks), func(t *testing.T) {
			_, addr := startApp(t, func(c *Config) { c.Quirks = quirks })
			v1 := quirks.V1()
			for _, tc := range []struct {
				name, accept, body string
				want, wantV1       string // status line
				graphqlType        bool
			}{
				{"ok", gqlAccept, usersQuery, "HTTP/1.1 200 OK", "HTTP/1.1 200 OK", true},
				{"syntax", gqlAccept, syntax, "HTTP/1.1 400 Bad Request", "HTTP/1.1 200 OK", true},
				{"validation", gqlAccept, invalid, "HTTP/1.1 400 Bad Request", "HTTP/1.1 200 OK", true},
				{"executed with an error", gqlAccept, dbErr, "HTTP/1.1 200 OK", "HTTP/1.1 200 OK", true},
				{"json syntax", "", syntax, "HTTP/1.1 200 OK", "HTTP/1.1 200 OK", false},
				{"json preferred", "Accept: application/json, application/graphql-response+json;q=0.5\r\n", invalid, "HTTP/1.1 200 OK", "HTTP/1.1 200 OK", false},
			} {
				// rawExchange already sends "Accept: application/json";
				// a second Accept line is joined to it, so send the
				// request by hand here.
				head, body := exchangeAccept(t, addr, tc.accept, tc.body)
				want := tc.want
				if v1 {
					want = tc.wantV1
				}
				if status(head) != want {
					t.Errorf("%s: %q, want %q (%s)", tc.name, status(head), want, body)
				}
				ct := "content-type: application/json\r\n"
				if tc.graphqlType && !v1 {
					ct = "content-type: application/graphql-response+json; charset=utf-8\r\n"
				}
				if !strings.Contains(head, ct) {
					t.Errorf("%s: head %q, want %q", tc.name, head, ct)
				}
			}
			// A mutation by GET.
			code, body := get(t, "http://"+addr+"/graphql?query="+url.QueryEscape("mutation { __typename }"), "")
			if !v1 && (code != 405 || body != `{"detail":"Method Not Allowed"}`) {
				t.Errorf("GET mutation: %d %s", code, body)
			}
			if v1 && (code != 200 || !strings.Contains(body, `"__typename":"Mutation"`)) {
				t.Errorf("GET mutation under v1.9.7: %d %s", code, body)
			}
			// A query by GET still runs.
			if code, body := get(t, "http://"+addr+"/graphql?query="+url.QueryEscape("{ users(limit: 1) { id } }"), ""); code != 200 || !strings.Contains(body, `"users"`) {
				t.Errorf("GET query: %d %s", code, body)
			}
		})
	}
}

// exchangeAccept is rawExchange with the given Accept line (or none).
func exchangeAccept(t *testing.T, addr, accept, body string) (string, []byte) {
	t.Helper()
	c := dialTCP(t, addr)
	defer c.Close()
	req := "POST /graphql HTTP/1.1\r\nHost: localhost:8000\r\n" + accept +
		"Content-Type: application/json\r\nContent-Length: " + itoa(len(body)) + "\r\n\r\n" + body
	if _, err := c.Write([]byte(req)); err != nil {
		t.Fatal(err)
	}
	raw := readResponseConn(t, c)
	h, b, _ := strings.Cut(string(raw), "\r\n\r\n")
	return h + "\r\n", []byte(b)
}

func dialTCP(t *testing.T, addr string) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	c.SetDeadline(time.Now().Add(10 * time.Second))
	return c
}

// --max-response-bytes reaches the engine: a list past it is null with the
// error, a smaller answer is whole.
func TestAppMaxResponseBytes(t *testing.T) {
	t.Parallel()
	_, addr := startApp(t, func(c *Config) { c.MaxResponseBytes = 300; c.Environment = "production" })
	if _, body := rawExchange(t, addr, "", usersQuery); !strings.Contains(string(body), `{"data":{"users":null},"errors":[{"message":"The response exceeds the maximum size of 300 bytes."`) {
		t.Errorf("over the bound: %s", body)
	}
	if _, body := rawExchange(t, addr, "", `{"query":"{ users(limit: 1) { id } }"}`); strings.Contains(string(body), "errors") {
		t.Errorf("under the bound: %s", body)
	}
}
