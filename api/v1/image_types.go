package v1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// ImageType is the kind of artifact an Image describes.
//
// +kubebuilder:validation:Enum=cluster-image;cloud-image
type ImageType string

const (
	// ClusterImage is a sealos cluster image.
	ClusterImage ImageType = "cluster-image"
	// CloudImage is a cloud image.
	CloudImage ImageType = "cloud-image"
)

// ImageSpec describes one tag of an image repository.
type ImageSpec struct {
	// name is the image reference, org/repo:tag. It is the image's identity
	// and cannot change. metadata.name is free, but by convention it is this
	// value lowercased, with every run of other characters replaced by one '.'.
	// +required
	// +kubebuilder:validation:XValidation:rule="self == oldSelf",message="spec.name is immutable"
	Name ImageName `json:"name"`

	// type is the kind of artifact: cluster-image or cloud-image.
	// +optional
	Type ImageType `json:"type,omitempty"`

	// detail holds the catalog information shown for this tag.
	// +optional
	Detail ImageDetail `json:"detail,omitempty"`
}

// ImageDetail is the catalog information of one image tag.
type ImageDetail struct {
	// keywords are short labels a catalog can filter on.
	// +optional
	// +kubebuilder:validation:MaxItems=32
	// +kubebuilder:validation:items:MaxLength=64
	Keywords []string `json:"keywords,omitempty"`

	// description is a short plain-text summary, at most 4096 characters.
	// +optional
	// +kubebuilder:validation:MaxLength=4096
	Description string `json:"description,omitempty"`

	// icon is the http or https URL of an icon for the image.
	// +optional
	// +kubebuilder:validation:MaxLength=2048
	// +kubebuilder:validation:XValidation:rule="self == '' || (isURL(self) && url(self).getScheme() in ['http', 'https'] && url(self).getHostname() != '')",message="icon must be an http or https URL with a host"
	Icon string `json:"icon,omitempty"`

	// docs is the image's documentation, usually Markdown, at most 65536
	// characters.
	// +optional
	// +kubebuilder:validation:MaxLength=65536
	Docs string `json:"docs,omitempty"`

	// url is the http or https address of the image's home page.
	// +optional
	// +kubebuilder:validation:MaxLength=2048
	// +kubebuilder:validation:XValidation:rule="self == '' || (isURL(self) && url(self).getScheme() in ['http', 'https'] && url(self).getHostname() != '')",message="url must be an http or https URL with a host"
	URL string `json:"url,omitempty"`

	// ID is the image ID reported by the registry or the build.
	// +optional
	// +kubebuilder:validation:MaxLength=256
	ID string `json:"ID,omitempty"`

	// arch is the CPU architecture the image is built for, such as amd64.
	// +optional
	// +kubebuilder:validation:MaxLength=64
	Arch string `json:"arch,omitempty"`

	// size is the image size in bytes.
	// +optional
	// +kubebuilder:validation:Minimum=0
	Size int64 `json:"size,omitempty"`

	// creatTime is when the tag was built or pushed. The tag list of a
	// repository is ordered by it, newest first.
	// +optional
	CreatTime *metav1.Time `json:"creatTime,omitempty"`
}

// ImageStatus is the state the controller observed for an Image.
type ImageStatus struct {
	// conditions describe the image's state. A Duplicate condition with
	// status True means an older Image has the same spec.name and is used
	// in its place.
	// +optional
	// +listType=map
	// +listMapKey=type
	// +kubebuilder:validation:MaxItems=8
	Conditions []metav1.Condition `json:"conditions,omitempty"`
}

// Image is one tag of an image in the catalog, such as
// labring/cert-manager:v1.8.0.
//
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:scope=Cluster,shortName=img
// +kubebuilder:printcolumn:name="Image",type=string,JSONPath=`.spec.name`
// +kubebuilder:printcolumn:name="Created",type=string,JSONPath=`.spec.detail.creatTime`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type Image struct {
	metav1.TypeMeta `json:",inline"`
	// +optional
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// spec is the image tag and its catalog information.
	// +required
	Spec ImageSpec `json:"spec"`

	// status is written by the controller.
	// +optional
	Status ImageStatus `json:"status,omitempty"`
}

// ImageList is a list of Image objects.
//
// +kubebuilder:object:root=true
type ImageList struct {
	metav1.TypeMeta `json:",inline"`
	// +optional
	metav1.ListMeta `json:"metadata,omitempty"`
	// items are the Images.
	Items []Image `json:"items"`
}
