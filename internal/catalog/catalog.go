// Package catalog derives repository views from Image objects: which Image
// stands for a spec.name when several share it, and a repository's tag list
// and latest tag.
package catalog

import (
	"cmp"

	imagehubv1 "github.com/labring/imagehub/api/v1"
	"github.com/labring/imagehub/internal/naming"
	"github.com/labring/imagehub/internal/tagorder"
)

// CompareAge orders a before b (negative) when a is older: by
// creationTimestamp, then by name. Of several Images with one spec.name, the
// oldest is used.
func CompareAge(a, b *imagehubv1.Image) int {
	if c := a.CreationTimestamp.Compare(b.CreationTimestamp.Time); c != 0 {
		return c
	}
	return cmp.Compare(a.Name, b.Name)
}

// PrimaryImages returns, for every spec.name among images, the oldest Image
// with that name, in no particular order. Images being deleted are skipped.
func PrimaryImages(images []imagehubv1.Image) []*imagehubv1.Image {
	primary := make(map[imagehubv1.ImageName]*imagehubv1.Image, len(images))
	for i := range images {
		img := &images[i]
		if !img.DeletionTimestamp.IsZero() {
			continue
		}
		if current, ok := primary[img.Spec.Name]; !ok || CompareAge(img, current) < 0 {
			primary[img.Spec.Name] = img
		}
	}
	out := make([]*imagehubv1.Image, 0, len(primary))
	for _, img := range primary {
		out = append(out, img)
	}
	return out
}

// Repo is a repository as derived from its Images.
type Repo struct {
	// Name is org/repo.
	Name string
	// Images maps each tag to its Image.
	Images map[string]*imagehubv1.Image
	// Tags are all tags, newest creatTime first.
	Tags []imagehubv1.TagInfo
	// Latest is the latest tag by the tagorder rule; nil without tags.
	Latest *imagehubv1.TagInfo
}

// NewRepo builds the view of repository name from its primary Images.
// Images whose spec.name does not parse or names another repository are
// ignored.
func NewRepo(name string, images []*imagehubv1.Image) Repo {
	repo := Repo{Name: name, Images: make(map[string]*imagehubv1.Image, len(images))}
	for _, img := range images {
		ref, err := naming.Parse(string(img.Spec.Name))
		if err != nil || ref.Repository() != name || ref.Tag == "" {
			continue
		}
		repo.Images[ref.Tag] = img
		repo.Tags = append(repo.Tags, imagehubv1.TagInfo{
			Name:      ref.Tag,
			MetaName:  img.Name,
			Size:      img.Spec.Detail.Size,
			CreatTime: img.Spec.Detail.CreatTime,
		})
	}
	tagorder.SortNewestFirst(repo.Tags)
	repo.Latest = tagorder.Latest(repo.Tags)
	return repo
}

// Empty reports whether the repository has no Images.
func (r Repo) Empty() bool {
	return len(r.Images) == 0
}
