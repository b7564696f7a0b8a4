package controller_test

import (
	"context"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"sigs.k8s.io/controller-runtime/pkg/client"

	imagehubv1 "github.com/labring/imagehub/api/v1"
)

// resourceVersion reads the current resourceVersion of a DataPack.
func resourceVersion(g Gomega, name string) string {
	dp := &imagehubv1.DataPack{}
	g.Expect(k8sClient.Get(context.Background(), client.ObjectKey{Name: name}, dp)).To(Succeed())
	return dp.ResourceVersion
}

func TestDataPackFreshness(t *testing.T) {
	ctx := context.Background()
	images := createImages(t, "fresh/app:v1", "fresh/other:v1")
	create(t, newPack("fresh-app", imagehubv1.PackGrid, "fresh/app:v1", "fresh/app:v2", "fresh/app"))
	create(t, newPack("fresh-other", imagehubv1.PackGrid, "fresh/other:v1"))
	waitForPack(t, "fresh-app", func(g Gomega, dp *imagehubv1.DataPack) {
		g.Expect(dp.Status.NotFound).To(Equal([]string{"fresh/app:v2"}))
	})
	waitForPack(t, "fresh-other", func(Gomega, *imagehubv1.DataPack) {})
	otherVersion := resourceVersion(NewWithT(t), "fresh-other")

	t.Run("nothing is rewritten at rest", func(t *testing.T) {
		appVersion := resourceVersion(NewWithT(t), "fresh-app")
		consistently(t, func(g Gomega) {
			g.Expect(resourceVersion(g, "fresh-app")).To(Equal(appVersion))
		})
	})

	t.Run("changed description", func(t *testing.T) {
		base := images[0].DeepCopy()
		images[0].Spec.Detail.Description = "changed"
		if err := k8sClient.Patch(ctx, images[0], client.MergeFrom(base)); err != nil {
			t.Fatal(err)
		}
		waitForPack(t, "fresh-app", func(g Gomega, dp *imagehubv1.DataPack) {
			g.Expect(dp.Status.Datas["fresh/app:v1"].Description).To(Equal("changed"))
			g.Expect(dp.Status.Datas["fresh/app"].Description).To(Equal("changed"))
		})
	})

	outer := t
	t.Run("added missing image", func(t *testing.T) {
		create(outer, newImage("fresh/app:v2", 10))
		waitForPack(t, "fresh-app", func(g Gomega, dp *imagehubv1.DataPack) {
			g.Expect(dp.Status.NotFound).To(BeEmpty())
			g.Expect(dp.Status.Datas).To(HaveKey("fresh/app:v2"))
			g.Expect(dp.Status.Datas["fresh/app"].Name).To(Equal("fresh/app:v2"))
		})
	})

	t.Run("deleted tag", func(t *testing.T) {
		if err := k8sClient.Delete(ctx, images[0]); err != nil {
			t.Fatal(err)
		}
		waitForPack(t, "fresh-app", func(g Gomega, dp *imagehubv1.DataPack) {
			g.Expect(dp.Status.NotFound).To(Equal([]string{"fresh/app:v1"}))
			g.Expect(dp.Status.Datas).NotTo(HaveKey("fresh/app:v1"))
		})
	})

	if got := resourceVersion(NewWithT(t), "fresh-other"); got != otherVersion {
		t.Errorf("unrelated pack was rewritten: resourceVersion %s, was %s", got, otherVersion)
	}
}

func TestDataPackExpiry(t *testing.T) {
	ctx := context.Background()
	g := NewWithT(t)
	createImages(t, "expiry/app:v1")
	dp := newPack("expiry", imagehubv1.PackBase, "expiry/app")
	dp.Spec.ExpireTime = "6s"
	create(t, dp)
	answered := waitForPack(t, "expiry", func(Gomega, *imagehubv1.DataPack) {})
	expiresAt := answered.Status.ExpiresAt.Time
	g.Expect(expiresAt).To(Equal(answered.CreationTimestamp.Add(6 * time.Second)))

	// A refresh moves nothing but the answer.
	create(t, newImage("expiry/app:v2", 5))
	refreshed := waitForPack(t, "expiry", func(g Gomega, dp *imagehubv1.DataPack) {
		g.Expect(dp.Status.Datas["expiry/app"].Name).To(Equal("expiry/app:v2"))
	})
	g.Expect(refreshed.Status.ExpiresAt.Time).To(Equal(expiresAt))

	eventually(g, func(g Gomega) {
		err := k8sClient.Get(ctx, client.ObjectKey{Name: "expiry"}, &imagehubv1.DataPack{})
		g.Expect(apierrors.IsNotFound(err)).To(BeTrue())
	}).Should(Succeed())
	g.Expect(time.Now()).To(BeTemporally(">=", expiresAt), "deleted before its expiresAt")
	eventually(g, func(g Gomega) {
		g.Expect(eventReasons(g, "DataPack", "expiry")).To(ContainElements(imagehubv1.ReasonAnswered, "Expired"))
	}).Should(Succeed())
}

func TestDataPackExpiredWhileStopped(t *testing.T) {
	ctx := context.Background()
	stopManager()
	restarted := false
	t.Cleanup(func() {
		if !restarted {
			restartManager(t)
		}
	})

	dp := newPack("expired-while-stopped", imagehubv1.PackBase, "stopped/app")
	dp.Spec.ExpireTime = "1s"
	create(t, dp)
	time.Sleep(2 * time.Second)
	if err := k8sClient.Get(ctx, client.ObjectKeyFromObject(dp), dp); err != nil {
		t.Fatalf("pack gone while no manager ran: %v", err)
	}

	if err := startManager(); err != nil {
		t.Fatal(err)
	}
	restarted = true
	eventually(NewWithT(t), func(g Gomega) {
		err := k8sClient.Get(ctx, client.ObjectKeyFromObject(dp), &imagehubv1.DataPack{})
		g.Expect(apierrors.IsNotFound(err)).To(BeTrue())
	}).Should(Succeed())
}

func TestDataPackSizeBudget(t *testing.T) {
	var names []string
	for i, tag := range []string{"v1", "v2", "v3", "v4", "v5"} {
		img := newImage("budget/app:"+tag, i)
		img.Spec.Detail.Docs = strings.Repeat("d", 60<<10)
		create(t, img)
		names = append(names, string(img.Spec.Name))
	}
	create(t, newPack("budget", imagehubv1.PackDetail, names...))

	dp := waitForPack(t, "budget", func(Gomega, *imagehubv1.DataPack) {})
	g := NewWithT(t)
	g.Expect(dp.Status.Codes).To(Equal(imagehubv1.ERROR))
	g.Expect(dp.Status.Message).To(ContainSubstring("bytes, over the controller's limit of 262144 bytes"))
	g.Expect(dp.Status.Message).To(ContainSubstring("coarser type than detail"))
	g.Expect(dp.Status.Datas).To(BeEmpty())
	g.Expect(dp.Status.Conditions).To(ContainElement(And(
		HaveField("Type", imagehubv1.ConditionReady),
		HaveField("Status", BeEquivalentTo("False")),
		HaveField("Reason", imagehubv1.ReasonTooLarge))))

	eventually(g, func(g Gomega) {
		g.Expect(eventReasons(g, "DataPack", "budget")).To(ContainElement(imagehubv1.ReasonTooLarge))
	}).Should(Succeed())

	version := dp.ResourceVersion
	consistently(t, func(g Gomega) {
		g.Expect(resourceVersion(g, "budget")).To(Equal(version))
	})

	// The same names at grid granularity fit.
	create(t, newPack("budget-grid", imagehubv1.PackGrid, names...))
	grid := waitForPack(t, "budget-grid", func(Gomega, *imagehubv1.DataPack) {})
	g.Expect(grid.Status.Codes).To(Equal(imagehubv1.OK))
	g.Expect(grid.Status.Datas).To(HaveLen(5))
}

func TestDataPackDownloadCount(t *testing.T) {
	ctx := context.Background()
	createImages(t, "downloads/app:v1")
	create(t, newPack("downloads", imagehubv1.PackGrid, "downloads/app"))
	waitForPack(t, "downloads", func(g Gomega, dp *imagehubv1.DataPack) {
		g.Expect(dp.Status.Datas).To(HaveKey("downloads/app"))
	})

	// An external counter writes the Repository's downloadCount.
	repo := waitForRepository(t, "downloads/app", func(g Gomega, r *imagehubv1.Repository) {
		g.Expect(r.Status.LatestTag).NotTo(BeNil())
	})
	base := repo.DeepCopy()
	repo.Status.DownloadCount = 42
	if err := k8sClient.Status().Patch(ctx, repo, client.MergeFrom(base)); err != nil {
		t.Fatal(err)
	}
	waitForPack(t, "downloads", func(g Gomega, dp *imagehubv1.DataPack) {
		g.Expect(dp.Status.Datas["downloads/app"].DownloadCount).To(Equal(int64(42)))
	})

	// The repository reconciler keeps the count when the tags change.
	create(t, newImage("downloads/app:v2", 5))
	waitForRepository(t, "downloads/app", func(g Gomega, r *imagehubv1.Repository) {
		g.Expect(r.Status.Tags).To(HaveLen(2))
		g.Expect(r.Status.DownloadCount).To(Equal(int64(42)))
	})
}

func TestDataPackStatusEditRestored(t *testing.T) {
	ctx := context.Background()
	createImages(t, "edited/app:v1")
	create(t, newPack("edited", imagehubv1.PackBase, "edited/app"))
	dp := waitForPack(t, "edited", func(g Gomega, dp *imagehubv1.DataPack) {
		g.Expect(dp.Status.Datas).To(HaveKey("edited/app"))
	})

	base := dp.DeepCopy()
	dp.Status.Codes = imagehubv1.ERROR
	dp.Status.Message = "edited by hand"
	if err := k8sClient.Status().Patch(ctx, dp, client.MergeFrom(base)); err != nil {
		t.Fatal(err)
	}
	restored := waitForPack(t, "edited", func(g Gomega, dp *imagehubv1.DataPack) {
		g.Expect(dp.Status.Codes).To(Equal(imagehubv1.OK))
	})
	if restored.Status.Message != "" {
		t.Errorf("message = %q after restore, want empty", restored.Status.Message)
	}

	version := restored.ResourceVersion
	consistently(t, func(g Gomega) {
		g.Expect(resourceVersion(g, "edited")).To(Equal(version))
	})
}
