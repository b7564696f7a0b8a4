package v1_test

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	. "github.com/onsi/gomega"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"

	imagehubv1 "github.com/labring/imagehub/api/v1"
	"github.com/labring/imagehub/internal/localcp"
	"github.com/labring/imagehub/internal/testenv"
)

// readSamples decodes every object in config/samples.
func readSamples(t *testing.T) []*unstructured.Unstructured {
	t.Helper()
	root, err := testenv.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob(filepath.Join(root, "config", "samples", "*.yaml"))
	files = slices.DeleteFunc(files, func(file string) bool {
		return filepath.Base(file) == "kustomization.yaml"
	})
	if err != nil || len(files) == 0 {
		t.Fatalf("no samples found in config/samples: %v", err)
	}
	var objects []*unstructured.Unstructured
	for _, file := range files {
		decoded, err := localcp.DecodeFile(file)
		if err != nil {
			t.Fatal(err)
		}
		objects = append(objects, decoded...)
	}
	return objects
}

func TestSamplesAccepted(t *testing.T) {
	g := NewWithT(t)
	ctx := context.Background()

	samples := readSamples(t)
	g.Expect(len(samples)).To(BeNumerically(">=", 5))
	for _, obj := range samples {
		err := k8sClient.Create(ctx, obj)
		g.Expect(err).NotTo(HaveOccurred(), "%s %s", obj.GetKind(), obj.GetName())
		t.Cleanup(func() { _ = k8sClient.Delete(context.Background(), obj) })
	}

	// The sample DataPack keeps the values it sets; defaults fill nothing in.
	pack := &imagehubv1.DataPack{}
	g.Expect(k8sClient.Get(ctx, client.ObjectKey{Name: "datapackuid"}, pack)).To(Succeed())
	g.Expect(pack.Spec.Type).To(Equal(imagehubv1.PackDetail))
	g.Expect(pack.Spec.ExpireTime).To(Equal("120m"))
	g.Expect(pack.Spec.Names).To(Equal([]imagehubv1.ImageReference{"labring/cert-manager:v1.8.0"}))
}

func TestDataPackDefaults(t *testing.T) {
	g := NewWithT(t)
	ctx := context.Background()
	pack := &imagehubv1.DataPack{
		ObjectMeta: metav1.ObjectMeta{Name: "defaults"},
		Spec:       imagehubv1.DataPackSpec{Names: []imagehubv1.ImageReference{"labring/x"}},
	}
	g.Expect(k8sClient.Create(ctx, pack)).To(Succeed())
	t.Cleanup(func() { _ = k8sClient.Delete(context.Background(), pack) })
	g.Expect(pack.Spec.Type).To(Equal(imagehubv1.PackBase))
	g.Expect(pack.Spec.ExpireTime).To(Equal("2h"))
}

func image(name string, mutate ...func(*imagehubv1.Image)) *imagehubv1.Image {
	img := &imagehubv1.Image{
		ObjectMeta: metav1.ObjectMeta{GenerateName: "invalid-"},
		Spec:       imagehubv1.ImageSpec{Name: imagehubv1.ImageName(name)},
	}
	for _, m := range mutate {
		m(img)
	}
	return img
}

func pack(mutate func(*imagehubv1.DataPackSpec)) *imagehubv1.DataPack {
	dp := &imagehubv1.DataPack{
		ObjectMeta: metav1.ObjectMeta{GenerateName: "invalid-"},
		Spec: imagehubv1.DataPackSpec{
			Type:       imagehubv1.PackGrid,
			ExpireTime: "1h",
			Names:      []imagehubv1.ImageReference{"labring/cert-manager"},
		},
	}
	mutate(&dp.Spec)
	return dp
}

func packNames(names ...string) func(*imagehubv1.DataPackSpec) {
	return func(s *imagehubv1.DataPackSpec) {
		s.Names = nil
		for _, n := range names {
			s.Names = append(s.Names, imagehubv1.ImageReference(n))
		}
	}
}

func expireTime(v string) func(*imagehubv1.DataPackSpec) {
	return func(s *imagehubv1.DataPackSpec) { s.ExpireTime = v }
}

// emptyExpireTimePack sends expireTime: "" explicitly, which the typed
// client would leave out because of omitempty.
func emptyExpireTimePack() *unstructured.Unstructured {
	obj := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": imagehubv1.GroupVersion.String(),
		"kind":       "DataPack",
		"metadata":   map[string]any{"generateName": "invalid-"},
		"spec": map[string]any{
			"names":      []any{"labring/x"},
			"expireTime": "",
		},
	}}
	return obj
}

const (
	msgImageForm = "must have the form org/repo:tag"
	msgOrg       = "organization must be 1 to 63 lowercase letters"
	msgRepo      = "repository must be lowercase letters and digits"
	msgTag       = "tag must be 1 to 128 letters"
	msgDuration  = "expireTime must be a Go duration"
	msgRange     = "expireTime must be greater than 0 and at most 720h"
)

func TestCreateRejected(t *testing.T) {
	thousandAndOne := make([]string, 1001)
	for i := range thousandAndOne {
		thousandAndOne[i] = fmt.Sprintf("labring/repo%d", i)
	}

	cases := []struct {
		name  string
		obj   client.Object
		field string
		want  string
	}{
		{"image without tag", image("labring/cert-manager"), "spec.name", msgImageForm},
		{"image with registry host", image("docker.io/labring/x:v1"), "spec.name", msgImageForm},
		{"image with port", image("localhost:5000/x:v1"), "spec.name", msgImageForm},
		{"image with digest", image("labring/x@sha256:abc"), "spec.name", msgImageForm},
		{"uppercase org", image("Labring/x:v1"), "spec.name", msgOrg},
		{"org with dot", image("lab.ring/x:v1"), "spec.name", msgOrg},
		{"org ending in dash", image("labring-/x:v1"), "spec.name", msgOrg},
		{"org of 64 characters", image(strings.Repeat("a", 64) + "/x:v1"), "spec.name", msgOrg},
		{"uppercase repo", image("labring/Cert:v1"), "spec.name", msgRepo},
		{"repo with triple underscore", image("labring/a___b:v1"), "spec.name", msgRepo},
		{"repo ending in dot", image("labring/a.:v1"), "spec.name", msgRepo},
		{"tag starting with dot", image("labring/x:.v1"), "spec.name", msgTag},
		{"tag starting with dash", image("labring/x:-v1"), "spec.name", msgTag},
		{"tag of 129 characters", image("labring/x:" + strings.Repeat("a", 129)), "spec.name", msgTag},
		{"empty image name", image(""), "spec.name", "spec.name"},
		{"unknown image type", image("labring/x:v1", func(i *imagehubv1.Image) { i.Spec.Type = "vm-image" }),
			"spec.type", "Unsupported value"},
		{"javascript icon", image("labring/x:v1", func(i *imagehubv1.Image) { i.Spec.Detail.Icon = "javascript:alert(1)" }),
			"spec.detail.icon", "icon must be an http or https URL"},
		{"ftp url", image("labring/x:v1", func(i *imagehubv1.Image) { i.Spec.Detail.URL = "ftp://example.com/x" }),
			"spec.detail.url", "url must be an http or https URL"},
		{"icon without host", image("labring/x:v1", func(i *imagehubv1.Image) { i.Spec.Detail.Icon = "http://" }),
			"spec.detail.icon", "icon must be an http or https URL with a host"},
		{"33 keywords", image("labring/x:v1", func(i *imagehubv1.Image) { i.Spec.Detail.Keywords = make([]string, 33) }),
			"spec.detail.keywords", "must have at most 32 items"},
		{"docs over 64 KiB", image("labring/x:v1", func(i *imagehubv1.Image) { i.Spec.Detail.Docs = strings.Repeat("a", 65537) }),
			"spec.detail.docs", "Too long"},
		{"negative size", image("labring/x:v1", func(i *imagehubv1.Image) { i.Spec.Detail.Size = -1 }),
			"spec.detail.size", "should be greater than or equal to 0"},
		{"unknown pack type", pack(func(s *imagehubv1.DataPackSpec) { s.Type = "full" }), "spec.type", "Unsupported value"},
		{"empty names", pack(packNames()), "spec.names", "spec.names"},
		{"1001 names", pack(packNames(thousandAndOne...)), "spec.names", "must have at most 1000 items"},
		{"name with registry", pack(packNames("docker.io/labring/x")), "spec.names[0]", "must have the form org/repo or org/repo:tag"},
		{"name with bad tag", pack(packNames("labring/x", "labring/x:.bad")), "spec.names[1]", msgTag},
		{"name with bad org", pack(packNames("Labring/x")), "spec.names[0]", msgOrg},
		{"expireTime in words", pack(expireTime("2 hours")), "spec.expireTime", msgDuration},
		{"expireTime in days", pack(expireTime("1d")), "spec.expireTime", msgDuration},
		{"empty expireTime", emptyExpireTimePack(), "spec.expireTime", msgDuration},
		{"negative expireTime", pack(expireTime("-1h")), "spec.expireTime", msgDuration},
		{"zero expireTime", pack(expireTime("0s")), "spec.expireTime", msgRange},
		{"expireTime over 720h", pack(expireTime("721h")), "spec.expireTime", msgRange},
		{"expireTime past int64", pack(expireTime("9999999999999h")), "spec.expireTime", msgDuration},
		{"expireTime of 7 digits", pack(expireTime("1000000s")), "spec.expireTime", msgDuration},
		{"expireTime sum over 720h", pack(expireTime("999999h999999h")), "spec.expireTime", msgRange},
		{"organization name mismatch", &imagehubv1.Organization{
			ObjectMeta: metav1.ObjectMeta{Name: "labring"},
			Spec:       imagehubv1.OrganizationSpec{Name: "sealos"},
		}, "spec.name: Invalid value", "spec.name must equal metadata.name"},
		{"repository with tag", &imagehubv1.Repository{
			ObjectMeta: metav1.ObjectMeta{Name: "labring.x"},
			Spec:       imagehubv1.RepositorySpec{Name: "labring/x:v1"},
		}, "spec.name", "must have the form org/repo,"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			g := NewWithT(t)
			err := k8sClient.Create(context.Background(), tc.obj)
			if err == nil {
				_ = k8sClient.Delete(context.Background(), tc.obj)
			}
			g.Expect(apierrors.IsInvalid(err)).To(BeTrue(), "expected Invalid, got %v", err)
			g.Expect(err.Error()).To(ContainSubstring(tc.field))
			g.Expect(err.Error()).To(ContainSubstring(tc.want))
		})
	}
}

func TestValidNamesAccepted(t *testing.T) {
	names := []string{
		"labring/cert-manager:v1.8.0",
		"labring/a.b_c__d---e:2022.04.1",
		"a/b:" + strings.Repeat("x", 128),
		"labring/x:_underscore",
		strings.Repeat("a", 63) + "/x:V1",
	}
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			g := NewWithT(t)
			img := image(name)
			g.Expect(k8sClient.Create(context.Background(), img)).To(Succeed())
			g.Expect(k8sClient.Delete(context.Background(), img)).To(Succeed())
		})
	}
}

func TestUpdateRejected(t *testing.T) {
	ctx := context.Background()

	t.Run("image spec.name", func(t *testing.T) {
		g := NewWithT(t)
		img := image("labring/immutable:v1")
		g.Expect(k8sClient.Create(ctx, img)).To(Succeed())
		t.Cleanup(func() { _ = k8sClient.Delete(context.Background(), img) })

		img.Spec.Name = "labring/immutable:v2"
		err := k8sClient.Update(ctx, img)
		g.Expect(apierrors.IsInvalid(err)).To(BeTrue(), "expected Invalid, got %v", err)
		g.Expect(err.Error()).To(ContainSubstring("spec.name is immutable"))
	})

	t.Run("image detail stays mutable", func(t *testing.T) {
		g := NewWithT(t)
		img := image("labring/mutable:v1")
		g.Expect(k8sClient.Create(ctx, img)).To(Succeed())
		t.Cleanup(func() { _ = k8sClient.Delete(context.Background(), img) })

		img.Spec.Detail.Description = "changed"
		g.Expect(k8sClient.Update(ctx, img)).To(Succeed())
	})

	t.Run("datapack spec", func(t *testing.T) {
		g := NewWithT(t)
		dp := pack(func(*imagehubv1.DataPackSpec) {})
		g.Expect(k8sClient.Create(ctx, dp)).To(Succeed())
		t.Cleanup(func() { _ = k8sClient.Delete(context.Background(), dp) })

		dp.Spec.Type = imagehubv1.PackDetail
		err := k8sClient.Update(ctx, dp)
		g.Expect(apierrors.IsInvalid(err)).To(BeTrue(), "expected Invalid, got %v", err)
		g.Expect(err.Error()).To(ContainSubstring("spec is immutable"))
	})
}
