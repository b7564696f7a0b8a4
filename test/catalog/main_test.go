// Package catalog_test loads the real catalog of labring cluster images into
// a real API server with the imagehub controllers running, and checks and
// measures the result. It needs ../shared/data beside the repository and
// skips without it.
package catalog_test

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/labring/imagehub/internal/controller"
	"github.com/labring/imagehub/internal/testenv"
)

var (
	cfg       *rest.Config
	k8sClient client.Client
	// catalogPath is the catalog file, or "" when it is absent.
	catalogPath string
)

func TestMain(m *testing.M) {
	os.Exit(runTests(m))
}

func runTests(m *testing.M) int {
	root, err := testenv.RepoRoot()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	path := filepath.Join(root, "..", "shared", "data", "labring-cluster-images.yaml")
	if _, err := os.Stat(path); err != nil {
		fmt.Fprintf(os.Stderr, "catalog tests skip: %s not found\n", path)
		return m.Run()
	}
	catalogPath = path

	testenv.SetupLogging()
	cluster, err := testenv.StartCluster()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer cluster.Stop()
	cfg, k8sClient = cluster.Config, cluster.Client
	stop, err := testenv.StartManager(cfg, controller.Options{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer stop()
	return m.Run()
}

// requireCatalog skips the test when the catalog file is absent.
func requireCatalog(tb testing.TB) {
	tb.Helper()
	if catalogPath == "" {
		tb.Skip("catalog file ../shared/data/labring-cluster-images.yaml not found beside the repository")
	}
}
