package v1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// OrganizationSpec describes an organization that owns repositories.
type OrganizationSpec struct {
	// name is the organization, the first part of org/repo:tag. It must
	// equal metadata.name.
	// +required
	Name OrganizationName `json:"name"`

	// creator is the user who created the organization.
	// +optional
	// +kubebuilder:validation:MaxLength=253
	Creator string `json:"creator,omitempty"`

	// manager lists the users who manage the organization.
	// +optional
	// +listType=set
	// +kubebuilder:validation:MaxItems=100
	// +kubebuilder:validation:items:MaxLength=253
	Manager []string `json:"manager,omitempty"`
}

// OrganizationStatus is the state the controller observed for an Organization.
type OrganizationStatus struct {
	// repos are the organization's repositories, as org/repo, sorted.
	// +optional
	// +listType=atomic
	Repos []string `json:"repos,omitempty"`
}

// Organization is an owner of image repositories, such as labring.
//
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:scope=Cluster,shortName=org
// +kubebuilder:validation:XValidation:rule="self.spec.name == self.metadata.name",message="spec.name must equal metadata.name",fieldPath=".spec.name"
// +kubebuilder:printcolumn:name="Creator",type=string,JSONPath=`.spec.creator`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type Organization struct {
	metav1.TypeMeta `json:",inline"`
	// +optional
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// spec describes the organization.
	// +required
	Spec OrganizationSpec `json:"spec"`

	// status is written by the controller.
	// +optional
	Status OrganizationStatus `json:"status,omitempty"`
}

// OrganizationList is a list of Organization objects.
//
// +kubebuilder:object:root=true
type OrganizationList struct {
	metav1.TypeMeta `json:",inline"`
	// +optional
	metav1.ListMeta `json:"metadata,omitempty"`
	// items are the Organizations.
	Items []Organization `json:"items"`
}
