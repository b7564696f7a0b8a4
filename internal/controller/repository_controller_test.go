package controller_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	. "github.com/onsi/gomega"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	imagehubv1 "github.com/labring/imagehub/api/v1"
	"github.com/labring/imagehub/internal/naming"
)

func TestRepositoryLifecycle(t *testing.T) {
	ctx := context.Background()
	images := createImages(t, "lifecycle/app:v1.0.0", "lifecycle/app:v1.1.0")

	repo := waitForRepository(t, "lifecycle/app", func(g Gomega, repo *imagehubv1.Repository) {
		g.Expect(tagNames(repo.Status.Tags)).To(Equal([]string{"v1.1.0", "v1.0.0"}))
	})
	if repo.Name != "lifecycle.app" {
		t.Errorf("repository object name = %q, want lifecycle.app", repo.Name)
	}
	if repo.Status.Tags[1].MetaName != images[0].Name {
		t.Errorf("metaName = %q, want %q", repo.Status.Tags[1].MetaName, images[0].Name)
	}

	// A Repository deleted by hand comes back.
	if err := k8sClient.Delete(ctx, repo); err != nil {
		t.Fatal(err)
	}
	recreated := waitForRepository(t, "lifecycle/app", func(g Gomega, r *imagehubv1.Repository) {
		g.Expect(r.UID).NotTo(Equal(repo.UID))
		g.Expect(r.Status.LatestTag).NotTo(BeNil())
	})
	if recreated.Status.LatestTag.Name != "v1.1.0" {
		t.Errorf("latest tag after recreation = %q, want v1.1.0", recreated.Status.LatestTag.Name)
	}

	// Deleting one tag updates the list; deleting the last deletes the
	// Repository.
	if err := k8sClient.Delete(ctx, images[1]); err != nil {
		t.Fatal(err)
	}
	waitForRepository(t, "lifecycle/app", func(g Gomega, r *imagehubv1.Repository) {
		g.Expect(tagNames(r.Status.Tags)).To(Equal([]string{"v1.0.0"}))
		g.Expect(r.Status.LatestTag.Name).To(Equal("v1.0.0"))
	})
	if err := k8sClient.Delete(ctx, images[0]); err != nil {
		t.Fatal(err)
	}
	eventually(NewWithT(t), func(g Gomega) {
		g.Expect(repositoriesNamed(g, "lifecycle/app")).To(BeEmpty())
	}).Should(Succeed())
}

func TestRepositoryHashedName(t *testing.T) {
	// The second repository name has 249 characters, and the conventional
	// object name of its Image just fits in 253.
	longRepo := strings.Repeat("o", 63) + "/" + strings.Repeat("r_", 92) + "r"
	for _, name := range []string{"hashed/a_b", longRepo} {
		createImages(t, name+":v1")
		repo := waitForRepository(t, name, func(Gomega, *imagehubv1.Repository) {})
		if want := naming.RepositoryObjectName(name); repo.Name != want {
			t.Errorf("repository object name = %q, want %q", repo.Name, want)
		}
	}
}

func TestRepositoryExtraCopyDeleted(t *testing.T) {
	createImages(t, "extra/app:v1")
	waitForRepository(t, "extra/app", func(Gomega, *imagehubv1.Repository) {})

	// A second Repository with the same spec.name is removed; the first stays.
	create(t, &imagehubv1.Repository{
		ObjectMeta: metav1.ObjectMeta{Name: "extra-copy"},
		Spec:       imagehubv1.RepositorySpec{Name: "extra/app"},
	})
	repo := waitForRepository(t, "extra/app", func(Gomega, *imagehubv1.Repository) {})
	if repo.Name != "extra.app" {
		t.Errorf("kept repository %q, want extra.app", repo.Name)
	}
}

func TestRepositoryTagOrder(t *testing.T) {
	// Created in this order, one minute apart; two share a creatTime.
	images := createImages(t, "order/app:b", "order/app:v2", "order/app:a", "order/app:c")
	same := images[2].Spec.Detail.CreatTime.DeepCopy()
	base := images[3].DeepCopy()
	images[3].Spec.Detail.CreatTime = same
	if err := k8sClient.Patch(context.Background(), images[3], client.MergeFrom(base)); err != nil {
		t.Fatal(err)
	}
	waitForRepository(t, "order/app", func(g Gomega, repo *imagehubv1.Repository) {
		g.Expect(tagNames(repo.Status.Tags)).To(Equal([]string{"c", "a", "v2", "b"}))
		g.Expect(repo.Status.LatestTag.Name).To(Equal("v2"))
	})
}

func TestRepositoryLatestTag(t *testing.T) {
	cases := []struct {
		name string
		tags []string // created in this order, oldest first
		want string
	}{
		{"minor numbers", []string{"v1.10.0", "v1.9.0"}, "v1.10.0"},
		{"patch numbers", []string{"v0.0.106", "v0.0.91"}, "v0.0.106"},
		{"short version", []string{"v2", "v1.9.9"}, "v2"},
		{"date version", []string{"2022.04.1", "2021.12.30", "latest"}, "2022.04.1"},
		{"pre-release only", []string{"v2.0.0-rc.2", "v2.0.0-rc.10", "v2.0.0rc1"}, "v2.0.0-rc.10"},
		{"release over pre-release", []string{"v1.0.0", "v3.0.0-beta"}, "v1.0.0"},
		{"non-version only", []string{"latest", "v2.0.0rc1", "v.1.22.0", "dev"}, "dev"},
		{"mixed", []string{"v1.2.0", "latest", "v1.2.0-rc.1", "nightly"}, "v1.2.0"},
		{"equal versions", []string{"v2.0.0", "2.0", "v2"}, "v2"},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			repo := fmt.Sprintf("latest%d/app", i)
			var names []string
			for _, tag := range tc.tags {
				names = append(names, repo+":"+tag)
			}
			createImages(t, names...)
			waitForRepository(t, repo, func(g Gomega, r *imagehubv1.Repository) {
				g.Expect(r.Status.Tags).To(HaveLen(len(tc.tags)))
				g.Expect(r.Status.LatestTag).NotTo(BeNil())
				g.Expect(r.Status.LatestTag.Name).To(Equal(tc.want))
			})
		})
	}
}

func TestImageDuplicates(t *testing.T) {
	ctx := context.Background()
	older := newImage("dup/app:v1", 0)
	create(t, older)
	eventually(NewWithT(t), func(g Gomega) {
		g.Expect(repositoriesNamed(g, "dup/app")).To(HaveLen(1))
	}).Should(Succeed())

	newer := newImage("dup/app:v1", 5)
	newer.Name = "dup.app.v1.copy"
	newer.Spec.Detail.Description = "the copy"
	create(t, newer)

	// The newer Image is marked and ignored; the repository keeps the older.
	eventually(NewWithT(t), func(g Gomega) {
		g.Expect(k8sClient.Get(ctx, client.ObjectKeyFromObject(newer), newer)).To(Succeed())
		g.Expect(apimeta.IsStatusConditionTrue(newer.Status.Conditions, imagehubv1.ConditionDuplicate)).To(BeTrue())
	}).Should(Succeed())
	eventually(NewWithT(t), func(g Gomega) {
		g.Expect(eventReasons(g, "Image", newer.Name)).To(ContainElement(imagehubv1.ReasonNameInUse))
	}).Should(Succeed())
	repo := waitForRepository(t, "dup/app", func(g Gomega, r *imagehubv1.Repository) {
		g.Expect(r.Status.Tags).To(HaveLen(1))
	})
	if repo.Status.Tags[0].MetaName != older.Name {
		t.Errorf("tag uses %q, want the older %q", repo.Status.Tags[0].MetaName, older.Name)
	}
	if err := k8sClient.Get(ctx, client.ObjectKeyFromObject(older), older); err != nil {
		t.Fatal(err)
	}
	if apimeta.FindStatusCondition(older.Status.Conditions, imagehubv1.ConditionDuplicate) != nil {
		t.Errorf("the older Image got a Duplicate condition")
	}

	// When the older Image goes, the copy takes over.
	if err := k8sClient.Delete(ctx, older); err != nil {
		t.Fatal(err)
	}
	waitForRepository(t, "dup/app", func(g Gomega, r *imagehubv1.Repository) {
		g.Expect(r.Status.Tags).To(HaveLen(1))
		g.Expect(r.Status.Tags[0].MetaName).To(Equal(newer.Name))
	})
	eventually(NewWithT(t), func(g Gomega) {
		g.Expect(k8sClient.Get(ctx, client.ObjectKeyFromObject(newer), newer)).To(Succeed())
		g.Expect(apimeta.IsStatusConditionFalse(newer.Status.Conditions, imagehubv1.ConditionDuplicate)).To(BeTrue())
	}).Should(Succeed())
}

func TestImageLabels(t *testing.T) {
	img := createImages(t, "labels/cert-manager:v1.8.0")[0]
	eventually(NewWithT(t), func(g Gomega) {
		var list imagehubv1.ImageList
		g.Expect(k8sClient.List(context.Background(), &list, client.MatchingLabels{
			naming.LabelOrganization: "labels",
			naming.LabelRepository:   "cert-manager",
			naming.LabelTag:          "v1.8.0",
		})).To(Succeed())
		g.Expect(list.Items).To(HaveLen(1))
		g.Expect(list.Items[0].Name).To(Equal(img.Name))
		// The controller never touches the spec.
		g.Expect(list.Items[0].Generation).To(Equal(int64(1)))
	}).Should(Succeed())
}

func TestOrganizationRepos(t *testing.T) {
	createImages(t, "orgtest/b:v1", "orgtest/a:v1", "orgtest/a:v2", "other/a:v1")
	create(t, &imagehubv1.Organization{
		ObjectMeta: metav1.ObjectMeta{Name: "orgtest"},
		Spec:       imagehubv1.OrganizationSpec{Name: "orgtest", Creator: "me"},
	})
	eventually(NewWithT(t), func(g Gomega) {
		org := &imagehubv1.Organization{}
		g.Expect(k8sClient.Get(context.Background(), client.ObjectKey{Name: "orgtest"}, org)).To(Succeed())
		g.Expect(org.Status.Repos).To(Equal([]string{"orgtest/a", "orgtest/b"}))
	}).Should(Succeed())
}
