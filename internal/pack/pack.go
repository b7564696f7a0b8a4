// Package pack builds the answer of a DataPack from catalog data.
package pack

import (
	"context"
	"fmt"

	imagehubv1 "github.com/labring/imagehub/api/v1"
	"github.com/labring/imagehub/internal/catalog"
	"github.com/labring/imagehub/internal/naming"
)

// Repo is the packer's view of one repository.
type Repo struct {
	catalog.Repo
	// DownloadCount is the Repository's status.downloadCount, 0 when no
	// Repository object exists yet.
	DownloadCount int64
}

// Source looks up repositories. Lookups of a repository without Images
// return an empty Repo, not an error.
type Source interface {
	Repository(ctx context.Context, name string) (Repo, error)
}

// Answer is the result of packing one request.
type Answer struct {
	// Datas maps each distinct requested name to its data.
	Datas map[string]imagehubv1.PackedImage
	// NotFound lists the requested names that match nothing, in request
	// order and without duplicates.
	NotFound []string
}

// Build answers spec from src. It returns an error when src fails, or one
// wrapping naming.ErrInvalidReference when a name does not parse, which
// admission should have prevented.
func Build(ctx context.Context, spec imagehubv1.DataPackSpec, src Source) (Answer, error) {
	answer := Answer{Datas: map[string]imagehubv1.PackedImage{}}
	repos := map[string]Repo{}
	seen := map[string]bool{}
	for _, requested := range spec.Names {
		name := string(requested)
		if seen[name] {
			continue
		}
		seen[name] = true

		ref, err := naming.Parse(name)
		if err != nil {
			return Answer{}, err
		}
		repo, ok := repos[ref.Repository()]
		if !ok {
			if repo, err = src.Repository(ctx, ref.Repository()); err != nil {
				return Answer{}, fmt.Errorf("failed to read repository %s: %w", ref.Repository(), err)
			}
			repos[ref.Repository()] = repo
		}

		img := resolve(repo, ref)
		if img == nil {
			answer.NotFound = append(answer.NotFound, name)
			continue
		}
		answer.Datas[name] = project(img, repo, spec.Type)
	}
	return answer, nil
}

// resolve returns the Image a reference names: the tag it names, or the
// repository's latest tag for an untagged reference; nil when there is none.
func resolve(repo Repo, ref naming.Ref) *imagehubv1.Image {
	tag := ref.Tag
	if tag == "" {
		if repo.Latest == nil {
			return nil
		}
		tag = repo.Latest.Name
	}
	return repo.Images[tag]
}

// project copies the fields of img that packType includes.
func project(img *imagehubv1.Image, repo Repo, packType imagehubv1.PackType) imagehubv1.PackedImage {
	detail := img.Spec.Detail
	data := imagehubv1.PackedImage{
		Name: string(img.Spec.Name),
		Type: img.Spec.Type,
	}
	if packType == imagehubv1.PackBase {
		return data
	}

	data.RepoName = repo.Name
	data.Description = detail.Description
	data.Icon = detail.Icon
	data.Keywords = detail.Keywords
	data.Size = detail.Size
	data.DownloadCount = repo.DownloadCount
	if repo.Latest != nil {
		data.LatestTag = repo.Latest.Name
	}
	if packType == imagehubv1.PackGrid {
		return data
	}

	data.Docs = detail.Docs
	data.ID = detail.ID
	data.Arch = detail.Arch
	data.CreatTime = detail.CreatTime
	data.Tags = repo.Tags
	return data
}
