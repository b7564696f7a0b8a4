package localcp

import (
	"context"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	"sigs.k8s.io/controller-runtime/pkg/client"

	imagehubv1 "github.com/labring/imagehub/api/v1"
)

func TestDecodeObjects(t *testing.T) {
	for _, tc := range []struct {
		name      string
		input     string
		wantNames []string
		wantErr   string
	}{
		{
			name:      "yaml documents with leading separator and empty documents",
			input:     "---\napiVersion: v1\nkind: A\nmetadata:\n  name: a\n---\n---\n# only a comment\n---\napiVersion: v1\nkind: B\nmetadata:\n  name: b\n",
			wantNames: []string{"a", "b"},
		},
		{
			name:      "json objects separated by yaml separators",
			input:     "---\n{\"apiVersion\": \"v1\", \"kind\": \"A\", \"metadata\": {\"name\": \"a\"}}\n---\n{\"apiVersion\": \"v1\", \"kind\": \"A\", \"metadata\": {\"name\": \"b\"}}\n",
			wantNames: []string{"a", "b"},
		},
		{
			name:      "concatenated json objects",
			input:     `{"apiVersion": "v1", "kind": "A", "metadata": {"name": "a"}} {"apiVersion": "v1", "kind": "A", "metadata": {"name": "b"}}`,
			wantNames: []string{"a", "b"},
		},
		{
			name:  "empty input",
			input: "",
		},
		{
			name:    "missing kind",
			input:   "apiVersion: v1\nkind: A\n---\napiVersion: v1\nmetadata:\n  name: b\n",
			wantErr: "invalid document 2: apiVersion and kind are required",
		},
		{
			name:    "malformed yaml",
			input:   "apiVersion: v1\nkind: [A\n",
			wantErr: "failed to decode document 1",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := NewWithT(t)
			objects, err := DecodeObjects(strings.NewReader(tc.input))
			if tc.wantErr != "" {
				g.Expect(err).To(MatchError(ContainSubstring(tc.wantErr)))
				return
			}
			g.Expect(err).NotTo(HaveOccurred())
			var names []string
			for _, obj := range objects {
				names = append(names, obj.GetName())
			}
			g.Expect(names).To(Equal(tc.wantNames))
		})
	}
}

func TestApplySamplesCreatesThenKeeps(t *testing.T) {
	g := NewWithT(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	applied, err := ApplySamples(ctx, k8sClient)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(applied).To(Equal(4))

	var image imagehubv1.Image
	g.Expect(k8sClient.Get(ctx, client.ObjectKey{Name: "labring.cert.manager.v1.8.0"}, &image)).To(Succeed())
	g.Expect(image.Spec.Detail.Icon).To(Equal("https://cert-manager.io/images/cert-manager-logo-icon.svg"))
	var organization imagehubv1.Organization
	g.Expect(k8sClient.Get(ctx, client.ObjectKey{Name: "labring"}, &organization)).To(Succeed())
	var pack imagehubv1.DataPack
	g.Expect(k8sClient.Get(ctx, client.ObjectKey{Name: "datapackuid"}, &pack)).To(Succeed())
	g.Expect(pack.Spec.Names).To(ConsistOf(imagehubv1.ImageReference("labring/cert-manager:v1.8.0")))

	// A user changes a sample Image and replaces the sample DataPack with
	// another request of the same name. Applying the samples again, as a
	// restart on the same data directory does, keeps both.
	image.Spec.Detail.Description = "changed by another client"
	g.Expect(k8sClient.Update(ctx, &image)).To(Succeed())
	g.Expect(k8sClient.Delete(ctx, &pack)).To(Succeed())
	replaced := &imagehubv1.DataPack{
		ObjectMeta: metav1.ObjectMeta{Name: "datapackuid"},
		Spec:       imagehubv1.DataPackSpec{Names: []imagehubv1.ImageReference{"labring/calico"}},
	}
	g.Expect(k8sClient.Create(ctx, replaced)).To(Succeed())

	applied, err = ApplySamples(ctx, k8sClient)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(applied).To(Equal(0))
	g.Expect(k8sClient.Get(ctx, client.ObjectKey{Name: "labring.cert.manager.v1.8.0"}, &image)).To(Succeed())
	g.Expect(image.Spec.Detail.Description).To(Equal("changed by another client"))
	g.Expect(k8sClient.Get(ctx, client.ObjectKey{Name: "datapackuid"}, &pack)).To(Succeed())
	g.Expect(pack.Spec.Names).To(ConsistOf(imagehubv1.ImageReference("labring/calico")))
}
