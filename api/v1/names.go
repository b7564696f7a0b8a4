package v1

// The name types below carry the admission rules for image references, so
// every kind that stores one checks it the same way. The grammar is that of a
// container image reference limited to one organization and one repository
// path component: no registry host, port, digest or further path segments.
//
//   organization: lowercase letters, digits and inner '-', 1 to 63 characters
//   repository:   lowercase alphanumerics joined by '.', '_', '__' or runs of '-'
//   tag:          [A-Za-z0-9_][A-Za-z0-9._-]{0,127}

// ImageName is a tagged image reference, "org/repo:tag".
//
// +kubebuilder:validation:MinLength=1
// +kubebuilder:validation:MaxLength=255
// +kubebuilder:validation:XValidation:rule="self.matches('^[^/:@]+/[^/:@]+:[^/:@]+$')",message="must have the form org/repo:tag, without a registry host, port, digest or extra path segment"
// +kubebuilder:validation:XValidation:rule="!self.matches('^[^/:@]+/[^/:@]+:[^/:@]+$') || self.matches('^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?/')",message="organization must be 1 to 63 lowercase letters, digits or inner '-'"
// +kubebuilder:validation:XValidation:rule="!self.matches('^[^/:@]+/[^/:@]+:[^/:@]+$') || self.matches('/[a-z0-9]+(([._]|__|-+)[a-z0-9]+)*:')",message="repository must be lowercase letters and digits separated by '.', '_', '__' or '-'"
// +kubebuilder:validation:XValidation:rule="!self.matches('^[^/:@]+/[^/:@]+:[^/:@]+$') || self.matches(':[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$')",message="tag must be 1 to 128 letters, digits, '_', '.' or '-', and must not start with '.' or '-'"
type ImageName string

// RepositoryName is an untagged image reference, "org/repo". Its limit of
// 253 characters fits the org/repo part of any ImageName.
//
// +kubebuilder:validation:MinLength=1
// +kubebuilder:validation:MaxLength=253
// +kubebuilder:validation:XValidation:rule="self.matches('^[^/:@]+/[^/:@]+$')",message="must have the form org/repo, without a tag, registry host, port, digest or extra path segment"
// +kubebuilder:validation:XValidation:rule="!self.matches('^[^/:@]+/[^/:@]+$') || self.matches('^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?/')",message="organization must be 1 to 63 lowercase letters, digits or inner '-'"
// +kubebuilder:validation:XValidation:rule="!self.matches('^[^/:@]+/[^/:@]+$') || self.matches('/[a-z0-9]+(([._]|__|-+)[a-z0-9]+)*$')",message="repository must be lowercase letters and digits separated by '.', '_', '__' or '-'"
type RepositoryName string

// ImageReference is either a tagged image, "org/repo:tag", or a repository,
// "org/repo", which stands for the repository's latest tag.
//
// +kubebuilder:validation:MinLength=1
// +kubebuilder:validation:MaxLength=255
// +kubebuilder:validation:XValidation:rule="self.matches('^[^/:@]+/[^/:@]+(:[^/:@]+)?$')",message="must have the form org/repo or org/repo:tag, without a registry host, port, digest or extra path segment"
// +kubebuilder:validation:XValidation:rule="!self.matches('^[^/:@]+/[^/:@]+(:[^/:@]+)?$') || self.matches('^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?/')",message="organization must be 1 to 63 lowercase letters, digits or inner '-'"
// +kubebuilder:validation:XValidation:rule="!self.matches('^[^/:@]+/[^/:@]+(:[^/:@]+)?$') || self.matches('/[a-z0-9]+(([._]|__|-+)[a-z0-9]+)*(:|$)')",message="repository must be lowercase letters and digits separated by '.', '_', '__' or '-'"
// +kubebuilder:validation:XValidation:rule="!self.matches('^[^/:@]+/[^/:@]+:[^/:@]+$') || self.matches(':[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$')",message="tag must be 1 to 128 letters, digits, '_', '.' or '-', and must not start with '.' or '-'"
type ImageReference string

// OrganizationName is the name of an organization, the first component of an
// image reference.
//
// +kubebuilder:validation:MinLength=1
// +kubebuilder:validation:MaxLength=63
// +kubebuilder:validation:XValidation:rule="self.matches('^[a-z0-9]([a-z0-9-]*[a-z0-9])?$')",message="organization must be 1 to 63 lowercase letters, digits or inner '-'"
type OrganizationName string
