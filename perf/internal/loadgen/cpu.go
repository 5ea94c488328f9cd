package loadgen

import "github.com/fraiseql/fraiseql-http/perf/internal/procstat"

// cpuWindow holds the /proc snapshots taken when a measured window opens.
type cpuWindow struct {
	c              *Config
	pid            int
	server, pg     procstat.CPUSnapshot
	serverOK, pgOK bool
}

// startCPU snapshots the target's server process tree and the benchmark
// database's backends (whichever the config names) as the window opens.
func (c *Config) startCPU(t Target) *cpuWindow {
	w := &cpuWindow{c: c, pid: c.PIDs[t.Name]}
	if w.pid > 0 {
		var err error
		w.server, err = procstat.TreeCPU(w.pid)
		w.serverOK = err == nil
	}
	if c.PGDatabase != "" {
		var err error
		w.pg, err = procstat.BackendCPU(c.PGDatabase)
		w.pgOK = err == nil
	}
	return w
}

// stop records the CPU time spent since startCPU into sr. Backends of every
// target's pool are snapshotted, but only the measured target's are busy:
// targets run one at a time.
func (w *cpuWindow) stop(sr *sliceResult) {
	if w.serverOK {
		if now, err := procstat.TreeCPU(w.pid); err == nil {
			sr.serverCPU, sr.serverCPUOK = now.Since(w.server), true
		}
	}
	if w.pgOK {
		if now, err := procstat.BackendCPU(w.c.PGDatabase); err == nil {
			sr.pgCPU, sr.pgCPUOK = now.Since(w.pg), true
		}
	}
}
