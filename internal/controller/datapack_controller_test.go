package controller_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	imagehubv1 "github.com/labring/imagehub/api/v1"
	"github.com/labring/imagehub/internal/localcp"
	"github.com/labring/imagehub/internal/testenv"
)

// designNoteDatas is status.datas of the detail example in the DataPack
// original DataPack design, as written there (docs is an empty block scalar).
const designNoteDatas = `
labring/cert-manager:v1.8.0:
  ID: Unknown
  arch: Unknown
  description: Cloud native certificate management. X.509 certificate management
    for Kubernetes and OpenShift
  docs: ""
  icon: https://cert-manager.io/images/cert-manager-logo-icon.svg
  keywords:
    - Storage
  name: labring/cert-manager:v1.8.0
  tags:
    - creatTime: "2022-12-27T07:37:34Z"
      metaName: labring.cert.manager.v1.7.0
      name: v1.7.0
    - creatTime: "2022-12-27T07:33:08Z"
      metaName: labring.cert.manager.v1.8.0
      name: v1.8.0
`

// applySample creates the objects of one config/samples file.
func applySample(t *testing.T, file string) {
	t.Helper()
	root, err := testenv.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	objects, err := localcp.DecodeFile(filepath.Join(root, "config", "samples", file))
	if err != nil {
		t.Fatal(err)
	}
	for _, obj := range objects {
		create(t, obj)
	}
}

func TestDataPackDesignNote(t *testing.T) {
	g := NewWithT(t)
	applySample(t, "imagehub_v1_image.yaml")
	applySample(t, "imagehub_v1_datapack.yaml")

	var want map[string]map[string]any
	g.Expect(yaml.Unmarshal([]byte(designNoteDatas), &want)).To(Succeed())

	pack := &unstructured.Unstructured{}
	pack.SetGroupVersionKind(imagehubv1.GroupVersion.WithKind("DataPack"))
	eventually(g, func(g Gomega) {
		g.Expect(k8sClient.Get(context.Background(), client.ObjectKey{Name: "datapackuid"}, pack)).To(Succeed())
		code, _, _ := unstructured.NestedInt64(pack.Object, "status", "codes")
		g.Expect(code).To(Equal(int64(imagehubv1.OK)))
	}).Should(Succeed())

	datas, _, err := unstructured.NestedMap(pack.Object, "status", "datas")
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(datas).To(HaveLen(len(want)))
	for key, fields := range want {
		g.Expect(datas).To(HaveKey(key))
		got := datas[key].(map[string]any)
		for field, value := range fields {
			if value == "" {
				// An empty value is left out of the answer.
				g.Expect(got).NotTo(HaveKey(field), "field %s", field)
				continue
			}
			g.Expect(got).To(HaveKeyWithValue(field, value), "field %s", field)
		}
	}
}

func TestDataPackGranularity(t *testing.T) {
	img := newImage("gran/app:v1.0.0", 0)
	img.Spec.Detail = imagehubv1.ImageDetail{
		Keywords: []string{"Database"}, Description: "d", Icon: "https://x.test/i.svg", Docs: "# docs",
		URL: "https://x.test", ID: "sha256:1", Arch: "arm64", Size: 42, CreatTime: img.Spec.Detail.CreatTime,
	}
	create(t, img)
	createImages(t, "gran/app:v0.9.0")

	base := []string{"name", "type"}
	grid := append(append([]string{}, base...),
		"repoName", "description", "icon", "keywords", "size", "latestTag")
	detail := append(append([]string{}, grid...), "docs", "ID", "arch", "creatTime", "tags")
	cases := []struct {
		packType imagehubv1.PackType
		fields   []string
	}{
		{imagehubv1.PackBase, base},
		{imagehubv1.PackGrid, grid},
		{imagehubv1.PackDetail, detail},
	}
	for _, tc := range cases {
		t.Run(string(tc.packType), func(t *testing.T) {
			g := NewWithT(t)
			name := "gran-" + string(tc.packType)
			create(t, newPack(name, tc.packType, "gran/app:v1.0.0"))

			pack := &unstructured.Unstructured{}
			pack.SetGroupVersionKind(imagehubv1.GroupVersion.WithKind("DataPack"))
			var got map[string]any
			eventually(g, func(g Gomega) {
				g.Expect(k8sClient.Get(context.Background(), client.ObjectKey{Name: name}, pack)).To(Succeed())
				var found bool
				got, found, _ = unstructured.NestedMap(pack.Object, "status", "datas", "gran/app:v1.0.0")
				g.Expect(found).To(BeTrue())
			}).Should(Succeed())

			var keys []string
			for key := range got {
				keys = append(keys, key)
			}
			// downloadCount is 0 here and so left out.
			g.Expect(keys).To(ConsistOf(tc.fields))
		})
	}
}

func TestDataPackResolution(t *testing.T) {
	createImages(t, "resolve/app:v1.10.0", "resolve/app:v1.9.0", "resolve/app:latest")
	create(t, newPack("resolve", imagehubv1.PackGrid,
		"resolve/app", "resolve/app:latest", "resolve/app", "resolve/app:v9", "resolve/none",
		"resolve/app:v9"))

	dp := waitForPack(t, "resolve", func(g Gomega, dp *imagehubv1.DataPack) {
		g.Expect(dp.Status.Datas).To(HaveLen(2))
	})
	g := NewWithT(t)
	g.Expect(dp.Status.Codes).To(Equal(imagehubv1.OK))
	g.Expect(dp.Status.Datas["resolve/app"].Name).To(Equal("resolve/app:v1.10.0"))
	g.Expect(dp.Status.Datas["resolve/app"].LatestTag).To(Equal("v1.10.0"))
	g.Expect(dp.Status.Datas["resolve/app:latest"].Name).To(Equal("resolve/app:latest"))
	g.Expect(dp.Status.NotFound).To(Equal([]string{"resolve/app:v9", "resolve/none"}))
	g.Expect(dp.Status.ObservedGeneration).To(Equal(dp.Generation))
	g.Expect(dp.Status.Conditions).To(ContainElement(And(
		HaveField("Type", imagehubv1.ConditionReady),
		HaveField("Status", BeEquivalentTo("True")),
		HaveField("Reason", imagehubv1.ReasonAnswered))))
	g.Expect(dp.Status.ExpiresAt).NotTo(BeNil())
	g.Expect(dp.Status.ExpiresAt.Time).To(BeTemporally("~", dp.CreationTimestamp.Add(time.Hour), time.Second))
}

func TestDataPackKeysAndUnicode(t *testing.T) {
	img := newImage("keys/a_b.c__d-e:v1.0_rc.1", 0)
	img.Spec.Detail.Description = "镜像仓库 🚀 ünïcödé"
	img.Spec.Detail.Keywords = []string{"数据库", "🐳"}
	create(t, img)
	create(t, newPack("keys", imagehubv1.PackGrid, "keys/a_b.c__d-e:v1.0_rc.1", "keys/a_b.c__d-e"))

	dp := waitForPack(t, "keys", func(g Gomega, dp *imagehubv1.DataPack) {
		g.Expect(dp.Status.Datas).To(HaveLen(2))
	})
	for _, key := range []string{"keys/a_b.c__d-e:v1.0_rc.1", "keys/a_b.c__d-e"} {
		data := dp.Status.Datas[key]
		if data.Name != "keys/a_b.c__d-e:v1.0_rc.1" {
			t.Errorf("datas[%q].name = %q", key, data.Name)
		}
		if data.Description != img.Spec.Detail.Description {
			t.Errorf("datas[%q].description = %q, want %q", key, data.Description, img.Spec.Detail.Description)
		}
		if strings.Join(data.Keywords, ",") != "数据库,🐳" {
			t.Errorf("datas[%q].keywords = %q", key, data.Keywords)
		}
	}
}
