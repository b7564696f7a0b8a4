package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/log"
)

// managerRun is an imagehub manager running in a goroutine of run-local.
type managerRun struct {
	probeAddress string
	cancel       context.CancelFunc
	done         chan struct{}
	// err is the manager's result. It is written before done is closed.
	err error
	// reported is set once WaitForReady or Wait has returned err, so that
	// Stop does not return it a second time.
	reported bool
}

// startManager starts the manager of flags against cfg. It runs until ctx is
// done or Stop is called.
func startManager(ctx context.Context, flags *managerFlags, cfg *rest.Config) *managerRun {
	ctx, cancel := context.WithCancel(ctx)
	m := &managerRun{probeAddress: flags.probeAddress, cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(m.done)
		m.err = flags.runManager(ctx, cfg)
	}()
	return m
}

// WaitForReady polls the manager's /readyz endpoint until it returns 200 OK,
// then logs that the manager is up. It fails when the manager returns first,
// or after timeout.
func (m *managerRun) WaitForReady(ctx context.Context, timeout time.Duration) error {
	logger := log.FromContext(ctx)
	if m.probeAddress == "0" {
		logger.Info("imagehub manager started; its health probes are disabled")
		return nil
	}
	url := "http://" + m.probeAddress + "/readyz"
	httpClient := &http.Client{Timeout: time.Second}
	ticker := time.NewTicker(200 * time.Millisecond)
	defer ticker.Stop()
	deadline := time.After(timeout)
	for {
		if probeOK(ctx, httpClient, url) {
			logger.Info("imagehub manager is up", "readyz", url)
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("failed to wait for the imagehub manager: %w", ctx.Err())
		case <-m.done:
			m.reported = true
			return fmt.Errorf("failed to start the imagehub manager: %w", m.result())
		case <-deadline:
			return fmt.Errorf("failed to start the imagehub manager: %s did not return 200 OK within %s", url, timeout)
		case <-ticker.C:
		}
	}
}

func probeOK(ctx context.Context, httpClient *http.Client, url string) bool {
	request, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return false
	}
	response, err := httpClient.Do(request)
	if err != nil {
		return false
	}
	_ = response.Body.Close()
	return response.StatusCode == http.StatusOK
}

// Wait blocks until ctx is done, which is a requested stop, or until the
// manager returns on its own, which is an error.
func (m *managerRun) Wait(ctx context.Context) error {
	select {
	case <-ctx.Done():
		return nil
	case <-m.done:
		m.reported = true
		return fmt.Errorf("imagehub manager stopped unexpectedly: %w", m.result())
	}
}

// Stop cancels the manager, waits until it has returned and logs the stop.
// It returns the manager's error unless WaitForReady or Wait already did.
func (m *managerRun) Stop(ctx context.Context) error {
	m.cancel()
	<-m.done
	if m.err != nil {
		if m.reported {
			return nil
		}
		return m.err
	}
	log.FromContext(ctx).Info("imagehub manager stopped")
	return nil
}

// result returns the manager's error once it has returned, never nil.
func (m *managerRun) result() error {
	if m.err != nil {
		return m.err
	}
	return errors.New("the manager returned without an error")
}

// notifyContext returns a context that the first SIGINT, SIGTERM or SIGHUP
// cancels, so that closing the terminal also stops the child processes.
// Later signals are logged and otherwise ignored, so that a second Ctrl-C
// does not exit the process before etcd and kube-apiserver are stopped.
func notifyContext(ctx context.Context) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(ctx)
	signals := make(chan os.Signal, 2)
	signal.Notify(signals, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	logger := log.FromContext(ctx)
	go func() {
		select {
		case sig := <-signals:
			logger.Info("Stopping on signal", "signal", sig.String())
			cancel()
		case <-ctx.Done():
			signal.Stop(signals)
			return
		}
		for sig := range signals {
			logger.Info("Already stopping, waiting for the manager, kube-apiserver and etcd to exit",
				"signal", sig.String())
		}
	}()
	return ctx, cancel
}

// printNextSteps prints the commands that use the local control plane.
// Relative paths are relative to the working directory.
func printNextSteps(w io.Writer, kubeconfig, assetsDir string) {
	kubectl := "kubectl"
	if path := filepath.Join(assetsDir, "kubectl"); fileExists(path) {
		kubectl = shortPath(path)
	}
	lines := []string{
		"",
		"imagehub is running. Try it from another shell in this directory:",
		"",
		"  export KUBECONFIG=" + shortPath(kubeconfig),
		"  " + kubectl + " get repositories",
		"  " + kubectl + " get dp datapackuid -o yaml",
	}
	if sample := filepath.Join("config", "samples", "datapack-grid.yaml"); fileExists(sample) {
		lines = append(lines,
			"  "+kubectl+" create -f "+sample,
			"  "+kubectl+" get dp datapack-grid -o yaml")
	}
	lines = append(lines, "", "Ctrl-C stops imagehub, kube-apiserver and etcd.", "")
	_, _ = fmt.Fprintln(w, strings.Join(lines, "\n"))
}

// shortPath returns path relative to the working directory when it lies
// below it, else path unchanged.
func shortPath(path string) string {
	wd, err := os.Getwd()
	if err != nil {
		return path
	}
	absolute, err := filepath.Abs(path)
	if err != nil {
		return path
	}
	relative, err := filepath.Rel(wd, absolute)
	if err != nil || strings.HasPrefix(relative, "..") {
		return path
	}
	return relative
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
