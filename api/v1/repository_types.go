package v1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// RepositorySpec names an image repository.
type RepositorySpec struct {
	// name is the repository, org/repo.
	// +required
	Name RepositoryName `json:"name"`

	// isPrivate marks a repository that a catalog should not list publicly.
	// +optional
	IsPrivate bool `json:"isPrivate,omitempty"`
}

// TagInfo is one tag of a repository.
type TagInfo struct {
	// name is the tag, such as v1.8.0.
	// +required
	// +kubebuilder:validation:MaxLength=128
	Name string `json:"name"`

	// metaName is metadata.name of the Image object of this tag.
	// +required
	// +kubebuilder:validation:MaxLength=253
	MetaName string `json:"metaName"`

	// size is the image size in bytes.
	// +optional
	Size int64 `json:"size,omitempty"`

	// creatTime is the Image's spec.detail.creatTime.
	// +optional
	CreatTime *metav1.Time `json:"creatTime,omitempty"`
}

// RepositoryStatus is the tag list the controller derives from the
// repository's Images.
type RepositoryStatus struct {
	// tags are all tags of the repository, newest creatTime first; equal
	// times are ordered by tag name, descending.
	// +optional
	// +listType=atomic
	Tags []TagInfo `json:"tags,omitempty"`

	// latestTag is the tag with the highest version. Tags that are not
	// versions count only when the repository has no version tag, and then
	// the newest wins.
	// +optional
	LatestTag *TagInfo `json:"latestTag,omitempty"`

	// downloadCount is how many times the repository was pulled, as reported
	// by an external counter. The controller keeps it and does not change it,
	// but it is lost when the Repository is deleted or its last Image goes.
	// +optional
	DownloadCount int64 `json:"downloadCount,omitempty"`
}

// Repository is an image repository, such as labring/cert-manager. The
// controller creates one for every org/repo that has at least one Image and
// deletes it when the last Image is gone.
//
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:scope=Cluster,shortName=repo
// +kubebuilder:printcolumn:name="Repository",type=string,JSONPath=`.spec.name`
// +kubebuilder:printcolumn:name="Latest",type=string,JSONPath=`.status.latestTag.name`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type Repository struct {
	metav1.TypeMeta `json:",inline"`
	// +optional
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// spec names the repository.
	// +required
	Spec RepositorySpec `json:"spec"`

	// status is written by the controller.
	// +optional
	Status RepositoryStatus `json:"status,omitempty"`
}

// RepositoryList is a list of Repository objects.
//
// +kubebuilder:object:root=true
type RepositoryList struct {
	metav1.TypeMeta `json:",inline"`
	// +optional
	metav1.ListMeta `json:"metadata,omitempty"`
	// items are the Repositories.
	Items []Repository `json:"items"`
}
