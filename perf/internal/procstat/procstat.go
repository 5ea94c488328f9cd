// Package procstat measures one server process from the outside: time from
// exec to the first 200 from its health path, resident memory from
// /proc/PID/status, and how many idle keep-alive connections it holds.
//
// It starts only the command it is given, signals only that process, and
// dials only the loopback address the process printed. Linux only (/proc).
package procstat

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
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

// Hold opens up to n connections to addr, sends one request on each and reads
// the answer, keeping every socket open. After settle it checks which are
// still open (a read that times out means alive; EOF or reset means the server
// dropped it), reads the server's RSS, and closes them all.
func Hold(ctx context.Context, addr string, pid int, n int, req []byte, settle time.Duration) HoldResult {
	res := HoldResult{Attempted: n}
	conns := make([]net.Conn, 0, n)
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	var mu sync.Mutex
	var wg sync.WaitGroup
	sem := make(chan struct{}, 64)
	failures := 0
	for i := 0; i < n && ctx.Err() == nil; i++ {
		mu.Lock()
		stop := failures > 100
		mu.Unlock()
		if stop {
			break
		}
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			c, err := net.DialTimeout("tcp", addr, 5*time.Second)
			if err == nil {
				c.SetDeadline(time.Now().Add(10 * time.Second))
				if _, err = c.Write(req); err == nil {
					var status int
					status, err = readStatus(bufio.NewReader(c))
					if err == nil && status != 200 {
						err = fmt.Errorf("status %d", status)
					}
				}
				if err != nil {
					c.Close()
				}
			}
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				failures++
				if res.Reason == "" {
					res.Reason = fmt.Sprintf("after %d connections: %v", len(conns), err)
				}
				return
			}
			conns = append(conns, c)
		}()
	}
	wg.Wait()
	select {
	case <-time.After(settle):
	case <-ctx.Done():
	}
	// The response was read through a bufio.Reader that may hold more bytes;
	// a well-behaved server sent nothing else, so a 1 ms read must time out.
	buf := make([]byte, 1)
	for _, c := range conns {
		c.SetReadDeadline(time.Now().Add(time.Millisecond))
		_, err := c.Read(buf)
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			res.Held++
		}
	}
	res.RSSKB, _ = RSSKB(pid)
	return res
}
