package v1_test

import (
	"fmt"
	"os"
	"testing"

	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/labring/imagehub/internal/testenv"
)

// k8sClient talks to the kube-apiserver that TestMain starts once for the
// package, because CRDs take seconds to become usable after installation.
var k8sClient client.Client

func TestMain(m *testing.M) {
	os.Exit(runTests(m))
}

func runTests(m *testing.M) int {
	cluster, err := testenv.StartCluster()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer cluster.Stop()
	k8sClient = cluster.Client
	return m.Run()
}
