// Command fraiseql-bench measures HTTP servers (and the raw-pgx floor) side by
// side: several targets, interleaved, on workloads read from a file; and
// single-process facts (idle RSS, exec → first 200, RSS growth, keep-alive
// connections held).
//
//	fraiseql-bench run  --target NAME=URL ... --workloads FILE [--out DIR]
//	fraiseql-bench proc --name NAME --out FILE.json -- COMMAND ARGS...
//
// Targets must be loopback addresses unless --allow-remote is given. A
// postgres:// target is the floor: the workload's SQL run with pgx on as many
// connections as the HTTP targets get. It must never import the product's
// packages (the servers are black boxes over TCP) nor report a target whose
// answers failed the workload's checks.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/fraiseql/fraiseql-http/perf/internal/loadgen"
	"github.com/fraiseql/fraiseql-http/perf/internal/procstat"
	"github.com/fraiseql/fraiseql-http/perf/internal/report"
	"github.com/fraiseql/fraiseql-http/perf/internal/workload"
	"github.com/jackc/pgx/v5"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if len(os.Args) < 2 {
		usage()
	}
	var err error
	switch os.Args[1] {
	case "run":
		err = cmdRun(ctx, os.Args[2:])
	case "proc":
		err = cmdProc(ctx, os.Args[2:])
	default:
		usage()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "fraiseql-bench:", err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: fraiseql-bench run|proc [flags] (see -h of each)")
	os.Exit(2)
}

type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(s string) error { *m = append(*m, s); return nil }

func parseInts(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil {
			return nil, fmt.Errorf("bad number %q", f)
		}
		out = append(out, n)
	}
	return out, nil
}

func cmdRun(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("run", flag.ExitOnError)
	var targets, labels, procs, dialects, pids multiFlag
	fs.Var(&targets, "target", "NAME=URL (repeatable): http://host:port, or postgres://... for the pgx floor")
	fs.Var(&labels, "label", "NAME=TEXT (repeatable): an honest description of a target (versions)")
	fs.Var(&dialects, "dialect", "TARGET=DIALECT (repeatable): send that target the workloads' requests in DIALECT (the workload file's \"dialects\")")
	fs.Var(&pids, "pid", "TARGET=PID (repeatable): report the CPU time per request of that server process and its children")
	pgDB := fs.String("pg-database", "", "report the CPU time per request of this database's PostgreSQL backends (local server, read from /proc)")
	sameData := fs.String("same-data", "", "comma-separated targets that must return the same data for each read workload before it is measured (a target that differs is skipped)")
	fs.Var(&procs, "proc", "a JSON file written by `fraiseql-bench proc` to include (repeatable)")
	wfile := fs.String("workloads", "perf/workloads/blog.json", "workload file")
	sel := fs.String("select", "", "comma-separated workload names (default: all)")
	connsS := fs.String("connections", "1,10,50", "comma-separated connection counts")
	dur := fs.Duration("duration", 4*time.Second, "measured time per target and cell, split across rounds")
	rounds := fs.Int("rounds", 2, "interleaved rounds per cell (targets alternate A B, B A, ...)")
	rate := fs.Float64("rate", 0, "open-loop rate in requests/s per target (0: closed loop)")
	maxReq := fs.Int64("max-requests", 0, "bound on requests per slice (0: time only)")
	warmup := fs.Duration("warmup", 0, "unmeasured load per target and workload at the largest connection count before measuring (JIT warm-up)")
	ref := fs.String("reference", "", "target whose throughput the ratios are relative to")
	allowRemote := fs.Bool("allow-remote", false, "allow non-loopback targets (never on machines whose network policy forbids it)")
	out := fs.String("out", "", "directory for results.json, results.md and results.svg (default: print Markdown only)")
	title := fs.String("title", "fraiseql-bench", "report title")
	dbURL := fs.String("database-url", "", "PostgreSQL URL to read its version for the report")
	note := fs.String("note", "", "a note recorded in the report")
	fs.Parse(args)

	conns, err := parseInts(*connsS)
	if err != nil {
		return err
	}
	ws, err := workload.LoadFile(*wfile)
	if err != nil {
		return err
	}
	if ws, err = workload.Select(ws, *sel); err != nil {
		return err
	}
	rep := &report.Report{Title: *title, Date: time.Now().UTC().Format(time.RFC3339), Command: "fraiseql-bench run " + strings.Join(args, " "), Reference: *ref}
	labelOf := map[string]string{}
	for _, l := range labels {
		n, t, _ := strings.Cut(l, "=")
		labelOf[n] = t
	}
	cfg := loadgen.Config{Workloads: ws, Connections: conns, Duration: *dur, Rounds: *rounds, Rate: *rate, MaxRequests: *maxReq, Log: os.Stderr,
		Warmup: *warmup, PGDatabase: *pgDB, PIDs: map[string]int{}}
	dialectOf := map[string]string{}
	for _, d := range dialects {
		n, v, ok := strings.Cut(d, "=")
		if !ok || n == "" || v == "" {
			return fmt.Errorf("--dialect %q: want TARGET=DIALECT", d)
		}
		dialectOf[n] = v
	}
	for _, p := range pids {
		n, v, _ := strings.Cut(p, "=")
		pid, err := strconv.Atoi(v)
		if err != nil || pid <= 0 || n == "" {
			return fmt.Errorf("--pid %q: want TARGET=PID", p)
		}
		cfg.PIDs[n] = pid
	}
	for _, n := range strings.Split(*sameData, ",") {
		if n = strings.TrimSpace(n); n != "" {
			cfg.SameData = append(cfg.SameData, n)
		}
	}
	for _, spec := range targets {
		t, err := loadgen.ParseTarget(spec, *allowRemote)
		if err != nil {
			return err
		}
		t.Dialect = dialectOf[t.Name]
		cfg.Targets = append(cfg.Targets, t)
		rep.Targets = append(rep.Targets, report.TargetInfo{Name: t.Name, URL: redact(t.URL), Label: labelOf[t.Name]})
	}
	known := map[string]bool{}
	for _, t := range cfg.Targets {
		known[t.Name] = true
	}
	for n := range dialectOf {
		if !known[n] {
			return fmt.Errorf("--dialect names %q, which is not a target", n)
		}
	}
	for n := range cfg.PIDs {
		if !known[n] {
			return fmt.Errorf("--pid names %q, which is not a target", n)
		}
	}
	for _, n := range cfg.SameData {
		if !known[n] {
			return fmt.Errorf("--same-data names %q, which is not a target", n)
		}
	}
	if *ref != "" {
		found := false
		for _, t := range cfg.Targets {
			found = found || t.Name == *ref
		}
		if !found {
			return fmt.Errorf("reference %q is not a target", *ref)
		}
	}
	rep.Machine = machine(ctx, *dbURL)
	if *note != "" {
		rep.Notes = append(rep.Notes, *note)
	}
	for _, p := range procs {
		f, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		pr, err := report.ReadJSON(strings.NewReader(string(f)))
		if err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
		rep.Proc = append(rep.Proc, pr.Proc...)
	}
	res, err := loadgen.Run(ctx, cfg)
	rep.Results = res
	if err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	return write(rep, *out)
}

// redact hides a password in a URL before it goes into a report.
func redact(u string) string {
	if i := strings.Index(u, "://"); i >= 0 {
		if j := strings.Index(u[i+3:], "@"); j >= 0 {
			auth := u[i+3 : i+3+j]
			if k := strings.Index(auth, ":"); k >= 0 {
				return u[:i+3] + auth[:k] + ":***" + u[i+3+j:]
			}
		}
	}
	return u
}

func write(rep *report.Report, dir string) error {
	if dir == "" {
		return report.WriteMarkdown(os.Stdout, rep)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for name, fn := range map[string]func(*os.File) error{
		"results.json": func(f *os.File) error { return report.WriteJSON(f, rep) },
		"results.md":   func(f *os.File) error { return report.WriteMarkdown(f, rep) },
		"results.svg":  func(f *os.File) error { return report.WriteSVG(f, rep) },
	} {
		f, err := os.Create(filepath.Join(dir, name))
		if err != nil {
			return err
		}
		if err := fn(f); err != nil {
			f.Close()
			return err
		}
		if err := f.Close(); err != nil {
			return err
		}
	}
	fmt.Fprintln(os.Stderr, "wrote", dir)
	return report.WriteMarkdown(os.Stdout, rep)
}

func machine(ctx context.Context, dbURL string) report.Machine {
	m := report.Machine{CPUs: runtime.NumCPU(), GoVersion: runtime.Version(), Shared: true}
	var u syscall.Utsname
	if syscall.Uname(&u) == nil {
		m.Kernel = cstr(u.Sysname[:]) + " " + cstr(u.Release[:])
	}
	if data, err := os.ReadFile("/proc/meminfo"); err == nil {
		for _, line := range strings.Split(string(data), "\n") {
			if rest, ok := strings.CutPrefix(line, "MemTotal:"); ok {
				f := strings.Fields(rest)
				if len(f) > 0 {
					kb, _ := strconv.Atoi(f[0])
					m.MemoryMB = kb / 1024
				}
			}
		}
	}
	if data, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(data), "\n") {
			if rest, ok := strings.CutPrefix(line, "model name"); ok {
				m.CPUModel = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(rest), ":"))
				break
			}
		}
	}
	if dbURL != "" {
		cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		if conn, err := pgx.Connect(cctx, dbURL); err == nil {
			conn.QueryRow(cctx, "SHOW server_version").Scan(&m.PostgreSQL)
			conn.Close(cctx)
		}
	}
	return m
}

func cstr[T int8 | uint8](b []T) string {
	var s []byte
	for _, c := range b {
		if c == 0 {
			break
		}
		s = append(s, byte(c))
	}
	return string(s)
}

func cmdProc(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("proc", flag.ExitOnError)
	name := fs.String("name", "", "target name for the report")
	health := fs.String("health", "/health", "path that answers 200 once the server is ready")
	runs := fs.Int("startup-runs", 5, "exec → first 200 measurements (median reported)")
	wfile := fs.String("workloads", "perf/workloads/blog.json", "workload file")
	wname := fs.String("workload", "users-20x3", "workload driven for the RSS-under-load and leak measurements")
	dialect := fs.String("dialect", "", "send that workload's requests in this dialect (the workload file's \"dialects\")")
	loadConns := fs.Int("load-connections", 10, "connections for the load phases")
	small := fs.Int64("leak-small", 100000, "requests before the first RSS reading of the leak check (0: skip the leak check)")
	large := fs.Int64("leak-large", 1000000, "total requests before the second RSS reading")
	hold := fs.Int("hold", 20000, "keep-alive connections to try to hold (0: skip)")
	timeout := fs.Duration("timeout", 60*time.Second, "start-up timeout")
	out := fs.String("out", "", "JSON file to write (a report holding only this process measurement)")
	fs.Parse(args)
	argv := fs.Args()
	if *name == "" || len(argv) == 0 {
		return errors.New("proc: --name and a command after -- are required")
	}
	if *runs < 1 || *runs > 50 || *hold < 0 || *hold > 60000 || *small < 0 || (*small > 0 && *large <= *small) {
		return errors.New("proc: startup-runs 1..50, hold 0..60000, leak-large > leak-small")
	}
	pr := report.Proc{Target: *name, StartupRuns: *runs}
	capNote := ""
	if lim, err := procstat.RaiseNoFile(); err == nil {
		// client and server each need one descriptor per connection, plus spares
		if room := int(lim) - 200; *hold > room {
			capNote = fmt.Sprintf("capped at %d by the RLIMIT_NOFILE hard limit %d", room, lim)
			*hold = room
		}
	}
	err := measureProc(ctx, &pr, argv, *health, *runs, *timeout, *wfile, *wname, *dialect, *loadConns, *small, *large, *hold)
	if err != nil {
		pr.Error = err.Error()
		fmt.Fprintln(os.Stderr, "proc:", err)
	}
	if capNote != "" && pr.ConnsLimitReason == "" {
		pr.ConnsLimitReason = capNote
	}
	rep := &report.Report{Title: "proc " + *name, Date: time.Now().UTC().Format(time.RFC3339), Command: "fraiseql-bench proc " + strings.Join(args, " "), Machine: machine(ctx, ""), Proc: []report.Proc{pr}}
	if *out == "" {
		return report.WriteMarkdown(os.Stdout, rep)
	}
	f, err := os.Create(*out)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := report.WriteJSON(f, rep); err != nil {
		return err
	}
	return report.WriteMarkdown(os.Stdout, rep)
}

func measureProc(ctx context.Context, pr *report.Proc, argv []string, health string, runs int, timeout time.Duration,
	wfile, wname, dialect string, loadConns int, small, large int64, hold int) error {
	var starts []time.Duration
	var p *procstat.Process
	for i := 0; i < runs; i++ {
		if p != nil {
			p.Stop()
		}
		var err error
		p, err = procstat.Start(ctx, argv, nil, health, timeout)
		if err != nil {
			return err
		}
		starts = append(starts, p.Started)
	}
	defer p.Stop()
	sort.Slice(starts, func(i, j int) bool { return starts[i] < starts[j] })
	pr.StartupMS = float64(starts[len(starts)/2].Microseconds()) / 1000
	pid := p.Cmd.Process.Pid
	time.Sleep(time.Second) // let start-up garbage settle before reading idle RSS
	idle, err := procstat.RSSKB(pid)
	if err != nil {
		return err
	}
	pr.IdleRSSKB = idle
	pr.IdleAnonKB, pr.IdleFileKB, _ = procstat.RSSSplit(pid) // zero where the kernel has no split
	fmt.Fprintf(os.Stderr, "proc %s: start-up %v (median of %d), idle RSS %d kB (anon %d, file %d)\n", pr.Target, starts[len(starts)/2], runs, idle, pr.IdleAnonKB, pr.IdleFileKB)

	if small > 0 {
		ws, err := workload.LoadFile(wfile)
		if err != nil {
			return err
		}
		if ws, err = workload.Select(ws, wname); err != nil {
			return err
		}
		t, err := loadgen.ParseTarget(pr.Target+"=http://"+p.Addr, false)
		if err != nil {
			return err
		}
		t.Dialect = dialect
		// peak RSS while the load runs
		peak := make(chan int64)
		stopPeak := make(chan struct{})
		go func() {
			var mx int64
			for {
				if v, err := procstat.RSSKB(pid); err == nil && v > mx {
					mx = v
				}
				select {
				case <-stopPeak:
					peak <- mx
					return
				case <-time.After(100 * time.Millisecond):
				}
			}
		}()
		drive := func(n int64) error {
			cfg := loadgen.Config{Targets: []loadgen.Target{t}, Workloads: ws, Connections: []int{loadConns},
				Duration: loadgen.MaxDuration, Rounds: 1, MaxRequests: n}
			res, err := loadgen.Run(ctx, cfg)
			if err != nil {
				return err
			}
			if res[0].Skipped {
				return errors.New("load workload skipped: " + res[0].SkipReason)
			}
			return nil
		}
		err = drive(small)
		if err == nil {
			pr.LeakSmallN = small
			pr.LeakSmallRSSKB, _ = procstat.RSSKB(pid)
			err = drive(large - small)
		}
		close(stopPeak)
		pr.LoadRSSKB = <-peak
		if err != nil {
			return err
		}
		pr.LeakLargeN = large
		pr.LeakLargeRSSKB, _ = procstat.RSSKB(pid)
		fmt.Fprintf(os.Stderr, "proc %s: RSS %d kB after %d, %d kB after %d, peak %d kB\n", pr.Target, pr.LeakSmallRSSKB, small, pr.LeakLargeRSSKB, large, pr.LoadRSSKB)
	}
	if hold > 0 {
		req := []byte("GET " + health + " HTTP/1.1\r\nHost: " + p.Addr + "\r\n\r\n")
		h := procstat.Hold(ctx, p.Addr, pid, hold, req, time.Second)
		pr.ConnsAttempted, pr.ConnsHeld, pr.ConnsRSSKB, pr.ConnsLimitReason = h.Attempted, h.Held, h.RSSKB, h.Reason
		fmt.Fprintf(os.Stderr, "proc %s: held %d of %d connections (%s)\n", pr.Target, h.Held, h.Attempted, h.Reason)
	}
	return nil
}
