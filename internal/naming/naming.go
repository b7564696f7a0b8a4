// Package naming parses image references and derives the object names and
// labels the controller gives to catalog objects.
package naming

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation"
)

// The same grammar as the CRD rules in api/v1/names.go.
var (
	orgPattern  = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)
	repoPattern = regexp.MustCompile(`^[a-z0-9]+(([._]|__|-+)[a-z0-9]+)*$`)
	tagPattern  = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$`)
)

// Labels the controller sets on Images so that people can select them with
// kubectl -l. The controller's own lookups use cache indexes instead.
const (
	LabelOrganization = "organization.imagehub.sealos.io"
	LabelRepository   = "repository.imagehub.sealos.io"
	LabelTag          = "tag.imagehub.sealos.io"
)

// ErrInvalidReference is wrapped by every error Parse returns.
var ErrInvalidReference = errors.New("invalid image reference")

// Ref is a parsed image reference, org/repo or org/repo:tag.
type Ref struct {
	Org  string
	Repo string
	// Tag is empty for a repository reference.
	Tag string
}

// Parse parses "org/repo" or "org/repo:tag" and checks each part against the
// grammar the CRDs enforce.
func Parse(s string) (Ref, error) {
	org, rest, ok := strings.Cut(s, "/")
	if !ok {
		return Ref{}, fmt.Errorf("%w %q: want org/repo or org/repo:tag", ErrInvalidReference, s)
	}
	repo, tag, tagged := strings.Cut(rest, ":")
	ref := Ref{Org: org, Repo: repo, Tag: tag}
	switch {
	case !orgPattern.MatchString(org):
		return Ref{}, fmt.Errorf("%w %q: organization %q must be 1 to 63 lowercase letters, digits or inner '-'",
			ErrInvalidReference, s, org)
	case !repoPattern.MatchString(repo):
		return Ref{}, fmt.Errorf("%w %q: repository %q must be lowercase letters and digits separated by '.', '_', '__' or '-'",
			ErrInvalidReference, s, repo)
	case tagged && !tagPattern.MatchString(tag):
		return Ref{}, fmt.Errorf("%w %q: tag %q must be 1 to 128 letters, digits, '_', '.' or '-', not starting with '.' or '-'",
			ErrInvalidReference, s, tag)
	}
	return ref, nil
}

// Repository returns "org/repo".
func (r Ref) Repository() string {
	return r.Org + "/" + r.Repo
}

// String returns the reference as it would be written in a spec.
func (r Ref) String() string {
	if r.Tag == "" {
		return r.Repository()
	}
	return r.Repository() + ":" + r.Tag
}

// Labels returns the organization, repository and tag labels of an image;
// a part that is not a valid label value gets no label.
func (r Ref) Labels() map[string]string {
	labels := map[string]string{}
	for key, value := range map[string]string{
		LabelOrganization: r.Org,
		LabelRepository:   r.Repo,
		LabelTag:          r.Tag,
	} {
		if value != "" && len(validation.IsValidLabelValue(value)) == 0 {
			labels[key] = value
		}
	}
	return labels
}

var nonAlphanumericRuns = regexp.MustCompile(`[^a-z0-9]+`)

// ImageObjectName returns the catalog's conventional metadata.name for an
// image: the reference lowercased, with every run of other characters
// replaced by one '.'. labring/cert-manager:v1.8.0 becomes
// labring.cert.manager.v1.8.0.
func ImageObjectName(ref string) string {
	name := nonAlphanumericRuns.ReplaceAllString(strings.ToLower(ref), ".")
	return strings.Trim(name, ".")
}

// RepositoryObjectName returns the metadata.name of the Repository for
// "org/repo": "org.repo" when that is a valid object name. Otherwise it
// returns a valid form of it followed by a short hash of the repository, so
// that two repositories do not map to the same name.
func RepositoryObjectName(repository string) string {
	name := strings.Replace(repository, "/", ".", 1)
	if len(validation.IsDNS1123Subdomain(name)) == 0 {
		return name
	}
	sum := sha256.Sum256([]byte(repository))
	suffix := "-" + hex.EncodeToString(sum[:])[:10]
	base := ImageObjectName(repository)
	if maxBase := validation.DNS1123SubdomainMaxLength - len(suffix); len(base) > maxBase {
		base = strings.TrimRight(base[:maxBase], ".")
	}
	return base + suffix
}
