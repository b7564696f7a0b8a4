package v1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// PackType is the granularity of a DataPack's answer.
//
// +kubebuilder:validation:Enum=base;grid;detail
type PackType string

const (
	// PackBase carries name and type of each image.
	PackBase PackType = "base"
	// PackGrid adds what a catalog grid shows: repository, description,
	// icon, keywords, size, download count and latest tag.
	PackGrid PackType = "grid"
	// PackDetail adds docs, ID, arch, creatTime and the repository's tags.
	PackDetail PackType = "detail"
)

// Codes is the state of a DataPack's answer.
type Codes int

const (
	// NOTRUN is the state before the controller's first write.
	NOTRUN Codes = 0
	// OK means status.datas holds the answer.
	OK Codes = 1
	// PENDING means the controller has seen the pack but not answered yet.
	// Clients treat it like NOTRUN and read again.
	PENDING Codes = 2
	// ERROR means the answer could not be written; status.message says why.
	ERROR Codes = 3
)

// DataPackSpec is the request of a DataPack. It is immutable: a different
// request is a different DataPack.
//
// +kubebuilder:validation:XValidation:rule="self == oldSelf",message="spec is immutable: create a new DataPack for a different request"
type DataPackSpec struct {
	// type is the granularity of the answer: base, grid or detail.
	// +optional
	// +kubebuilder:default=base
	Type PackType `json:"type,omitempty"`

	// names are the images to pack, each org/repo:tag or org/repo. A name
	// without a tag stands for the repository's latest tag. Duplicates are
	// allowed and answered once.
	// +required
	// +listType=atomic
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=1000
	Names []ImageReference `json:"names"`

	// expireTime is how long the DataPack lives after its creation, as a Go
	// duration such as 90m or 2h; at most 720h. The controller deletes the
	// DataPack when it has passed. Numbers have at most 6 digits before a
	// decimal point, which keeps every accepted value within the range of a
	// duration.
	// +optional
	// +kubebuilder:default="2h"
	// +kubebuilder:validation:MaxLength=16
	// +kubebuilder:validation:XValidation:rule="self.matches('^(([0-9]{1,6}([.][0-9]{0,9})?|[.][0-9]{1,9})(ns|us|ms|s|m|h))+$')",message="expireTime must be a Go duration such as 90m, 2h or 1h30m, with units h, m, s, ms, us or ns and at most 6 digits before a decimal point"
	// +kubebuilder:validation:XValidation:rule="!self.matches('^(([0-9]{1,6}([.][0-9]{0,9})?|[.][0-9]{1,9})(ns|us|ms|s|m|h))+$') || (duration(self) > duration('0s') && duration(self) <= duration('720h'))",message="expireTime must be greater than 0 and at most 720h"
	ExpireTime string `json:"expireTime,omitempty"`
}

// PackedImage is the answer for one requested name. Which fields are set
// depends on the pack type; empty fields are left out.
type PackedImage struct {
	// name is the resolved image, org/repo:tag.
	Name string `json:"name"`
	// type is the image's spec.type.
	// +optional
	Type ImageType `json:"type,omitempty"`

	// repoName is the repository, org/repo (grid and detail).
	// +optional
	RepoName string `json:"repoName,omitempty"`
	// description is the image's description (grid and detail).
	// +optional
	Description string `json:"description,omitempty"`
	// icon is the image's icon URL (grid and detail).
	// +optional
	Icon string `json:"icon,omitempty"`
	// keywords are the image's keywords (grid and detail).
	// +optional
	Keywords []string `json:"keywords,omitempty"`
	// size is the image size in bytes (grid and detail).
	// +optional
	Size int64 `json:"size,omitempty"`
	// downloadCount is the repository's download count (grid and detail).
	// +optional
	DownloadCount int64 `json:"downloadCount,omitempty"`
	// latestTag is the name of the repository's latest tag (grid and detail).
	// +optional
	LatestTag string `json:"latestTag,omitempty"`

	// docs is the image's documentation (detail).
	// +optional
	Docs string `json:"docs,omitempty"`
	// ID is the image ID (detail).
	// +optional
	ID string `json:"ID,omitempty"`
	// arch is the image's CPU architecture (detail).
	// +optional
	Arch string `json:"arch,omitempty"`
	// creatTime is when the image was built or pushed (detail).
	// +optional
	CreatTime *metav1.Time `json:"creatTime,omitempty"`
	// tags are all tags of the repository, newest first (detail).
	// +optional
	Tags []TagInfo `json:"tags,omitempty"`
}

// DataPackStatus is the controller's answer to a DataPack's request.
type DataPackStatus struct {
	// codes is the state of the answer: 0 NOTRUN, 1 OK, 2 PENDING, 3 ERROR.
	// Read again while it is 0 or 2.
	// +optional
	Codes Codes `json:"codes"`

	// datas maps each requested name, exactly as written in spec.names, to
	// its answer.
	// +optional
	Datas map[string]PackedImage `json:"datas,omitempty"`

	// notFound lists the requested names that match no Image or, for
	// org/repo, no Repository.
	// +optional
	// +listType=atomic
	NotFound []string `json:"notFound,omitempty"`

	// message explains an ERROR code.
	// +optional
	Message string `json:"message,omitempty"`

	// expiresAt is when the DataPack will be deleted: its creation time plus
	// spec.expireTime. Refreshing the answer does not move it.
	// +optional
	ExpiresAt *metav1.Time `json:"expiresAt,omitempty"`

	// observedGeneration is the metadata.generation the answer was built for.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`

	// conditions describe the answer. Ready is True when codes is OK.
	// +optional
	// +listType=map
	// +listMapKey=type
	// +kubebuilder:validation:MaxItems=8
	Conditions []metav1.Condition `json:"conditions,omitempty"`
}

// DataPack is a request for catalog data: a list of image names and a
// granularity. The controller writes the answer into its status and deletes
// it when spec.expireTime has passed. Clients name a DataPack after a hash
// of its spec so that identical requests share one answer.
//
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:scope=Cluster,shortName=dp
// +kubebuilder:printcolumn:name="Type",type=string,JSONPath=`.spec.type`
// +kubebuilder:printcolumn:name="Code",type=integer,JSONPath=`.status.codes`
// +kubebuilder:printcolumn:name="Expires-At",type=string,JSONPath=`.status.expiresAt`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type DataPack struct {
	metav1.TypeMeta `json:",inline"`
	// +optional
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// spec is the request.
	// +required
	Spec DataPackSpec `json:"spec"`

	// status is the answer, written by the controller.
	// +optional
	Status DataPackStatus `json:"status,omitempty"`
}

// DataPackList is a list of DataPack objects.
//
// +kubebuilder:object:root=true
type DataPackList struct {
	metav1.TypeMeta `json:",inline"`
	// +optional
	metav1.ListMeta `json:"metadata,omitempty"`
	// items are the DataPacks.
	Items []DataPack `json:"items"`
}
