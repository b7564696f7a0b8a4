package controller_test

import (
	"fmt"
	"os"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/labring/imagehub/internal/controller"
	"github.com/labring/imagehub/internal/testenv"
)

// testStatusBudget is the DataPack status budget of the test manager, small
// enough that a handful of large Images exceed it.
const testStatusBudget = 256 << 10

// Generous limits for a loaded 2-core machine; latency targets live in the
// benchmarks.
const (
	timeout  = 30 * time.Second
	interval = 100 * time.Millisecond
)

var (
	cfg       *rest.Config
	k8sClient client.Client
	// stopManager stops the running manager and waits until it has exited.
	stopManager func()
)

func TestMain(m *testing.M) {
	os.Exit(runTests(m))
}

func runTests(m *testing.M) int {
	testenv.SetupLogging()
	cluster, err := testenv.StartCluster()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer cluster.Stop()
	cfg, k8sClient = cluster.Config, cluster.Client
	if err := startManager(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer func() { stopManager() }()
	return m.Run()
}

// startManager starts a manager with all imagehub controllers and sets
// stopManager.
func startManager() error {
	stop, err := testenv.StartManager(cfg, controller.Options{MaxStatusBytes: testStatusBudget})
	if err != nil {
		return err
	}
	stopManager = stop
	return nil
}

// restartManager stops the manager and starts a new one.
func restartManager(t *testing.T) {
	t.Helper()
	stopManager()
	if err := startManager(); err != nil {
		t.Fatal(err)
	}
}

// eventually wraps gomega's Eventually with the suite's timeout.
func eventually(g Gomega, actual any) AsyncAssertion {
	return g.Eventually(actual).WithTimeout(timeout).WithPolling(interval)
}
