// Package localcp runs a single-node Kubernetes control plane (etcd and
// kube-apiserver on loopback) for `imagehub run-local`, and installs and
// applies the imagehub manifests on it.
package localcp

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
	"sigs.k8s.io/controller-runtime/pkg/log"
)

// loopbackHost is the address etcd and kube-apiserver listen on. They are
// never reachable from another machine.
const loopbackHost = "127.0.0.1"

// Options configure a local control plane.
type Options struct {
	// AssetsDir is the directory with the etcd and kube-apiserver binaries.
	AssetsDir string
	// DataDir keeps etcd's data between runs. Empty means a temporary
	// directory that Stop removes.
	DataDir string
	// APIServerPort and EtcdPort are the loopback ports to listen on. Zero
	// picks a free port.
	APIServerPort int
	EtcdPort      int
	// StartTimeout and StopTimeout bound the start and the stop of each
	// process. After StopTimeout a process gets SIGKILL.
	StartTimeout time.Duration
	StopTimeout  time.Duration
}

// ControlPlane is a running etcd and kube-apiserver.
type ControlPlane struct {
	etcd      *envtest.Etcd
	apiServer *envtest.APIServer
	config    *rest.Config
	lock      *os.File
}

// Start checks that the requested ports are free, locks the data directory,
// then starts etcd and kube-apiserver and provisions an admin user. When
// Start fails, whatever it started is stopped again.
//
// NOTE: envtest starts each process in its own process group and sets no
// parent-death signal, so if this process is killed with SIGKILL, etcd and
// kube-apiserver keep running until someone stops them.
func Start(ctx context.Context, opts Options) (cp *ControlPlane, err error) {
	if err := CheckListenAddress("etcd", portAddress(opts.EtcdPort), "--etcd-port"); err != nil {
		return nil, err
	}
	if err := CheckListenAddress("kube-apiserver", portAddress(opts.APIServerPort), "--apiserver-port"); err != nil {
		return nil, err
	}
	cp = &ControlPlane{}
	defer func() {
		if err != nil {
			err = errors.Join(err, cp.Stop(ctx))
		}
	}()
	if cp.lock, err = lockDataDir(opts.DataDir); err != nil {
		return cp, err
	}
	if err := cp.startEtcd(ctx, opts); err != nil {
		return cp, err
	}
	if err := cp.startAPIServer(ctx, opts); err != nil {
		return cp, err
	}
	return cp, cp.addAdmin()
}

func (cp *ControlPlane) startEtcd(ctx context.Context, opts Options) error {
	output := &tailBuffer{}
	cp.etcd = &envtest.Etcd{
		Path:         filepath.Join(opts.AssetsDir, "etcd"),
		StartTimeout: opts.StartTimeout,
		StopTimeout:  opts.StopTimeout,
		Out:          output,
		Err:          output,
	}
	if opts.EtcdPort != 0 {
		cp.etcd.URL = &url.URL{Scheme: "http", Host: portAddress(opts.EtcdPort)}
	}
	if opts.DataDir != "" {
		cp.etcd.DataDir = filepath.Join(opts.DataDir, "etcd")
		if err := os.MkdirAll(cp.etcd.DataDir, 0o700); err != nil {
			return fmt.Errorf("failed to create the etcd data directory: %w", err)
		}
		// envtest turns fsync off for speed. Data that must survive a
		// crash of the machine, not only a stop of etcd, needs it on.
		cp.etcd.Configure().Set("unsafe-no-fsync", "false")
	}
	if err := cp.etcd.Start(); err != nil {
		return fmt.Errorf("failed to start etcd: %w%s", err, output.Suffix())
	}
	log.FromContext(ctx).Info("etcd is up", "url", cp.etcd.URL.String(), "dataDir", cp.etcd.DataDir)
	return nil
}

func (cp *ControlPlane) startAPIServer(ctx context.Context, opts Options) error {
	output := &tailBuffer{}
	cp.apiServer = &envtest.APIServer{
		Path:         filepath.Join(opts.AssetsDir, "kube-apiserver"),
		EtcdURL:      cp.etcd.URL,
		StartTimeout: opts.StartTimeout,
		StopTimeout:  opts.StopTimeout,
		Out:          output,
		Err:          output,
	}
	if opts.APIServerPort != 0 {
		cp.apiServer.Address = loopbackHost
		cp.apiServer.Port = strconv.Itoa(opts.APIServerPort)
	}
	if err := cp.apiServer.Start(); err != nil {
		return fmt.Errorf("failed to start kube-apiserver: %w%s", err, output.Suffix())
	}
	log.FromContext(ctx).Info("kube-apiserver is up",
		"url", cp.apiServer.SecureServing.URL("https", "/").String())
	return nil
}

// addAdmin provisions a client certificate in the system:masters group.
func (cp *ControlPlane) addAdmin() error {
	plane := &envtest.ControlPlane{APIServer: cp.apiServer, Etcd: cp.etcd}
	user, err := plane.AddUser(envtest.User{Name: "imagehub-admin", Groups: []string{"system:masters"}},
		&rest.Config{QPS: 500, Burst: 1000})
	if err != nil {
		return fmt.Errorf("failed to provision the admin user: %w", err)
	}
	cp.config = user.Config()
	return nil
}

// Config returns a client configuration with cluster-admin rights.
func (cp *ControlPlane) Config() *rest.Config {
	return rest.CopyConfig(cp.config)
}

// Stop stops kube-apiserver, then etcd, and unlocks the data directory. It
// may be called on a partly started control plane.
func (cp *ControlPlane) Stop(ctx context.Context) error {
	logger := log.FromContext(ctx)
	var errs []error
	if cp.apiServer != nil {
		if err := cp.apiServer.Stop(); err != nil {
			errs = append(errs, fmt.Errorf("failed to stop kube-apiserver: %w", err))
		} else {
			logger.Info("kube-apiserver stopped")
		}
		cp.apiServer = nil
	}
	if cp.etcd != nil {
		if err := cp.etcd.Stop(); err != nil {
			errs = append(errs, fmt.Errorf("failed to stop etcd: %w", err))
		} else {
			logger.Info("etcd stopped")
		}
		cp.etcd = nil
	}
	if cp.lock != nil {
		// Closing the file releases the flock.
		if err := cp.lock.Close(); err != nil {
			errs = append(errs, fmt.Errorf("failed to unlock the data directory: %w", err))
		}
		cp.lock = nil
	}
	return errors.Join(errs...)
}

// lockDataDir creates dir and locks it, so that a second run-local on the
// same directory fails at once instead of waiting for etcd's own lock until
// its start times out.
func lockDataDir(dir string) (*os.File, error) {
	if dir == "" {
		return nil, nil
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("failed to create the data directory: %w", err)
	}
	return LockFile(filepath.Join(dir, "run-local.lock"), "data directory "+dir)
}

// LockFile takes an exclusive lock on path, creating it, for as long as the
// returned file stays open. resource names what is locked in the error
// returned when another run-local holds the lock.
func LockFile(path, resource string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("failed to open the lock file of the %s: %w", resource, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		_ = f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("%s is in use by another imagehub run-local", resource)
		}
		return nil, fmt.Errorf("failed to lock the %s: %w", resource, err)
	}
	return f, nil
}

// portAddress returns the loopback address of port, or "" for port 0.
func portAddress(port int) string {
	if port == 0 {
		return ""
	}
	return net.JoinHostPort(loopbackHost, strconv.Itoa(port))
}
