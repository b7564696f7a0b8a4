package e2e_test

import (
	"encoding/json"
	"net"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"

	imagehubv1 "github.com/labring/imagehub/api/v1"
	"github.com/labring/imagehub/internal/localcp"
)

// expiringPackTTL is the expireTime of a DataPack created just before the
// first run stops. It is long enough that the running manager cannot delete
// it before the stop, so it can only expire while imagehub is down.
const expiringPackTTL = 20 * time.Second

const markerImage = `apiVersion: imagehub.sealos.io/v1
kind: Image
metadata:
  name: e2e.marker.v1
spec:
  name: e2e/marker:v1
`

const expiringPack = `apiVersion: imagehub.sealos.io/v1
kind: DataPack
metadata:
  name: e2e-expires-while-stopped
spec:
  expireTime: 20s
  names:
    - labring/cert-manager:v1.7.0
`

func TestRunLocalRestartKeepsData(t *testing.T) {
	requireKubectl(t)
	g := NewWithT(t)
	dataDir := t.TempDir()

	first := startRunLocal(t, dataDir)
	first.waitForKubeconfig(t)
	expectStartLog(g, first)

	// The user's steps: apply the sample Images and the sample
	// DataPack, then read the DataPack's status.
	_, err := kubectl(first.kubeconfig, "", "apply",
		"-f", "config/samples/imagehub_v1_image.yaml", "-f", "config/samples/imagehub_v1_datapack.yaml")
	g.Expect(err).NotTo(HaveOccurred())
	expectCertManagerPack(t, first.kubeconfig)

	// Objects that only this run creates: the marker must survive the
	// restart, the pack must expire while imagehub is stopped.
	_, err = kubectl(first.kubeconfig, markerImage, "apply", "-f", "-")
	g.Expect(err).NotTo(HaveOccurred())
	_, err = kubectl(first.kubeconfig, expiringPack, "apply", "-f", "-")
	g.Expect(err).NotTo(HaveOccurred())
	created, err := kubectl(first.kubeconfig, "", "get", "dp", "e2e-expires-while-stopped",
		"-o", "jsonpath={.metadata.creationTimestamp}")
	g.Expect(err).NotTo(HaveOccurred())
	createdAt, err := time.Parse(time.RFC3339, created)
	g.Expect(err).NotTo(HaveOccurred())

	stopAndExpectClean(t, first)

	time.Sleep(time.Until(createdAt.Add(expiringPackTTL + 2*time.Second)))
	second := startRunLocal(t, dataDir)
	second.waitForKubeconfig(t)
	_, err = kubectl(second.kubeconfig, "", "get", "image", "e2e.marker.v1")
	g.Expect(err).NotTo(HaveOccurred(), "an Image created in the first run is gone after the restart")
	g.Eventually(func() (string, error) {
		return kubectl(second.kubeconfig, "", "get", "dp", "e2e-expires-while-stopped", "--ignore-not-found", "-o", "name")
	}).WithTimeout(time.Minute).WithPolling(time.Second).Should(BeEmpty(),
		"the DataPack that expired while imagehub was stopped was not deleted on start")
	expectCertManagerPack(t, second.kubeconfig)

	stopAndExpectClean(t, second)
}

// expectStartLog checks that run-local logged each part as up, with its
// address, in start order, and printed the next steps.
func expectStartLog(g *WithT, p *runLocal) {
	output := p.output.String()
	lines := []string{"etcd is up", "kube-apiserver is up", "Installed the CRDs", "imagehub manager is up",
		"Applied the samples", "Wrote the admin kubeconfig"}
	last := -1
	for _, line := range lines {
		index := strings.Index(output, line)
		g.Expect(index).To(BeNumerically(">", last), "log line %q missing or out of order", line)
		last = index
	}
	g.Expect(output).To(MatchRegexp(`etcd is up.*"url": "http://127\.0\.0\.1:\d+"`))
	g.Expect(output).To(MatchRegexp(`kube-apiserver is up.*"url": "https://127\.0\.0\.1:\d+/"`))
	g.Expect(output).To(MatchRegexp(`imagehub manager is up.*"readyz": "http://127\.0\.0\.1:\d+/readyz"`))
	g.Eventually(p.output.String).WithTimeout(time.Minute).Should(ContainSubstring("export KUBECONFIG="))
}

// expectCertManagerPack waits until the sample DataPack datapackuid has code
// OK and checks its detail data for labring/cert-manager:v1.8.0.
func expectCertManagerPack(t *testing.T, kubeconfig string) {
	t.Helper()
	g := NewWithT(t)
	var pack imagehubv1.DataPack
	g.Eventually(func(g Gomega) {
		output, err := kubectl(kubeconfig, "", "get", "dp", "datapackuid", "-o", "json")
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(json.Unmarshal([]byte(output), &pack)).To(Succeed())
		g.Expect(pack.Status.Codes).To(Equal(imagehubv1.OK), "status: %+v", pack.Status)
	}).WithTimeout(2 * time.Minute).WithPolling(time.Second).Should(Succeed())

	g.Expect(pack.Status.Datas).To(HaveKey("labring/cert-manager:v1.8.0"))
	data := pack.Status.Datas["labring/cert-manager:v1.8.0"]
	g.Expect(data.Name).To(Equal("labring/cert-manager:v1.8.0"))
	g.Expect(data.Description).To(Equal(
		"Cloud native certificate management. X.509 certificate management for Kubernetes and OpenShift"))
	g.Expect(data.Icon).To(Equal("https://cert-manager.io/images/cert-manager-logo-icon.svg"))
	g.Expect(data.Keywords).To(Equal([]string{"Storage"}))
	g.Expect(data.ID).To(Equal("Unknown"))
	g.Expect(data.Arch).To(Equal("Unknown"))
	// Newest creatTime first: v1.7.0 was pushed after v1.8.0.
	g.Expect(describeTags(data.Tags)).To(Equal([]string{
		"v1.7.0 labring.cert.manager.v1.7.0 2022-12-27T07:37:34Z",
		"v1.8.0 labring.cert.manager.v1.8.0 2022-12-27T07:33:08Z",
	}))
}

// describeTags returns "name metaName creatTime" for each tag, with the
// time in UTC, so that a time decoded in another location still compares
// equal.
func describeTags(tags []imagehubv1.TagInfo) []string {
	var described []string
	for _, tag := range tags {
		created := "<none>"
		if tag.CreatTime != nil {
			created = tag.CreatTime.UTC().Format(time.RFC3339)
		}
		described = append(described, tag.Name+" "+tag.MetaName+" "+created)
	}
	return described
}

// stopAndExpectClean sends SIGINT and checks that run-local stopped the
// manager, kube-apiserver and etcd in that order, exited 0, removed its
// kubeconfig and left no child process.
func stopAndExpectClean(t *testing.T, p *runLocal) {
	t.Helper()
	g := NewWithT(t)
	children := p.recordChildren(t)
	g.Expect(children).To(ContainElements("etcd", "kube-apiserver"))

	err := p.interrupt(t)
	g.Expect(exitCode(err)).To(Equal(0), "run-local exit: %v", err)
	g.Expect(p.leftoverChildren()).To(BeEmpty(), "child processes still running after run-local exited")
	g.Expect(p.kubeconfig).NotTo(BeAnExistingFile())

	output := p.output.String()
	manager := strings.Index(output, "imagehub manager stopped")
	apiServer := strings.Index(output, "kube-apiserver stopped")
	etcd := strings.Index(output, "etcd stopped")
	g.Expect(manager).To(BeNumerically(">=", 0), "no log line for the manager's stop")
	g.Expect(apiServer).To(BeNumerically(">", manager), "kube-apiserver stopped before the manager")
	g.Expect(etcd).To(BeNumerically(">", apiServer), "etcd stopped before kube-apiserver")
}

func TestRunLocalRejectsBadStart(t *testing.T) {
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = listener.Close() }()
	busyPort := strconv.Itoa(listener.Addr().(*net.TCPAddr).Port)

	// Another run-local holds this kubeconfig, as the lock shows.
	busyKubeconfig := filepath.Join(t.TempDir(), "busy.kubeconfig")
	lock, err := localcp.LockFile(busyKubeconfig+".lock", "test")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = lock.Close() }()

	for _, tc := range []struct {
		name string
		args []string
		want []string
	}{
		{"apiserver port in use", []string{"--apiserver-port", busyPort}, []string{"127.0.0.1:" + busyPort, "--apiserver-port"}},
		{"etcd port in use", []string{"--etcd-port", busyPort}, []string{"127.0.0.1:" + busyPort, "--etcd-port"}},
		{"probe port in use", []string{"--health-probe-bind-address", "127.0.0.1:" + busyPort},
			[]string{"127.0.0.1:" + busyPort, "--health-probe-bind-address"}},
		{"kubeconfig in use", []string{"--kubeconfig-out", busyKubeconfig},
			[]string{"kubeconfig " + busyKubeconfig, "in use by another imagehub run-local", "--kubeconfig-out"}},
		{"local flags with kubeconfig", []string{"--kubeconfig", "/nonexistent"},
			[]string{"--data-dir applies only to the local control plane"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := NewWithT(t)
			p := startRunLocal(t, t.TempDir(), tc.args...)
			select {
			case <-p.exited:
			case <-time.After(time.Minute):
				t.Fatal("run-local did not exit within 1m")
			}
			g.Expect(exitCode(p.exitErr)).To(Equal(1))
			output := p.output.String()
			for _, want := range tc.want {
				g.Expect(output).To(ContainSubstring(want))
			}
			g.Expect(output).NotTo(ContainSubstring("etcd is up"), "the check must run before anything starts")
			g.Expect(p.kubeconfig).NotTo(BeAnExistingFile())
		})
	}
}

// TestRunLocalAgainstCluster runs the manager against an existing cluster
// with --kubeconfig and --install-crds, and checks that a DataPack gets its
// status.
func TestRunLocalAgainstCluster(t *testing.T) {
	requireKubectl(t)
	g := NewWithT(t)
	kubeconfig := clusterKubeconfig(t)

	p := startImagehub(t, kubeconfig, "run-local", "--kubeconfig", kubeconfig, "--install-crds")
	g.Eventually(p.output.String).WithTimeout(startTimeout).Should(ContainSubstring("imagehub manager is up"))
	g.Expect(p.output.String()).To(ContainSubstring("Installed the CRDs"))
	g.Expect(p.output.String()).NotTo(ContainSubstring("etcd is up"))
	_, err := kubectl(kubeconfig, "", "apply",
		"-f", "config/samples/imagehub_v1_image.yaml", "-f", "config/samples/imagehub_v1_datapack.yaml")
	g.Expect(err).NotTo(HaveOccurred())
	expectCertManagerPack(t, kubeconfig)

	err = p.interrupt(t)
	g.Expect(exitCode(err)).To(Equal(0), "run-local exit: %v", err)
	// The kubeconfig belongs to the user and stays.
	g.Expect(kubeconfig).To(BeAnExistingFile())
}
