package procstat

import (
	"bytes"
	"errors"
	"os"
	"strconv"
	"strings"
	"time"
)

// ClockTick is the unit of utime and stime in /proc/PID/stat: USER_HZ, 100 on
// every Linux architecture Go runs on (sysconf(_SC_CLK_TCK) without cgo).
const ClockTick = 10 * time.Millisecond

// CPUSnapshot holds the CPU time (user + system, in clock ticks) consumed so
// far by each process of interest, keyed by PID.
type CPUSnapshot map[int]uint64

// statFields returns the fields of /proc/PID/stat after the command name
// (which may itself hold spaces and parentheses): field 3 (state) is index 0.
func statFields(data []byte) []string {
	i := bytes.LastIndexByte(data, ')')
	if i < 0 {
		return nil
	}
	return strings.Fields(string(data[i+1:]))
}

// parseStat returns the parent PID and utime+stime (ticks) of a stat line.
func parseStat(data []byte) (ppid int, ticks uint64, err error) {
	f := statFields(data)
	// state(3) ppid(4) ... utime(14) stime(15): indexes 0, 1, 11, 12
	if len(f) < 13 {
		return 0, 0, errors.New("short /proc stat line")
	}
	ppid, err = strconv.Atoi(f[1])
	if err != nil {
		return 0, 0, err
	}
	u, err1 := strconv.ParseUint(f[11], 10, 64)
	s, err2 := strconv.ParseUint(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, 0, errors.New("bad utime/stime in /proc stat line")
	}
	return ppid, u + s, nil
}

type procInfo struct {
	ppid  int
	ticks uint64
}

func allProcs() (map[int]procInfo, error) {
	ents, err := os.ReadDir("/proc")
	if err != nil {
		return nil, err
	}
	out := make(map[int]procInfo, len(ents))
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		data, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue // exited meanwhile
		}
		if ppid, ticks, err := parseStat(data); err == nil {
			out[pid] = procInfo{ppid, ticks}
		}
	}
	return out, nil
}

// TreeCPU snapshots the CPU time of pid and of all its descendants (a
// clustered server's workers, a wrapper script's child), so a server that
// forks is charged for all of its processes.
func TreeCPU(pid int) (CPUSnapshot, error) {
	procs, err := allProcs()
	if err != nil {
		return nil, err
	}
	if _, ok := procs[pid]; !ok {
		return nil, errors.New("process " + strconv.Itoa(pid) + " not found")
	}
	children := map[int][]int{}
	for p, info := range procs {
		children[info.ppid] = append(children[info.ppid], p)
	}
	snap := CPUSnapshot{}
	stack := []int{pid}
	for len(stack) > 0 {
		p := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		snap[p] = procs[p].ticks
		stack = append(stack, children[p]...)
	}
	return snap, nil
}

// BackendCPU snapshots the CPU time of the PostgreSQL backends connected to
// database db on this machine: processes whose title (PostgreSQL rewrites its
// argv) reads "postgres: [cluster: ]USER DB HOST STATE". Background workers
// (checkpointer, autovacuum, WAL writer) and other databases' backends are
// left out, so other work on the same server does not count.
func BackendCPU(db string) (CPUSnapshot, error) {
	ents, err := os.ReadDir("/proc")
	if err != nil {
		return nil, err
	}
	snap := CPUSnapshot{}
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		cmd, err := os.ReadFile("/proc/" + e.Name() + "/cmdline")
		if err != nil || !IsBackendOf(string(bytes.TrimRight(cmd, "\x00")), db) {
			continue
		}
		data, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		if _, ticks, err := parseStat(data); err == nil {
			snap[pid] = ticks
		}
	}
	return snap, nil
}

// IsBackendOf reports whether a process title is a client backend of db:
// "postgres: 15/main: root fraiseql_bench_medium [local] idle" (Debian) or
// "postgres: root fraiseql_bench_medium 127.0.0.1(5432) SELECT".
func IsBackendOf(title, db string) bool {
	rest, ok := strings.CutPrefix(title, "postgres: ")
	if !ok {
		return false
	}
	f := strings.Fields(rest)
	if len(f) > 0 && strings.HasSuffix(f[0], ":") { // cluster name
		f = f[1:]
	}
	return len(f) >= 3 && f[1] == db && f[0] != "autovacuum" && f[0] != "logical"
}

// Since returns the CPU time spent between an earlier snapshot and this one:
// for processes in both, the difference; for processes that appeared since,
// all of their time. Processes that exited in between are not counted.
func (now CPUSnapshot) Since(before CPUSnapshot) time.Duration {
	var ticks uint64
	for pid, t := range now {
		if b, ok := before[pid]; ok {
			if t > b {
				ticks += t - b
			}
		} else {
			ticks += t
		}
	}
	return time.Duration(ticks) * ClockTick
}
