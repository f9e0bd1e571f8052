package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// testSecret is the session secret every test server shares (so a cookie works on any of them).
const testSecret = "loadtest-session-secret-0123456789abcdef"

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
	buildDir  string
)

func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

// atelierBinary builds cmd/atelier once per test process and returns its path.
func atelierBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		buildDir, buildErr = os.MkdirTemp("", "atelier-loadtest-bin-")
		if buildErr != nil {
			return
		}
		binPath = filepath.Join(buildDir, "atelier")
		cmd := exec.Command("go", "build", "-o", binPath, "atelier/cmd/atelier")
		out, err := cmd.CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build ./cmd/atelier: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// server is one running atelier process.
type server struct {
	t    *testing.T
	cmd  *exec.Cmd
	URL  string
	done chan struct{} // closed when the process has exited and its output is drained
	mu   sync.Mutex
	tail []string // the last lines of its log, for failures
}

// listeningRE finds the address in the "listening" log line (text or JSON log format).
var listeningRE = regexp.MustCompile(`msg=listening addr=(\S+)`)

// startServer runs the atelier binary with args (plus -addr 127.0.0.1:0), waits for its
// "listening" log line and for GET /healthz to answer 200, within a deadline.
func startServer(t *testing.T, bin string, args ...string) *server {
	t.Helper()
	args = append([]string{"-addr", "127.0.0.1:0", "-log-level", "info", "-session-secrets", testSecret}, args...)
	cmd := exec.Command(bin, args...)
	cmd.Env = cleanEnv()
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &server{t: t, cmd: cmd, done: make(chan struct{})}
	addr := make(chan string, 1)
	go s.drain(stdout, addr)
	t.Cleanup(s.kill)
	select {
	case a := <-addr:
		s.URL = "http://" + a
	case <-s.done:
		t.Fatalf("atelier exited before listening:\n%s", s.log())
	case <-time.After(60 * time.Second):
		s.kill()
		t.Fatalf("atelier did not log \"listening\" within 60s:\n%s", s.log())
	}
	s.waitHealthy(30 * time.Second)
	return s
}

// drain reads the process's log until it exits, sending the listening address once.
func (s *server) drain(r io.Reader, addr chan<- string) {
	defer close(s.done)
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	sent := false
	for sc.Scan() {
		line := sc.Text()
		if !sent {
			if m := listeningRE.FindStringSubmatch(line); m != nil {
				addr <- m[1]
				sent = true
			}
		}
		s.mu.Lock()
		if len(s.tail) >= 40 {
			s.tail = s.tail[1:]
		}
		s.tail = append(s.tail, line)
		s.mu.Unlock()
	}
	_ = s.cmd.Wait()
}

func (s *server) log() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return strings.Join(s.tail, "\n")
}

// waitHealthy polls GET /healthz until 200 or the deadline. The listener is open once the
// "listening" line is logged, so each poll waits for the server instead of spinning.
func (s *server) waitHealthy(within time.Duration) {
	s.t.Helper()
	deadline := time.Now().Add(within)
	client := &http.Client{Timeout: 5 * time.Second}
	var last string
	for attempt := 0; time.Now().Before(deadline) && attempt < 1000; attempt++ {
		resp, err := client.Get(s.URL + "/healthz")
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
			last = resp.Status
		} else {
			last = err.Error()
		}
		select {
		case <-s.done:
			s.t.Fatalf("atelier exited while starting:\n%s", s.log())
		default:
		}
	}
	s.t.Fatalf("atelier at %s not healthy within %s (last: %s):\n%s", s.URL, within, last, s.log())
}

// kill sends SIGKILL and waits for the process to be gone (no-op when it already is).
func (s *server) kill() {
	select {
	case <-s.done:
		return
	default:
	}
	_ = s.cmd.Process.Signal(syscall.SIGKILL)
	<-s.done
}

// stop asks the process to shut down (SIGTERM) and waits; it kills it past the deadline.
func (s *server) stop(within time.Duration) {
	s.t.Helper()
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(within):
		s.kill()
		s.t.Errorf("atelier did not stop within %s after SIGTERM", within)
	}
}

// execCommand prepares a one-off atelier subcommand with the clean environment.
func execCommand(ctx context.Context, bin string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = cleanEnv()
	return cmd
}

// cleanEnv is the environment without ATELIER_* settings, so the test's flags alone decide.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "ATELIER_") {
			env = append(env, kv)
		}
	}
	return env
}
