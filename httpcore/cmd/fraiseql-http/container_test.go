package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"
)

// There is no Docker engine on the build machines, so the image is checked
// by reading its files: the Dockerfile builds with the Makefile's own
// command, statically, runs as a non-root user with a HEALTHCHECK on
// /health through the binary, and the compose example has PostgreSQL, two
// instances and a load balancer in front of both.
func TestContainerFiles(t *testing.T) {
	df, err := os.ReadFile("../../../Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	d := string(df)
	for _, want := range []string{
		"CGO_ENABLED=0 make bin/fraiseql-http",
		"FROM gcr.io/distroless/static-debian12:nonroot",
		"USER nonroot:nonroot",
		`CMD ["/usr/local/bin/fraiseql-http", "health"]`,
		"FRAISEQL_HOST=0.0.0.0",
	} {
		if !strings.Contains(d, want) {
			t.Errorf("Dockerfile lacks %q", want)
		}
	}
	if n := len(regexp.MustCompile(`(?m)^FROM `).FindAllString(d, -1)); n != 2 {
		t.Errorf("Dockerfile has %d stages, want a build and a runtime stage", n)
	}
	mk, err := os.ReadFile("../../../Makefile")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(mk), "\nbin/fraiseql-http:\n") {
		t.Error("the Makefile has no bin/fraiseql-http target for the Dockerfile to run")
	}
	cf, err := os.ReadFile("../../../examples/compose/compose.yaml")
	if err != nil {
		t.Fatal(err)
	}
	c := string(cf)
	for _, want := range []string{"image: postgres:", "app1: &app", "app2:", "<<: *app", "../blog/schema.sql:/docker-entrypoint-initdb.d/", "nginx.conf:/etc/nginx/nginx.conf", "condition: service_healthy"} {
		if !strings.Contains(c, want) {
			t.Errorf("compose.yaml lacks %q", want)
		}
	}
	nc, err := os.ReadFile("../../../examples/compose/nginx.conf")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"server app1:8000", "server app2:8000", "proxy_set_header Upgrade $http_upgrade", "keepalive_timeout 4s"} {
		if !strings.Contains(string(nc), want) {
			t.Errorf("nginx.conf lacks %q", want)
		}
	}
}

// `fraiseql-http health` is the image's HEALTHCHECK: 0 on a 200, 1 on
// anything else or no answer.
func TestHealthCommand(t *testing.T) {
	status := http.StatusOK
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/health" {
			http.NotFound(w, r)
			return
		}
		w.WriteHeader(status)
	}))
	defer ts.Close()
	port := ts.URL[strings.LastIndex(ts.URL, ":")+1:]
	env := func(k string) string {
		if k == "FRAISEQL_PORT" {
			return port
		}
		return ""
	}
	var out, errOut strings.Builder
	if code := run([]string{"health"}, env, &out, &errOut); code != 0 {
		t.Errorf("healthy: exit %d: %s", code, errOut.String())
	}
	status = http.StatusServiceUnavailable
	if code := run([]string{"health", ts.URL + "/health"}, env, &out, &errOut); code != 1 {
		t.Errorf("503: exit %d", code)
	}
	ts.Close()
	if code := run([]string{"health"}, env, &out, &errOut); code != 1 {
		t.Errorf("no server: exit %d", code)
	}
}
