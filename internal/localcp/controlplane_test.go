package localcp

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/client-go/tools/clientcmd"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/labring/imagehub/internal/testenv"
)

// listenLoopback occupies a free loopback port for the rest of the test.
func listenLoopback(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = l.Close() })
	return l.Addr().(*net.TCPAddr).Port
}

func TestCheckListenAddress(t *testing.T) {
	g := NewWithT(t)
	busy := net.JoinHostPort(loopbackHost, strconv.Itoa(listenLoopback(t)))

	err := CheckListenAddress("etcd", busy, "--etcd-port")
	g.Expect(err).To(HaveOccurred())
	g.Expect(err.Error()).To(ContainSubstring(busy))
	g.Expect(err.Error()).To(ContainSubstring("etcd"))
	g.Expect(err.Error()).To(ContainSubstring("--etcd-port"))

	free, err := FreeLoopbackAddress()
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(CheckListenAddress("etcd", free, "--etcd-port")).To(Succeed())
	for _, unchecked := range []string{"", "0", "127.0.0.1:0", ":0"} {
		g.Expect(CheckListenAddress("etcd", unchecked, "--etcd-port")).To(Succeed(), unchecked)
	}
}

func TestStartPortInUse(t *testing.T) {
	assets, err := testenv.AssetsDir()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		opts func(port int) Options
		flag string
	}{
		{"apiserver", func(port int) Options { return Options{AssetsDir: assets, APIServerPort: port} }, "--apiserver-port"},
		{"etcd", func(port int) Options { return Options{AssetsDir: assets, EtcdPort: port} }, "--etcd-port"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := NewWithT(t)
			port := listenLoopback(t)
			dataDir := t.TempDir()
			opts := tc.opts(port)
			opts.DataDir = dataDir

			cp, err := Start(context.Background(), opts)
			g.Expect(cp).To(BeNil())
			g.Expect(err).To(MatchError(ContainSubstring("127.0.0.1:" + strconv.Itoa(port))))
			g.Expect(err).To(MatchError(ContainSubstring(tc.flag)))
			// The check runs before anything starts: not even the data
			// directory was touched.
			g.Expect(os.ReadDir(dataDir)).To(BeEmpty())
		})
	}
}

func TestStartDataDirInUse(t *testing.T) {
	g := NewWithT(t)
	assets, err := testenv.AssetsDir()
	g.Expect(err).NotTo(HaveOccurred())

	cp, err := Start(context.Background(), Options{AssetsDir: assets, DataDir: planeDataDir})
	g.Expect(err).To(MatchError(ContainSubstring("data directory " + planeDataDir + " is in use")))
	g.Expect(cp).NotTo(BeNil())
	g.Expect(cp.etcd).To(BeNil(), "etcd must not start on a locked data directory")
}

func TestControlPlaneUsesDataDir(t *testing.T) {
	g := NewWithT(t)
	g.Expect(filepath.Join(planeDataDir, "etcd", "member")).To(BeADirectory())
	g.Expect(plane.Config().Host).To(HavePrefix("https://127.0.0.1:"))
}

func TestWriteKubeconfig(t *testing.T) {
	g := NewWithT(t)
	path := filepath.Join(t.TempDir(), "nested", "local.kubeconfig")

	g.Expect(WriteKubeconfig(path, plane.Config())).To(Succeed())

	info, err := os.Stat(path)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(info.Mode().Perm()).To(Equal(os.FileMode(0o600)))
	g.Expect(filepath.Glob(path + ".*.tmp")).To(BeEmpty())

	cfg, err := clientcmd.BuildConfigFromFlags("", path)
	g.Expect(err).NotTo(HaveOccurred())
	c, err := client.New(cfg, client.Options{})
	g.Expect(err).NotTo(HaveOccurred())
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var namespaces corev1.NamespaceList
	g.Expect(c.List(ctx, &namespaces)).To(Succeed())
	g.Expect(namespaces.Items).NotTo(BeEmpty())
}
