package catalog_test

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	"golang.org/x/mod/semver"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"

	imagehubv1 "github.com/labring/imagehub/api/v1"
	"github.com/labring/imagehub/internal/localcp"
	"github.com/labring/imagehub/internal/naming"
)

const (
	catalogImages       = 361
	catalogRepositories = 249
)

var (
	loadOnce   sync.Once
	loadResult localcp.CatalogResult
	loadErr    error
)

// loadCatalog loads the catalog once per test binary and waits until the
// controller has built every Repository.
func loadCatalog(tb testing.TB) localcp.CatalogResult {
	tb.Helper()
	requireCatalog(tb)
	loadOnce.Do(func() {
		loadResult, loadErr = localcp.LoadCatalog(context.Background(), k8sClient, localcp.CatalogOptions{
			Path:         catalogPath,
			Timeout:      2 * time.Minute,
			SettleTime:   time.Minute,
			PollInterval: 100 * time.Millisecond,
		})
	})
	if loadErr != nil {
		tb.Fatalf("failed to load the catalog: %v", loadErr)
	}
	return loadResult
}

// catalogTag is one tag read straight from the catalog file.
type catalogTag struct {
	name    string
	created time.Time
}

// readCatalogTags groups the catalog's Images by repository, without any
// project code beyond the generic object decoder.
func readCatalogTags(t *testing.T) map[string][]catalogTag {
	t.Helper()
	objects, err := localcp.DecodeFile(catalogPath)
	if err != nil {
		t.Fatal(err)
	}
	repos := map[string][]catalogTag{}
	for _, obj := range objects {
		name, _, _ := unstructured.NestedString(obj.Object, "spec", "name")
		created, _, _ := unstructured.NestedString(obj.Object, "spec", "detail", "creatTime")
		repo, tag, _ := strings.Cut(name, ":")
		createdAt, err := time.Parse(time.RFC3339, created)
		if err != nil {
			t.Fatalf("image %s: invalid creatTime %q: %v", name, created, err)
		}
		repos[repo] = append(repos[repo], catalogTag{name: tag, created: createdAt})
	}
	return repos
}

// expectedOrder sorts tags newest first, equal times by name descending.
func expectedOrder(tags []catalogTag) []string {
	sorted := slices.Clone(tags)
	slices.SortFunc(sorted, func(a, b catalogTag) int {
		if !a.created.Equal(b.created) {
			return b.created.Compare(a.created)
		}
		return strings.Compare(b.name, a.name)
	})
	names := make([]string, len(sorted))
	for i, tag := range sorted {
		names[i] = tag.name
	}
	return names
}

// leadingZero matches a version number with a leading zero, such as the 04
// of 2022.04.1.
var leadingZero = regexp.MustCompile(`(^v?|\.)0[0-9]`)

// expectedLatest picks the latest tag with golang.org/x/mod/semver as an
// independent oracle. ok is false for repositories the oracle cannot judge:
// a tag with leading zeros, such as 2022.04.1, is a version for imagehub
// but not for semver.
func expectedLatest(tags []catalogTag) (latest string, ok bool) {
	var releases, preReleases []string
	for _, tag := range tags {
		v := tag.name
		if !strings.HasPrefix(v, "v") {
			v = "v" + v
		}
		switch {
		case semver.IsValid(v) && semver.Prerelease(v) == "":
			releases = append(releases, tag.name)
		case semver.IsValid(v):
			preReleases = append(preReleases, tag.name)
		case leadingZero.MatchString(tag.name):
			return "", false
		}
	}
	byVersion := func(a, b string) int {
		return semver.Compare("v"+strings.TrimPrefix(a, "v"), "v"+strings.TrimPrefix(b, "v"))
	}
	switch {
	case len(releases) > 0:
		if hasEqualMax(releases, byVersion) {
			return "", false
		}
		return slices.MaxFunc(releases, byVersion), true
	case len(preReleases) > 0:
		if hasEqualMax(preReleases, byVersion) {
			return "", false
		}
		return slices.MaxFunc(preReleases, byVersion), true
	}
	return expectedOrder(tags)[0], true
}

// hasEqualMax reports whether two versions tie for the maximum, which the
// oracle leaves to the creatTime rule that the order test covers.
func hasEqualMax(versions []string, compare func(a, b string) int) bool {
	top := slices.MaxFunc(versions, compare)
	count := 0
	for _, v := range versions {
		if compare(v, top) == 0 {
			count++
		}
	}
	return count > 1
}

func TestCatalogRepositories(t *testing.T) {
	result := loadCatalog(t)
	g := NewWithT(t)
	g.Expect(result.Images).To(Equal(catalogImages))
	g.Expect(result.RepositoriesReady).To(Equal(catalogRepositories))
	t.Logf("catalog of %d images loaded, %d repositories ready, in %s",
		result.Images, result.RepositoriesReady, result.Duration.Round(time.Millisecond))

	var list imagehubv1.RepositoryList
	g.Expect(k8sClient.List(context.Background(), &list)).To(Succeed())
	g.Expect(list.Items).To(HaveLen(catalogRepositories))

	expected := readCatalogTags(t)
	g.Expect(expected).To(HaveLen(catalogRepositories))
	judged := 0
	for _, repo := range list.Items {
		tags := expected[string(repo.Spec.Name)]
		var got []string
		for _, tag := range repo.Status.Tags {
			got = append(got, tag.Name)
		}
		g.Expect(got).To(Equal(expectedOrder(tags)), "tags of %s", repo.Spec.Name)
		g.Expect(repo.Status.LatestTag).NotTo(BeNil(), "latest tag of %s", repo.Spec.Name)
		if want, ok := expectedLatest(tags); ok {
			judged++
			g.Expect(repo.Status.LatestTag.Name).To(Equal(want), "latest tag of %s (tags %v)", repo.Spec.Name, got)
		}
	}
	t.Logf("semver oracle judged the latest tag of %d of %d repositories", judged, len(list.Items))
	g.Expect(judged).To(BeNumerically(">=", 200))
}

func TestCatalogKnownLatestTags(t *testing.T) {
	loadCatalog(t)
	// Read off the catalog file by hand: pre-releases such as v1.22.0-ai3,
	// non-versions such as v.1.22.0, and bare numbers such as 1.16.2.
	want := map[string]string{
		"labring/kubegems":   "v1.23.8",
		"labring/kubesphere": "v3.4.1",
		"labring/istio":      "1.16.2",
		"labring/kube-ovn":   "v1.10.6",
		"labring/loki":       "2.6.1",
		"labring/rancher":    "v2.6.9",
	}
	var list imagehubv1.RepositoryList
	g := NewWithT(t)
	g.Expect(k8sClient.List(context.Background(), &list)).To(Succeed())
	for _, repo := range list.Items {
		if tag, ok := want[string(repo.Spec.Name)]; ok {
			g.Expect(repo.Status.LatestTag.Name).To(Equal(tag), "latest tag of %s", repo.Spec.Name)
			delete(want, string(repo.Spec.Name))
		}
	}
	g.Expect(want).To(BeEmpty(), "repositories missing")
}

// repositoryNames returns the spec.name of every Repository.
func repositoryNames(g Gomega) []string {
	var list imagehubv1.RepositoryList
	g.Expect(k8sClient.List(context.Background(), &list)).To(Succeed())
	names := make([]string, 0, len(list.Items))
	for _, repo := range list.Items {
		names = append(names, string(repo.Spec.Name))
	}
	slices.Sort(names)
	return names
}

// createPack creates a DataPack and returns how long it took to reach OK.
func createPack(tb testing.TB, name string, packType imagehubv1.PackType, names []string) (*imagehubv1.DataPack, time.Duration) {
	tb.Helper()
	dp := &imagehubv1.DataPack{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec:       imagehubv1.DataPackSpec{Type: packType, ExpireTime: "1h"},
	}
	for _, n := range names {
		dp.Spec.Names = append(dp.Spec.Names, imagehubv1.ImageReference(n))
	}
	ctx := context.Background()
	start := time.Now()
	if err := k8sClient.Create(ctx, dp); err != nil {
		tb.Fatalf("failed to create datapack %s: %v", name, err)
	}
	tb.Cleanup(func() { _ = k8sClient.Delete(context.Background(), dp) })
	NewWithT(tb).Eventually(func(g Gomega) {
		g.Expect(k8sClient.Get(ctx, client.ObjectKeyFromObject(dp), dp)).To(Succeed())
		g.Expect(dp.Status.Codes).To(Equal(imagehubv1.OK), "message: %s", dp.Status.Message)
	}).WithTimeout(time.Minute).WithPolling(20 * time.Millisecond).Should(Succeed())
	return dp, time.Since(start)
}

func TestCatalogGridPack(t *testing.T) {
	loadCatalog(t)
	g := NewWithT(t)
	names := repositoryNames(g)
	g.Expect(names).To(HaveLen(catalogRepositories))

	dp, took := createPack(t, "catalog-grid", imagehubv1.PackGrid, names)
	t.Logf("grid pack of %d repositories answered in %s", len(names), took.Round(time.Millisecond))
	g.Expect(dp.Status.Datas).To(HaveLen(catalogRepositories))
	g.Expect(dp.Status.NotFound).To(BeEmpty())
	for _, name := range names {
		data := dp.Status.Datas[name]
		g.Expect(data.Name).To(HavePrefix(name+":"), "datas[%s]", name)
		g.Expect(data.Name).To(Equal(name+":"+data.LatestTag), "datas[%s] resolves to the latest tag", name)
	}
}

func TestCatalogDetailPack(t *testing.T) {
	loadCatalog(t)
	var images imagehubv1.ImageList
	g := NewWithT(t)
	g.Expect(k8sClient.List(context.Background(), &images)).To(Succeed())
	var names []string
	for _, img := range images.Items {
		names = append(names, string(img.Spec.Name))
	}
	slices.Sort(names)
	names = names[:50]

	dp, took := createPack(t, "catalog-detail", imagehubv1.PackDetail, names)
	t.Logf("detail pack of %d images answered in %s", len(names), took.Round(time.Millisecond))
	g.Expect(dp.Status.Datas).To(HaveLen(50))
	g.Expect(dp.Status.NotFound).To(BeEmpty())
	for _, name := range names {
		data := dp.Status.Datas[name]
		g.Expect(data.Name).To(Equal(name))
		g.Expect(data.Tags).NotTo(BeEmpty(), "tags of %s", name)
		g.Expect(data.CreatTime).NotTo(BeNil(), "creatTime of %s", name)
	}
}

// BenchmarkCatalogGridPack measures the time from creating a grid DataPack
// of every catalog repository to reading it back with code OK.
func BenchmarkCatalogGridPack(b *testing.B) {
	loadCatalog(b)
	names := repositoryNames(NewWithT(b))
	var total time.Duration
	for i := 0; b.Loop(); i++ {
		_, took := createPack(b, fmt.Sprintf("bench-grid-%d", i), imagehubv1.PackGrid, names)
		total += took
	}
	b.ReportMetric(float64(total.Milliseconds())/float64(b.N), "ms/create-to-OK")
}

// BenchmarkCatalogRefresh measures the time from changing the description
// of an Image to reading it in a grid DataPack of every catalog repository.
func BenchmarkCatalogRefresh(b *testing.B) {
	loadCatalog(b)
	ctx := context.Background()
	names := repositoryNames(NewWithT(b))
	dp, _ := createPack(b, "bench-refresh", imagehubv1.PackGrid, names)

	const repo = "labring/kubegems"
	img := &imagehubv1.Image{}
	key := client.ObjectKey{Name: naming.ImageObjectName(dp.Status.Datas[repo].Name)}
	if err := k8sClient.Get(ctx, key, img); err != nil {
		b.Fatal(err)
	}
	original := img.DeepCopy()
	b.Cleanup(func() {
		_ = k8sClient.Patch(context.Background(), original, client.MergeFrom(img))
	})

	var total time.Duration
	for i := 0; b.Loop(); i++ {
		description := fmt.Sprintf("refresh %d", i)
		base := img.DeepCopy()
		img.Spec.Detail.Description = description
		start := time.Now()
		if err := k8sClient.Patch(ctx, img, client.MergeFrom(base)); err != nil {
			b.Fatal(err)
		}
		NewWithT(b).Eventually(func(g Gomega) {
			g.Expect(k8sClient.Get(ctx, client.ObjectKeyFromObject(dp), dp)).To(Succeed())
			g.Expect(dp.Status.Datas[repo].Description).To(Equal(description))
		}).WithTimeout(time.Minute).WithPolling(10 * time.Millisecond).Should(Succeed())
		total += time.Since(start)
	}
	b.ReportMetric(float64(total.Milliseconds())/float64(b.N), "ms/change-to-refresh")
}
