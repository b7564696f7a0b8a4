package e2e_test

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	. "github.com/onsi/gomega"
)

// startTimeout bounds the start of run-local, which starts etcd,
// kube-apiserver and the manager on a machine that may be loaded.
const startTimeout = 3 * time.Minute

// runLocal is `imagehub run-local` running as a subprocess.
type runLocal struct {
	cmd        *exec.Cmd
	kubeconfig string
	output     *syncBuffer
	exited     chan struct{}
	exitErr    error
	// children are the PIDs and names of the subprocess's children, as
	// recorded by recordChildren.
	children map[int]string
}

// startRunLocal starts run-local with the given data directory and extra
// flags, writing its kubeconfig into the test's temporary directory.
func startRunLocal(t *testing.T, dataDir string, args ...string) *runLocal {
	t.Helper()
	kubeconfig := filepath.Join(t.TempDir(), "local.kubeconfig")
	args = append([]string{"run-local", "--assets-dir", assetsDir, "--data-dir", dataDir,
		"--kubeconfig-out", kubeconfig}, args...)
	return startImagehub(t, kubeconfig, args...)
}

// startImagehub starts the imagehub binary with args in the project root.
// kubeconfig is the file the process writes or uses. The test's cleanup
// stops the process, and its children if they outlive it, and logs its
// output when the test failed.
func startImagehub(t *testing.T, kubeconfig string, args ...string) *runLocal {
	t.Helper()
	p := &runLocal{kubeconfig: kubeconfig, output: &syncBuffer{}, exited: make(chan struct{})}
	p.cmd = exec.Command(imagehubBinary, args...)
	p.cmd.Dir = repoRoot
	p.cmd.Stdout = p.output
	p.cmd.Stderr = p.output
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("failed to start imagehub: %v", err)
	}
	go func() {
		p.exitErr = p.cmd.Wait()
		close(p.exited)
	}()
	t.Cleanup(func() { p.cleanup(t) })
	return p
}

// waitForKubeconfig waits until run-local has written its kubeconfig, which
// it does once the samples are applied, and fails at once if it exits.
func (p *runLocal) waitForKubeconfig(t *testing.T) {
	t.Helper()
	NewWithT(t).Eventually(func(g Gomega) {
		select {
		case <-p.exited:
			StopTrying("run-local exited before writing its kubeconfig").Now()
		default:
		}
		g.Expect(p.kubeconfig).To(BeAnExistingFile())
	}).WithTimeout(startTimeout).WithPolling(250 * time.Millisecond).Should(Succeed())
}

// recordChildren stores the subprocess's current children, read from
// /proc/PID/task/*/children, with their command names.
func (p *runLocal) recordChildren(t *testing.T) map[int]string {
	t.Helper()
	p.children = map[int]string{}
	files, err := filepath.Glob(filepath.Join("/proc", strconv.Itoa(p.cmd.Process.Pid), "task", "*", "children"))
	if err != nil || len(files) == 0 {
		t.Fatalf("failed to list the tasks of run-local (pid %d): %v", p.cmd.Process.Pid, err)
	}
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			continue // the thread exited after the glob
		}
		for _, field := range strings.Fields(string(data)) {
			pid, err := strconv.Atoi(field)
			if err != nil {
				t.Fatalf("invalid pid %q in %s", field, file)
			}
			p.children[pid] = processName(pid)
		}
	}
	return p.children
}

// processName returns the command name of pid, or "" when it does not run.
func processName(pid int) string {
	data, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "comm"))
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(data))
}

// interrupt sends SIGINT and waits for run-local to exit.
func (p *runLocal) interrupt(t *testing.T) error {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatalf("failed to send SIGINT to run-local: %v", err)
	}
	select {
	case <-p.exited:
		return p.exitErr
	case <-time.After(2 * time.Minute):
		t.Fatal("run-local did not exit within 2m of SIGINT")
		return nil
	}
}

// leftoverChildren returns the recorded children that still run.
func (p *runLocal) leftoverChildren() map[int]string {
	left := map[int]string{}
	for pid, name := range p.children {
		if name != "" && processName(pid) == name {
			left[pid] = name
		}
	}
	return left
}

// cleanup kills whatever a failed test left running and logs the output.
func (p *runLocal) cleanup(t *testing.T) {
	select {
	case <-p.exited:
	default:
		_ = p.cmd.Process.Signal(syscall.SIGINT)
		select {
		case <-p.exited:
		case <-time.After(time.Minute):
			_ = p.cmd.Process.Kill()
			<-p.exited
		}
	}
	for pid := range p.leftoverChildren() {
		_ = syscall.Kill(pid, syscall.SIGKILL)
	}
	if t.Failed() {
		t.Logf("run-local output:\n%s", p.output.String())
	}
}

// syncBuffer is a bytes.Buffer that a subprocess writes while a test reads.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// exitCode returns the exit code in err from exec, 0 for nil, or -1 when
// the process did not exit normally.
func exitCode(err error) int {
	var exitErr *exec.ExitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &exitErr):
		return exitErr.ExitCode()
	default:
		return -1
	}
}
