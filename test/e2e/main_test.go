// Package e2e_test runs the imagehub binary as a user would: `imagehub
// run-local` as a subprocess on a real etcd and kube-apiserver, driven with
// kubectl, and the kustomize manifests rendered and applied to a real API
// server.
package e2e_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-logr/logr"
	"sigs.k8s.io/controller-runtime/pkg/log"

	"github.com/labring/imagehub/internal/localcp"
	"github.com/labring/imagehub/internal/testenv"
)

var (
	// repoRoot is the project root, the working directory of every command.
	repoRoot string
	// assetsDir holds the etcd and kube-apiserver binaries.
	assetsDir string
	// imagehubBinary is the imagehub binary built from this checkout.
	imagehubBinary string
	// kubectlBinary is kubectl, or "" when none was found.
	kubectlBinary string
)

func TestMain(m *testing.M) {
	log.SetLogger(logr.Discard())
	os.Exit(runTests(m))
}

func runTests(m *testing.M) int {
	var err error
	if repoRoot, err = testenv.RepoRoot(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	if assetsDir, err = testenv.AssetsDir(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	kubectlBinary = findKubectl()

	buildDir, err := os.MkdirTemp("", "imagehub-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer func() { _ = os.RemoveAll(buildDir) }()
	imagehubBinary = filepath.Join(buildDir, "imagehub")
	build := exec.Command("go", "build", "-o", imagehubBinary, "./cmd/imagehub")
	build.Dir = repoRoot
	if output, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "failed to build imagehub: %v\n%s", err, output)
		return 1
	}
	defer stopSharedCluster()
	return m.Run()
}

// findKubectl returns bin/kubectl of the project when `make control-plane`
// built it, else /usr/bin/kubectl, else "".
func findKubectl() string {
	for _, path := range []string{filepath.Join(repoRoot, "bin", "kubectl"), "/usr/bin/kubectl"} {
		if _, err := os.Stat(path); err == nil {
			return path
		}
	}
	return ""
}

// requireKubectl skips the test when no kubectl was found.
func requireKubectl(t *testing.T) {
	t.Helper()
	if kubectlBinary == "" {
		t.Skip("kubectl not found at bin/kubectl or /usr/bin/kubectl; run `make control-plane` to build it")
	}
}

// kubectl runs kubectl against the cluster of kubeconfig, with stdin as its
// standard input when it is not empty, and returns its combined output.
func kubectl(kubeconfig, stdin string, args ...string) (string, error) {
	return runKubectl(stdin, append([]string{"--kubeconfig", kubeconfig}, args...)...)
}

// runKubectl runs kubectl in the project root and returns its combined
// output.
func runKubectl(stdin string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, kubectlBinary, args...)
	cmd.Dir = repoRoot
	if stdin != "" {
		cmd.Stdin = strings.NewReader(stdin)
	}
	output, err := cmd.CombinedOutput()
	if err != nil {
		return string(output), fmt.Errorf("kubectl %v: %w: %s", args, err, output)
	}
	return string(output), nil
}

// sharedCluster is a control plane without an imagehub manager, started on
// first use and stopped by TestMain.
var sharedCluster struct {
	once       sync.Once
	plane      *localcp.ControlPlane
	kubeconfig string
	err        error
}

// clusterKubeconfig returns the admin kubeconfig of the shared control
// plane. The plane has no CRDs until a test installs them.
func clusterKubeconfig(t *testing.T) string {
	t.Helper()
	sharedCluster.once.Do(func() {
		ctx := context.Background()
		sharedCluster.plane, sharedCluster.err = localcp.Start(ctx, localcp.Options{
			AssetsDir:    assetsDir,
			StartTimeout: 2 * time.Minute,
			StopTimeout:  time.Minute,
		})
		if sharedCluster.err != nil {
			return
		}
		dir, err := os.MkdirTemp("", "imagehub-e2e-cluster-")
		if err != nil {
			sharedCluster.err = err
			return
		}
		sharedCluster.kubeconfig = filepath.Join(dir, "kubeconfig")
		sharedCluster.err = localcp.WriteKubeconfig(sharedCluster.kubeconfig, sharedCluster.plane.Config())
	})
	if sharedCluster.err != nil {
		t.Fatalf("failed to start the shared control plane: %v", sharedCluster.err)
	}
	return sharedCluster.kubeconfig
}

func stopSharedCluster() {
	if sharedCluster.plane == nil {
		return
	}
	err := sharedCluster.plane.Stop(context.Background())
	if sharedCluster.kubeconfig != "" {
		err = errors.Join(err, os.RemoveAll(filepath.Dir(sharedCluster.kubeconfig)))
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "failed to stop the shared control plane: %v\n", err)
	}
}
