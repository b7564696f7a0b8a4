package pack

import (
	"context"
	"errors"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	imagehubv1 "github.com/labring/imagehub/api/v1"
	"github.com/labring/imagehub/internal/catalog"
	"github.com/labring/imagehub/internal/naming"
)

// fakeSource serves repositories built from a fixed list of Images and
// counts lookups.
type fakeSource struct {
	images  []*imagehubv1.Image
	lookups int
	err     error
}

func (s *fakeSource) Repository(_ context.Context, name string) (Repo, error) {
	s.lookups++
	if s.err != nil {
		return Repo{}, s.err
	}
	return Repo{Repo: catalog.NewRepo(name, s.images), DownloadCount: 7}, nil
}

func newImage(name string, minutes int) *imagehubv1.Image {
	created := metav1.NewTime(time.Date(2022, 12, 27, 7, minutes, 0, 0, time.UTC))
	return &imagehubv1.Image{
		ObjectMeta: metav1.ObjectMeta{Name: naming.ImageObjectName(name)},
		Spec: imagehubv1.ImageSpec{
			Name: imagehubv1.ImageName(name),
			Type: imagehubv1.ClusterImage,
			Detail: imagehubv1.ImageDetail{
				Description: "desc " + name,
				Icon:        "https://example.com/icon.svg",
				Keywords:    []string{"Storage"},
				Docs:        "# docs",
				ID:          "id",
				Arch:        "amd64",
				Size:        100,
				CreatTime:   &created,
			},
		},
	}
}

func spec(packType imagehubv1.PackType, names ...string) imagehubv1.DataPackSpec {
	s := imagehubv1.DataPackSpec{Type: packType}
	for _, n := range names {
		s.Names = append(s.Names, imagehubv1.ImageReference(n))
	}
	return s
}

func TestBuildGranularity(t *testing.T) {
	src := &fakeSource{images: []*imagehubv1.Image{
		newImage("labring/cert-manager:v1.8.0", 33), newImage("labring/cert-manager:v1.7.0", 37),
	}}
	ctx := context.Background()
	const name = "labring/cert-manager:v1.7.0"

	base, err := Build(ctx, spec(imagehubv1.PackBase, name), src)
	if err != nil {
		t.Fatal(err)
	}
	got := base.Datas[name]
	if got.Name != name || got.Type != imagehubv1.ClusterImage {
		t.Errorf("base name/type = %q/%q", got.Name, got.Type)
	}
	if got.Description != "" || got.RepoName != "" || got.Tags != nil || got.Docs != "" {
		t.Errorf("base carries grid or detail fields: %+v", got)
	}

	grid, err := Build(ctx, spec(imagehubv1.PackGrid, name), src)
	if err != nil {
		t.Fatal(err)
	}
	got = grid.Datas[name]
	if got.RepoName != "labring/cert-manager" || got.Description != "desc "+name || got.Icon == "" ||
		len(got.Keywords) != 1 || got.Size != 100 || got.DownloadCount != 7 {
		t.Errorf("grid fields wrong: %+v", got)
	}
	if got.LatestTag != "v1.8.0" {
		t.Errorf("grid latestTag = %q, want v1.8.0", got.LatestTag)
	}
	if got.Docs != "" || got.ID != "" || got.Arch != "" || got.CreatTime != nil || got.Tags != nil {
		t.Errorf("grid carries detail fields: %+v", got)
	}

	detail, err := Build(ctx, spec(imagehubv1.PackDetail, name), src)
	if err != nil {
		t.Fatal(err)
	}
	got = detail.Datas[name]
	if got.Docs != "# docs" || got.ID != "id" || got.Arch != "amd64" || got.CreatTime == nil {
		t.Errorf("detail fields wrong: %+v", got)
	}
	if len(got.Tags) != 2 || got.Tags[0].Name != "v1.7.0" || got.Tags[1].Name != "v1.8.0" {
		t.Errorf("detail tags = %+v, want v1.7.0 then v1.8.0", got.Tags)
	}
}

func TestBuildResolution(t *testing.T) {
	src := &fakeSource{images: []*imagehubv1.Image{
		newImage("labring/x:v1.9.0", 1), newImage("labring/x:v1.10.0", 0), newImage("labring/x:latest", 9),
	}}
	answer, err := Build(context.Background(), spec(imagehubv1.PackBase,
		"labring/x", "labring/x:latest", "labring/x", "labring/x:v9", "labring/y", "labring/x:v9"), src)
	if err != nil {
		t.Fatal(err)
	}
	if got := answer.Datas["labring/x"].Name; got != "labring/x:v1.10.0" {
		t.Errorf("labring/x resolved to %q, want labring/x:v1.10.0", got)
	}
	if got := answer.Datas["labring/x:latest"].Name; got != "labring/x:latest" {
		t.Errorf("labring/x:latest resolved to %q", got)
	}
	if len(answer.Datas) != 2 {
		t.Errorf("datas has %d keys, want 2: %v", len(answer.Datas), answer.Datas)
	}
	want := []string{"labring/x:v9", "labring/y"}
	if len(answer.NotFound) != len(want) || answer.NotFound[0] != want[0] || answer.NotFound[1] != want[1] {
		t.Errorf("notFound = %v, want %v", answer.NotFound, want)
	}
	// One lookup per repository, however often it is named.
	if src.lookups != 2 {
		t.Errorf("lookups = %d, want 2", src.lookups)
	}
}

func TestBuildErrors(t *testing.T) {
	_, err := Build(context.Background(), spec(imagehubv1.PackBase, "Bad/name"), &fakeSource{})
	if err == nil {
		t.Errorf("Build accepted an invalid name")
	}
	failing := &fakeSource{err: errors.New("cache not synced")}
	_, err = Build(context.Background(), spec(imagehubv1.PackBase, "labring/x"), failing)
	if err == nil {
		t.Errorf("Build ignored a source error")
	}
}
