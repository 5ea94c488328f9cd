// Command thinref is the thin reference: the thinnest HTTP+SQL server that
// answers the benchmark workloads. It maps each known request body to the SQL
// statement the workload file gives for it, runs it with pgx, and joins the
// rows' JSON text into {"data":{"<root>":[...]}}, with no GraphQL at all, so
// the cost of everything GraphQL adds shows up as a ratio against it.
//
// It answers only bodies listed in the workload file (404 otherwise), only on
// the address it is told (loopback by default), and is a measuring instrument
// that must never serve real traffic or run SQL a workload file did not give.
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/fraiseql/fraiseql-http/perf/internal/workload"
	"github.com/jackc/pgx/v5/pgxpool"
)

type route struct {
	sql  string
	args []any
	root string
	list bool
}

func main() {
	wfile := flag.String("workloads", "perf/workloads/blog.json", "workload file")
	dbURL := flag.String("database-url", os.Getenv("FRAISEQL_DATABASE_URL"), "PostgreSQL URL")
	host := flag.String("host", "127.0.0.1", "listen host")
	port := flag.Int("port", 0, "listen port (0: any free port)")
	poolSize := flag.Int("pool", 20, "pgx pool size")
	flag.Parse()
	if err := run(*wfile, *dbURL, *host, *port, int32(*poolSize)); err != nil {
		fmt.Fprintln(os.Stderr, "thinref:", err)
		os.Exit(1)
	}
}

func run(wfile, dbURL, host string, port int, poolSize int32) error {
	ws, err := workload.LoadFile(wfile)
	if err != nil {
		return err
	}
	routes := map[string]route{}
	for _, w := range ws {
		if w.SQL == "" {
			continue
		}
		for _, r := range w.Requests {
			args := make([]any, len(r.SQLArgs))
			for i, a := range r.SQLArgs {
				args[i] = a
			}
			routes[string(r.Body)] = route{sql: w.SQL, args: args, root: w.Root, list: w.List}
		}
		// setup requests (an APQ registration) answer like the main request
		for _, r := range w.Setup {
			main := w.Requests[0]
			args := make([]any, len(main.SQLArgs))
			for i, a := range main.SQLArgs {
				args[i] = a
			}
			routes[string(r.Body)] = route{sql: w.SQL, args: args, root: w.Root, list: w.List}
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	cfg, err := pgxpool.ParseConfig(dbURL)
	if err != nil {
		return err
	}
	cfg.MaxConns = poolSize
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return err
	}
	defer pool.Close()

	bufs := sync.Pool{New: func() any { return new(bytes.Buffer) }}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /health", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"status":"healthy"}`)
	})
	mux.HandleFunc("POST /graphql", func(w http.ResponseWriter, r *http.Request) {
		body := bufs.Get().(*bytes.Buffer)
		defer bufs.Put(body)
		body.Reset()
		if _, err := body.ReadFrom(io.LimitReader(r.Body, workload.MaxBodyBytes+1)); err != nil {
			http.Error(w, "bad body", http.StatusBadRequest)
			return
		}
		rt, ok := routes[string(body.Bytes())]
		if !ok {
			http.Error(w, "unknown request (thinref serves only the workload file's bodies)", http.StatusNotFound)
			return
		}
		out := bufs.Get().(*bytes.Buffer)
		defer bufs.Put(out)
		out.Reset()
		out.WriteString(`{"data":{"`)
		out.WriteString(rt.root)
		out.WriteString(`":`)
		if rt.list {
			out.WriteByte('[')
		}
		rows, err := pool.Query(r.Context(), rt.sql, rt.args...)
		if err != nil {
			http.Error(w, "query failed", http.StatusInternalServerError)
			return
		}
		n := 0
		for rows.Next() {
			raw := rows.RawValues()[0]
			if !rt.list && n > 0 {
				continue
			}
			if n > 0 {
				out.WriteByte(',')
			}
			out.Write(raw)
			n++
		}
		rows.Close()
		if rows.Err() != nil {
			http.Error(w, "query failed", http.StatusInternalServerError)
			return
		}
		if rt.list {
			out.WriteByte(']')
		} else if n == 0 {
			out.WriteString("null")
		}
		out.WriteString("}}")
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", fmt.Sprint(out.Len()))
		w.Write(out.Bytes())
	})
	ln, err := net.Listen("tcp", net.JoinHostPort(host, fmt.Sprint(port)))
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "listening on http://%s\n", ln.Addr())
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 5 * time.Minute}
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		srv.Shutdown(sctx)
	}()
	if err := srv.Serve(ln); err != nil && err != http.ErrServerClosed {
		return err
	}
	return nil
}
