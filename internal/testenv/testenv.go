// Package testenv starts a real kube-apiserver and etcd with the imagehub CRDs
// installed, for tests and for running imagehub without a cluster.
package testenv

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"go.uber.org/zap/zapcore"
	"k8s.io/client-go/rest"
	"k8s.io/utils/ptr"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	ctrlconfig "sigs.k8s.io/controller-runtime/pkg/config"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	"github.com/labring/imagehub/internal/controller"
)

// RepoRoot returns the directory that holds the project's go.mod, searching
// upwards from the working directory. Tests run in their package's directory.
func RepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			if _, err := os.Stat(filepath.Join(dir, "api", "v1")); err == nil {
				return dir, nil
			}
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("project root with go.mod and api/v1 not found above the working directory")
		}
		dir = parent
	}
}

// AssetsDir returns the directory with the etcd and kube-apiserver binaries:
// $KUBEBUILDER_ASSETS if set, else bin/ under the project root, where
// `make control-plane` builds them.
func AssetsDir() (string, error) {
	dir := os.Getenv("KUBEBUILDER_ASSETS")
	if dir == "" {
		root, err := RepoRoot()
		if err != nil {
			return "", err
		}
		dir = filepath.Join(root, "bin")
	}
	for _, name := range []string{"etcd", "kube-apiserver"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			return "", fmt.Errorf("%s not found in %s: run `make test` or `make control-plane`, which build it", name, dir)
		}
	}
	return dir, nil
}

// New returns an environment that installs the imagehub CRDs from
// config/crd/bases. Call Start on it, and Stop when done.
func New() (*envtest.Environment, error) {
	root, err := RepoRoot()
	if err != nil {
		return nil, err
	}
	assets, err := AssetsDir()
	if err != nil {
		return nil, err
	}
	return &envtest.Environment{
		BinaryAssetsDirectory: assets,
		CRDDirectoryPaths:     []string{filepath.Join(root, "config", "crd", "bases")},
		ErrorIfCRDPathMissing: true,
		Scheme:                controller.NewScheme(),
	}, nil
}

// StartManager starts a manager with every imagehub controller against cfg,
// with metrics and probes off, and returns a function that stops it and
// waits until it has exited.
func StartManager(cfg *rest.Config, opts controller.Options) (stop func(), err error) {
	mgr, err := ctrl.NewManager(cfg, ctrl.Options{
		Scheme:                 controller.NewScheme(),
		Metrics:                metricsserver.Options{BindAddress: "0"},
		HealthProbeBindAddress: "0",
		// Tests start a new manager after stopping one in the same process.
		Controller: ctrlconfig.Controller{SkipNameValidation: ptr.To(true)},
	})
	if err != nil {
		return nil, fmt.Errorf("failed to create the manager: %w", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	if err := controller.Setup(ctx, mgr, opts); err != nil {
		cancel()
		return nil, err
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := mgr.Start(ctx); err != nil {
			fmt.Fprintf(os.Stderr, "manager stopped: %v\n", err)
		}
	}()
	return func() {
		cancel()
		<-done
	}, nil
}

// SetupLogging sends controller-runtime's logs to stderr: errors only, or
// everything when IMAGEHUB_TEST_LOG=debug.
func SetupLogging() {
	level := zapcore.ErrorLevel
	if os.Getenv("IMAGEHUB_TEST_LOG") == "debug" {
		level = zapcore.DebugLevel
	}
	ctrl.SetLogger(zap.New(zap.WriteTo(os.Stderr), zap.UseDevMode(true), zap.Level(level)))
}

// Cluster is a started test control plane and a client for it.
type Cluster struct {
	Env    *envtest.Environment
	Config *rest.Config
	Client client.Client
}

// StartCluster starts etcd and kube-apiserver with the imagehub CRDs
// installed. Call Stop when done.
func StartCluster() (*Cluster, error) {
	env, err := New()
	if err != nil {
		return nil, err
	}
	cfg, err := env.Start()
	if err != nil {
		return nil, fmt.Errorf("failed to start the control plane: %w", err)
	}
	c, err := client.New(cfg, client.Options{Scheme: env.Scheme})
	if err != nil {
		_ = env.Stop()
		return nil, fmt.Errorf("failed to create a client: %w", err)
	}
	return &Cluster{Env: env, Config: cfg, Client: c}, nil
}

// Stop stops the control plane and reports a failure on stderr.
func (c *Cluster) Stop() {
	if err := c.Env.Stop(); err != nil {
		fmt.Fprintf(os.Stderr, "failed to stop the control plane: %v\n", err)
	}
}
