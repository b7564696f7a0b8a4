package localcp

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/go-logr/logr"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/log"

	"github.com/labring/imagehub/internal/controller"
	"github.com/labring/imagehub/internal/testenv"
)

// The control plane the tests share, started once by TestMain with a data
// directory and the CRDs installed, but with no imagehub manager.
var (
	plane        *ControlPlane
	planeDataDir string
	k8sClient    client.Client
)

func TestMain(m *testing.M) {
	log.SetLogger(logr.Discard())
	os.Exit(runTests(m))
}

func runTests(m *testing.M) int {
	assets, err := testenv.AssetsDir()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	planeDataDir, err = os.MkdirTemp("", "localcp-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer func() { _ = os.RemoveAll(planeDataDir) }()

	ctx := context.Background()
	plane, err = Start(ctx, Options{
		AssetsDir:    assets,
		DataDir:      planeDataDir,
		StartTimeout: 2 * time.Minute,
		StopTimeout:  time.Minute,
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer func() {
		if err := plane.Stop(ctx); err != nil {
			fmt.Fprintln(os.Stderr, err)
		}
	}()
	if err := InstallCRDs(ctx, plane.Config()); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	k8sClient, err = client.New(plane.Config(), client.Options{Scheme: controller.NewScheme()})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return m.Run()
}
