package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime"
	"sync"
	"syscall"
	"time"

	"github.com/gorilla/websocket"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// ref is the minimal reference: gorilla/websocket and one pgx LISTEN
// connection, no GraphQL, no protocol beyond "the first text message names
// the subscriber's group". For each event it runs one query per group
// (SELECT data of v_post for the event's id) and writes the row to every
// member, so its cost per event is the floor fraiseql-http's grouping is
// compared with.
func ref(args []string) error {
	fs := flag.NewFlagSet("ref", flag.ExitOnError)
	dbURL := fs.String("database-url", os.Getenv("FRAISEQL_DATABASE_URL"), "PostgreSQL URL")
	host := fs.String("host", "127.0.0.1", "listen host")
	port := fs.Int("port", 0, "listen port (0: any)")
	channel := fs.String("channel", "fraiseql_events", "NOTIFY channel")
	fs.Parse(args)
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	pool, err := pgxpool.New(ctx, *dbURL)
	if err != nil {
		return err
	}
	defer pool.Close()
	r := &refServer{pool: pool, groups: map[string]map[*refConn]struct{}{}}
	r.up = websocket.Upgrader{ReadBufferSize: 1024, WriteBufferSize: 1024, WriteBufferPool: &sync.Pool{},
		Subprotocols: []string{"graphql-transport-ws"}}
	mux := http.NewServeMux()
	mux.HandleFunc("/health", func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte("ok")) })
	mux.HandleFunc("/graphql", r.serveWS)
	ln, err := net.Listen("tcp", net.JoinHostPort(*host, fmt.Sprint(*port)))
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "wsbench ref: listening on http://%s\n", ln.Addr())
	go r.listen(ctx, *dbURL, *channel)
	srv := &http.Server{Handler: mux}
	go func() { <-ctx.Done(); srv.Close() }()
	if err := srv.Serve(ln); err != http.ErrServerClosed {
		return err
	}
	return nil
}

type refServer struct {
	pool   *pgxpool.Pool
	up     websocket.Upgrader
	mu     sync.Mutex
	groups map[string]map[*refConn]struct{}
}

type refConn struct {
	mu sync.Mutex
	ws *websocket.Conn
}

func (r *refServer) serveWS(w http.ResponseWriter, req *http.Request) {
	ws, err := r.up.Upgrade(w, req, nil)
	if err != nil {
		return
	}
	defer ws.Close()
	_, first, err := ws.ReadMessage()
	if err != nil {
		return
	}
	key := string(first)
	c := &refConn{ws: ws}
	r.mu.Lock()
	if r.groups[key] == nil {
		r.groups[key] = map[*refConn]struct{}{}
	}
	r.groups[key][c] = struct{}{}
	r.mu.Unlock()
	defer func() {
		r.mu.Lock()
		delete(r.groups[key], c)
		if len(r.groups[key]) == 0 {
			delete(r.groups, key)
		}
		r.mu.Unlock()
	}()
	for {
		if _, _, err := ws.ReadMessage(); err != nil {
			return
		}
	}
}

func (r *refServer) listen(ctx context.Context, url, channel string) {
	for ctx.Err() == nil {
		conn, err := pgx.Connect(ctx, url)
		if err != nil {
			time.Sleep(time.Second)
			continue
		}
		if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{channel}.Sanitize()); err != nil {
			conn.Close(context.Background())
			continue
		}
		for {
			n, err := conn.WaitForNotification(ctx)
			if err != nil {
				break
			}
			var ev struct{ ID string }
			if json.Unmarshal([]byte(n.Payload), &ev) != nil || ev.ID == "" {
				continue
			}
			r.fanOut(ctx, ev.ID)
		}
		conn.Close(context.Background())
	}
}

// fanOut runs one read per group and writes it to the group's members,
// spread over as many writers as there are CPUs.
func (r *refServer) fanOut(ctx context.Context, id string) {
	r.mu.Lock()
	type group struct {
		conns []*refConn
	}
	groups := make([]group, 0, len(r.groups))
	for _, set := range r.groups {
		g := group{conns: make([]*refConn, 0, len(set))}
		for c := range set {
			g.conns = append(g.conns, c)
		}
		groups = append(groups, g)
	}
	r.mu.Unlock()
	sem := make(chan struct{}, 4)
	var wg sync.WaitGroup
	for _, g := range groups {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			var row string
			if err := r.pool.QueryRow(ctx, `SELECT data::text FROM v_post WHERE id = $1`, id).Scan(&row); err != nil {
				return
			}
			msg := []byte(`{"id":"1","type":"next","payload":{"data":{"postUpdated":` + row + `}}}`)
			writers := runtime.GOMAXPROCS(0)
			var ww sync.WaitGroup
			for w := 0; w < writers; w++ {
				ww.Add(1)
				go func() {
					defer ww.Done()
					for i := w; i < len(g.conns); i += writers {
						c := g.conns[i]
						c.mu.Lock()
						c.ws.SetWriteDeadline(time.Now().Add(5 * time.Second))
						c.ws.WriteMessage(websocket.TextMessage, msg)
						c.mu.Unlock()
					}
				}()
			}
			ww.Wait()
		}()
	}
	wg.Wait()
}
