package controller_test

import (
	"context"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	eventsv1 "k8s.io/api/events/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	imagehubv1 "github.com/labring/imagehub/api/v1"
	"github.com/labring/imagehub/internal/naming"
)

// newImage returns an Image named by the catalog convention, created
// minutes after a fixed base time.
func newImage(name string, minutes int) *imagehubv1.Image {
	created := metav1.NewTime(time.Date(2022, 12, 27, 7, 0, 0, 0, time.UTC).Add(time.Duration(minutes) * time.Minute))
	return &imagehubv1.Image{
		ObjectMeta: metav1.ObjectMeta{Name: naming.ImageObjectName(name)},
		Spec: imagehubv1.ImageSpec{
			Name: imagehubv1.ImageName(name),
			Type: imagehubv1.ClusterImage,
			Detail: imagehubv1.ImageDetail{
				Description: "about " + name,
				CreatTime:   &created,
			},
		},
	}
}

// create creates obj and deletes it when the test ends.
func create(t *testing.T, obj client.Object) {
	t.Helper()
	if err := k8sClient.Create(context.Background(), obj); err != nil {
		t.Fatalf("failed to create %T %s: %v", obj, obj.GetName(), err)
	}
	t.Cleanup(func() {
		if err := k8sClient.Delete(context.Background(), obj); err != nil && !apierrors.IsNotFound(err) {
			t.Errorf("failed to delete %T %s: %v", obj, obj.GetName(), err)
		}
	})
}

// createImages creates an Image for each name, created i minutes apart.
func createImages(t *testing.T, names ...string) []*imagehubv1.Image {
	t.Helper()
	images := make([]*imagehubv1.Image, len(names))
	for i, name := range names {
		images[i] = newImage(name, i)
		create(t, images[i])
	}
	return images
}

// repositoriesNamed lists the Repositories whose spec.name is name.
func repositoriesNamed(g Gomega, name string) []imagehubv1.Repository {
	var list imagehubv1.RepositoryList
	g.Expect(k8sClient.List(context.Background(), &list)).To(Succeed())
	var out []imagehubv1.Repository
	for _, repo := range list.Items {
		if string(repo.Spec.Name) == name {
			out = append(out, repo)
		}
	}
	return out
}

// waitForRepository waits until exactly one Repository has spec.name name
// and check passes on it, and returns it.
func waitForRepository(t *testing.T, name string, check func(Gomega, *imagehubv1.Repository)) *imagehubv1.Repository {
	t.Helper()
	var repo *imagehubv1.Repository
	eventually(NewWithT(t), func(g Gomega) {
		repos := repositoriesNamed(g, name)
		g.Expect(repos).To(HaveLen(1))
		repo = &repos[0]
		check(g, repo)
	}).Should(Succeed())
	return repo
}

// newPack returns a DataPack of the given type and names.
func newPack(name string, packType imagehubv1.PackType, names ...string) *imagehubv1.DataPack {
	dp := &imagehubv1.DataPack{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec:       imagehubv1.DataPackSpec{Type: packType, ExpireTime: "1h"},
	}
	for _, n := range names {
		dp.Spec.Names = append(dp.Spec.Names, imagehubv1.ImageReference(n))
	}
	return dp
}

// waitForPack waits until the DataPack has a status code other than
// NOTRUN and PENDING and check passes, and returns it.
func waitForPack(t *testing.T, name string, check func(Gomega, *imagehubv1.DataPack)) *imagehubv1.DataPack {
	t.Helper()
	dp := &imagehubv1.DataPack{}
	eventually(NewWithT(t), func(g Gomega) {
		g.Expect(k8sClient.Get(context.Background(), client.ObjectKey{Name: name}, dp)).To(Succeed())
		g.Expect(dp.Status.Codes).To(BeElementOf(imagehubv1.OK, imagehubv1.ERROR))
		check(g, dp)
	}).Should(Succeed())
	return dp
}

// consistently asserts that check keeps passing for a few seconds.
func consistently(t *testing.T, check func(Gomega)) {
	t.Helper()
	NewWithT(t).Consistently(check).WithTimeout(3 * time.Second).WithPolling(200 * time.Millisecond).Should(Succeed())
}

func tagNames(tags []imagehubv1.TagInfo) []string {
	out := make([]string, len(tags))
	for i, tag := range tags {
		out[i] = tag.Name
	}
	return out
}

// eventReasons returns the reasons of the events recorded about the
// cluster-scoped object of the given kind and name.
func eventReasons(g Gomega, kind, name string) []string {
	var list eventsv1.EventList
	g.Expect(k8sClient.List(context.Background(), &list)).To(Succeed())
	var reasons []string
	for _, event := range list.Items {
		if event.Regarding.Kind == kind && event.Regarding.Name == name {
			reasons = append(reasons, event.Reason)
		}
	}
	return reasons
}
