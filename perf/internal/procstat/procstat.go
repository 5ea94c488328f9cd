// Package procstat measures one server process from the outside: time from
// exec to the first 200 from its health path, resident memory from
// /proc/PID/status, and how many keep-alive connections it holds at once.
//
// It must never start anything but the command it is given, signal any
// process but that one, or dial anything but the loopback address the
// process printed. Linux only (/proc).
package procstat

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// listenRE finds the address a server announces: fraiseql-http prints
// "listening on http://HOST:PORT", uvicorn "Uvicorn running on http://HOST:PORT".
var listenRE = regexp.MustCompile(`http://((?:127\.\d+\.\d+\.\d+|localhost|\[::1\]):\d+)`)

// Process is a started server.
type Process struct {
	Cmd  *exec.Cmd
	Addr string // host:port it announced
	// Started is the exec → first 200 duration.
	Started time.Duration

	mu     sync.Mutex
	output strings.Builder // the first lines of output, for error messages
}

// Start execs argv, waits for it to announce a loopback http:// address on
// stdout or stderr, then polls healthPath until it answers 200. The returned
// duration runs from just before exec to that 200.
func Start(ctx context.Context, argv []string, env []string, healthPath string, timeout time.Duration) (*Process, error) {
	if len(argv) == 0 {
		return nil, errors.New("no command")
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = append(os.Environ(), env...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	p := &Process{Cmd: cmd}
	addrCh := make(chan string, 2)
	scan := func(r io.Reader) {
		sc := bufio.NewScanner(r)
		sent := false
		for sc.Scan() {
			line := sc.Text()
			p.mu.Lock()
			if p.output.Len() < 4096 {
				p.output.WriteString(line + "\n")
			}
			p.mu.Unlock()
			if !sent {
				if m := listenRE.FindStringSubmatch(line); m != nil {
					addrCh <- m[1]
					sent = true
				}
			}
		}
	}
	t0 := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	// Wait must come after the pipes are drained (it closes them), so the
	// last words of a process that dies at start-up are not lost.
	var scanners sync.WaitGroup
	scanners.Add(2)
	go func() { defer scanners.Done(); scan(stdout) }()
	go func() { defer scanners.Done(); scan(stderr) }()
	exited := make(chan struct{})
	go func() { scanners.Wait(); cmd.Wait(); close(exited) }()
	fail := func(err error) (*Process, error) {
		p.Stop()
		return nil, fmt.Errorf("%s: %w; output:\n%s", argv[0], err, p.Output())
	}
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	select {
	case p.Addr = <-addrCh:
	case <-exited:
		return fail(errors.New("exited before announcing an address"))
	case <-deadline.C:
		return fail(fmt.Errorf("no address announced within %v", timeout))
	case <-ctx.Done():
		return fail(ctx.Err())
	}
	req := []byte("GET " + healthPath + " HTTP/1.1\r\nHost: " + p.Addr + "\r\nConnection: close\r\n\r\n")
	for {
		if status, err := oneRequest(p.Addr, req); err == nil && status == 200 {
			p.Started = time.Since(t0)
			return p, nil
		}
		select {
		case <-exited:
			return fail(errors.New("exited before answering 200"))
		case <-deadline.C:
			return fail(fmt.Errorf("no 200 from %s within %v", healthPath, timeout))
		case <-ctx.Done():
			return fail(ctx.Err())
		case <-time.After(500 * time.Microsecond):
		}
	}
}

// Output is what the process printed first (for diagnostics).
func (p *Process) Output() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.output.String()
}

// Stop sends SIGTERM to the process (and its process group, for servers
// started through a wrapper script), then SIGKILL after two seconds.
func (p *Process) Stop() {
	if p.Cmd.Process == nil {
		return
	}
	pid := p.Cmd.Process.Pid
	syscall.Kill(-pid, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		for i := 0; i < 200; i++ {
			if syscall.Kill(pid, 0) != nil {
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(2 * time.Second):
	}
	syscall.Kill(-pid, syscall.SIGKILL)
}

// oneRequest sends req on a fresh connection and returns the status.
func oneRequest(addr string, req []byte) (int, error) {
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return 0, err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(2 * time.Second))
	if _, err := c.Write(req); err != nil {
		return 0, err
	}
	return readStatus(bufio.NewReader(c))
}

func readStatus(br *bufio.Reader) (int, error) {
	line, err := br.ReadString('\n')
	if err != nil {
		return 0, err
	}
	f := strings.Fields(line)
	if len(f) < 2 || !strings.HasPrefix(f[0], "HTTP/") {
		return 0, fmt.Errorf("bad status line %q", line)
	}
	return strconv.Atoi(f[1])
}

// RSSKB reads VmRSS of pid in kB.
func RSSKB(pid int) (int64, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	return parseVmRSS(string(data))
}

// RSSSplit reads RssAnon and RssFile of pid in kB: the process's own memory
// (heap, stacks) and the pages of its executable and libraries it has mapped,
// which are shared page cache. An idle Go server's RSS is mostly the latter,
// so it grows with the binary, not with what the server holds.
func RSSSplit(pid int) (anonKB, fileKB int64, err error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0, err
	}
	return parseRSSSplit(string(data))
}

func parseRSSSplit(status string) (anonKB, fileKB int64, err error) {
	var seen int
	for _, line := range strings.Split(status, "\n") {
		dst := &anonKB
		rest, ok := strings.CutPrefix(line, "RssAnon:")
		if !ok {
			if rest, ok = strings.CutPrefix(line, "RssFile:"); !ok {
				continue
			}
			dst = &fileKB
		}
		f := strings.Fields(rest)
		if len(f) == 0 {
			return 0, 0, fmt.Errorf("bad line %q", line)
		}
		if *dst, err = strconv.ParseInt(f[0], 10, 64); err != nil {
			return 0, 0, err
		}
		seen++
	}
	if seen != 2 {
		return 0, 0, errors.New("no RssAnon and RssFile lines")
	}
	return anonKB, fileKB, nil
}

func parseVmRSS(status string) (int64, error) {
	for _, line := range strings.Split(status, "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			f := strings.Fields(rest)
			if len(f) == 0 {
				break
			}
			return strconv.ParseInt(f[0], 10, 64)
		}
	}
	return 0, errors.New("no VmRSS line")
}

// RaiseNoFile lifts this process's soft RLIMIT_NOFILE to its hard limit (a
// server started afterwards inherits it) and returns the new soft limit.
func RaiseNoFile() (uint64, error) {
	var l syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &l); err != nil {
		return 0, err
	}
	if l.Cur < l.Max {
		l.Cur = l.Max
		if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &l); err != nil {
			return 0, err
		}
	}
	return l.Cur, nil
}

// HoldResult says how many keep-alive connections the server kept open.
type HoldResult struct {
	Attempted int
	Held      int
	// Reason is the first failure that stopped the opening early, if any.
	Reason string
	RSSKB  int64
}

// KeepAliveEvery is how often Hold repeats its request on each held
// connection: below the 5 s keep-alive timeout of uvicorn and fraiseql-http,
// which close a connection idle for longer, as they should.
const KeepAliveEvery = 3 * time.Second

// Hold opens up to n connections to addr, sends req on each and reads the
// answer, keeping every socket open. Opening 20,000 connections on a small
// machine takes longer than a server's keep-alive timeout, so each held
// connection repeats req every KeepAliveEvery (with jitter), as a real
// keep-alive client must. Once the last connection is open and settle has
// passed, Hold reads the server's RSS and asks every connection for one more
// exchange: a connection counts as held when every exchange on it
// succeeded. None is ever reopened, so every counted connection was open at
// the moment of the RSS reading, all at once. Then it closes them all.
func Hold(ctx context.Context, addr string, pid int, n int, req []byte, settle time.Duration) HoldResult {
	res := HoldResult{Attempted: n}
	var (
		mu       sync.Mutex
		failures int
		dials    sync.WaitGroup
		keepers  sync.WaitGroup
		held     atomic.Int64
		conns    = make([]net.Conn, 0, n)
		stop     = make(chan struct{})
	)
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	fail := func(what string, err error) {
		mu.Lock()
		defer mu.Unlock()
		failures++
		if res.Reason == "" {
			res.Reason = fmt.Sprintf("%s after %d connections: %v", what, len(conns), err)
		}
	}
	// keep repeats req on c until stop, then once more, and counts c as
	// held if every exchange succeeded.
	keep := func(c net.Conn, br *bufio.Reader, seed int) {
		defer keepers.Done()
		every := KeepAliveEvery + time.Duration(seed%1000)*time.Millisecond/2 - 250*time.Millisecond
		t := time.NewTimer(every)
		defer t.Stop()
		for {
			final := false
			select {
			case <-t.C:
				t.Reset(every)
			case <-stop:
				final = true
			}
			if err := exchange(c, br, req); err != nil {
				fail("keep-alive", err)
				return
			}
			if final {
				held.Add(1)
				return
			}
		}
	}
	sem := make(chan struct{}, 64)
	for i := 0; i < n && ctx.Err() == nil; i++ {
		mu.Lock()
		giveUp := failures > 100
		mu.Unlock()
		if giveUp {
			break
		}
		sem <- struct{}{}
		dials.Add(1)
		go func() {
			defer func() { <-sem; dials.Done() }()
			c, err := net.DialTimeout("tcp", addr, 5*time.Second)
			if err != nil {
				fail("dial", err)
				return
			}
			br := bufio.NewReaderSize(c, 512)
			if err := exchange(c, br, req); err != nil {
				c.Close()
				fail("first request", err)
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
			keepers.Add(1)
			go keep(c, br, i)
		}()
	}
	dials.Wait()
	select {
	case <-time.After(settle):
	case <-ctx.Done():
	}
	res.RSSKB, _ = RSSKB(pid)
	close(stop)
	keepers.Wait()
	res.Held = int(held.Load())
	return res
}

// exchange sends req on c and reads one whole response, which must be 200.
func exchange(c net.Conn, br *bufio.Reader, req []byte) error {
	c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := c.Write(req); err != nil {
		return err
	}
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		return err
	}
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if err == nil && resp.StatusCode != http.StatusOK {
		err = fmt.Errorf("status %d", resp.StatusCode)
	}
	if err == nil && resp.Close {
		err = errors.New("server closes the connection after answering")
	}
	return err
}
