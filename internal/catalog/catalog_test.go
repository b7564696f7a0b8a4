package catalog

import (
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	imagehubv1 "github.com/labring/imagehub/api/v1"
)

func image(objectName, specName string, createdSeconds int, deleting bool) imagehubv1.Image {
	img := imagehubv1.Image{
		ObjectMeta: metav1.ObjectMeta{
			Name:              objectName,
			CreationTimestamp: metav1.NewTime(time.Unix(int64(createdSeconds), 0)),
		},
		Spec: imagehubv1.ImageSpec{Name: imagehubv1.ImageName(specName)},
	}
	if deleting {
		now := metav1.Now()
		img.DeletionTimestamp = &now
	}
	return img
}

func TestPrimaryImages(t *testing.T) {
	cases := []struct {
		name   string
		images []imagehubv1.Image
		want   map[string]string // spec.name to object name
	}{
		{"no duplicates", []imagehubv1.Image{
			image("a", "o/r:v1", 1, false), image("b", "o/r:v2", 1, false),
		}, map[string]string{"o/r:v1": "a", "o/r:v2": "b"}},
		{"older wins", []imagehubv1.Image{
			image("new", "o/r:v1", 9, false), image("old", "o/r:v1", 1, false),
		}, map[string]string{"o/r:v1": "old"}},
		{"same second, name decides", []imagehubv1.Image{
			image("b", "o/r:v1", 5, false), image("a", "o/r:v1", 5, false),
		}, map[string]string{"o/r:v1": "a"}},
		{"deleting skipped", []imagehubv1.Image{
			image("old", "o/r:v1", 1, true), image("new", "o/r:v1", 9, false),
		}, map[string]string{"o/r:v1": "new"}},
		{"all deleting", []imagehubv1.Image{image("old", "o/r:v1", 1, true)}, map[string]string{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := map[string]string{}
			for _, img := range PrimaryImages(tc.images) {
				got[string(img.Spec.Name)] = img.Name
			}
			if len(got) != len(tc.want) {
				t.Fatalf("PrimaryImages = %v, want %v", got, tc.want)
			}
			for specName, objectName := range tc.want {
				if got[specName] != objectName {
					t.Errorf("%s uses %q, want %q", specName, got[specName], objectName)
				}
			}
		})
	}
}

func TestNewRepo(t *testing.T) {
	v1 := image("r.v1", "o/r:v1.0.0", 1, false)
	v2 := image("r.v2", "o/r:v2.0.0", 2, false)
	other := image("x.v9", "o/x:v9.0.0", 3, false)
	created := metav1.NewTime(time.Date(2022, 1, 1, 0, 0, 0, 0, time.UTC))
	v1.Spec.Detail.CreatTime = &created
	v1.Spec.Detail.Size = 10

	repo := NewRepo("o/r", []*imagehubv1.Image{&v1, &v2, &other})
	if len(repo.Images) != 2 {
		t.Fatalf("repo has %d images, want 2 (an Image of another repository is ignored)", len(repo.Images))
	}
	if repo.Latest == nil || repo.Latest.Name != "v2.0.0" {
		t.Errorf("latest = %+v, want v2.0.0", repo.Latest)
	}
	// v1.0.0 has a creatTime and v2.0.0 none, so v1.0.0 is the newest.
	if len(repo.Tags) != 2 || repo.Tags[0].Name != "v1.0.0" {
		t.Fatalf("tags = %+v, want v1.0.0 first", repo.Tags)
	}
	if repo.Tags[0].MetaName != "r.v1" || repo.Tags[0].Size != 10 || !repo.Tags[0].CreatTime.Equal(&created) {
		t.Errorf("tag v1.0.0 = %+v", repo.Tags[0])
	}
	if NewRepo("o/none", nil).Empty() != true {
		t.Errorf("a repository without images is not empty")
	}
}
