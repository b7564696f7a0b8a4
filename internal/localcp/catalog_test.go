package localcp

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"sigs.k8s.io/controller-runtime/pkg/client"

	imagehubv1 "github.com/labring/imagehub/api/v1"
	"github.com/labring/imagehub/internal/naming"
)

// writeCatalog writes one Image document per reference, each with the
// given description, and returns the file's path.
func writeCatalog(t *testing.T, description string, refs ...string) string {
	t.Helper()
	var documents []string
	for _, ref := range refs {
		documents = append(documents, fmt.Sprintf(
			`{"apiVersion": "imagehub.sealos.io/v1", "kind": "Image", "metadata": {"name": %q}, `+
				`"spec": {"name": %q, "detail": {"description": %q}}}`,
			naming.ImageObjectName(ref), ref, description))
	}
	path := filepath.Join(t.TempDir(), "catalog.yaml")
	if err := os.WriteFile(path, []byte("---\n"+strings.Join(documents, "\n---\n")), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func quickCatalogOptions(path string) CatalogOptions {
	return CatalogOptions{Path: path, Timeout: time.Minute, SettleTime: 2 * time.Second, PollInterval: 200 * time.Millisecond}
}

func TestLoadCatalogWithoutController(t *testing.T) {
	g := NewWithT(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	path := writeCatalog(t, "first", "catalog-a/one:v1", "catalog-a/one:v2", "catalog-b/two:v1")

	result, err := LoadCatalog(ctx, k8sClient, quickCatalogOptions(path))
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(result.Images).To(Equal(3))
	g.Expect(result.Repositories).To(Equal(2))
	// No manager runs here, so no Repository appears and the wait ends
	// when the count has settled, long before the timeout.
	g.Expect(result.RepositoriesReady).To(Equal(0))
	g.Expect(result.Duration).To(BeNumerically("<", 30*time.Second))

	var image imagehubv1.Image
	g.Expect(k8sClient.Get(ctx, client.ObjectKey{Name: "catalog.b.two.v1"}, &image)).To(Succeed())
	g.Expect(image.Spec.Detail.Description).To(Equal("first"))

	// Loading the file again updates the Images that exist.
	path = writeCatalog(t, "second", "catalog-a/one:v1", "catalog-a/one:v2", "catalog-b/two:v1")
	_, err = LoadCatalog(ctx, k8sClient, quickCatalogOptions(path))
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(k8sClient.Get(ctx, client.ObjectKey{Name: "catalog.b.two.v1"}, &image)).To(Succeed())
	g.Expect(image.Spec.Detail.Description).To(Equal("second"))
}

func TestLoadCatalogCountsReadyRepositories(t *testing.T) {
	g := NewWithT(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	// Stand in for the controller: one Repository with a tag is ready, one
	// without tags is not.
	createRepository(ctx, g, "catalog-c/ready", []imagehubv1.TagInfo{{Name: "v1", MetaName: "catalog.c.ready.v1"}})
	createRepository(ctx, g, "catalog-c/empty", nil)
	path := writeCatalog(t, "ready", "catalog-c/ready:v1", "catalog-c/empty:v1")

	options := quickCatalogOptions(path)
	options.SettleTime = time.Minute
	options.Timeout = 5 * time.Second
	result, err := LoadCatalog(ctx, k8sClient, options)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(result.Repositories).To(Equal(2))
	g.Expect(result.RepositoriesReady).To(Equal(1))
	// The timeout, not the settle time, ended the wait.
	g.Expect(result.Duration).To(BeNumerically("~", 5*time.Second, 4*time.Second))
}

func createRepository(ctx context.Context, g Gomega, name string, tags []imagehubv1.TagInfo) {
	repository := &imagehubv1.Repository{Spec: imagehubv1.RepositorySpec{Name: imagehubv1.RepositoryName(name)}}
	repository.Name = naming.RepositoryObjectName(name)
	g.Expect(k8sClient.Create(ctx, repository)).To(Succeed())
	repository.Status.Tags = tags
	g.Expect(k8sClient.Status().Update(ctx, repository)).To(Succeed())
}

func TestLoadCatalogRejectsOtherKinds(t *testing.T) {
	g := NewWithT(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	path := filepath.Join(t.TempDir(), "catalog.yaml")
	content := `{"apiVersion": "imagehub.sealos.io/v1", "kind": "Image", "metadata": {"name": "catalog.d.first.v1"},` +
		` "spec": {"name": "catalog-d/first:v1"}}` + "\n---\n" +
		`{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "stray"}}`
	g.Expect(os.WriteFile(path, []byte(content), 0o600)).To(Succeed())

	_, err := LoadCatalog(ctx, k8sClient, quickCatalogOptions(path))
	g.Expect(err).To(MatchError(ContainSubstring("invalid catalog object 2 (ConfigMap stray)")))
	// The file is checked before anything is applied.
	err = k8sClient.Get(ctx, client.ObjectKey{Name: "catalog.d.first.v1"}, &imagehubv1.Image{})
	g.Expect(apierrors.IsNotFound(err)).To(BeTrue(), "got %v", err)
}

func TestLoadCatalogStopsAtInvalidImage(t *testing.T) {
	g := NewWithT(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	path := filepath.Join(t.TempDir(), "catalog.yaml")
	// The second Image passes the file check but fails the CRD's icon rule.
	content := `{"apiVersion": "imagehub.sealos.io/v1", "kind": "Image", "metadata": {"name": "catalog.e.good.v1"},` +
		` "spec": {"name": "catalog-e/good:v1"}}` + "\n---\n" +
		`{"apiVersion": "imagehub.sealos.io/v1", "kind": "Image", "metadata": {"name": "catalog.e.bad.v1"},` +
		` "spec": {"name": "catalog-e/bad:v1", "detail": {"icon": "ftp://example.invalid/icon.png"}}}`
	g.Expect(os.WriteFile(path, []byte(content), 0o600)).To(Succeed())

	result, err := LoadCatalog(ctx, k8sClient, quickCatalogOptions(path))
	g.Expect(err).To(MatchError(ContainSubstring("failed to apply Image catalog.e.bad.v1")))
	g.Expect(result.Images).To(Equal(1))
}
