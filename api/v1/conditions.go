package v1

// Condition types.
const (
	// ConditionReady reports whether a DataPack's answer is in its status.
	ConditionReady = "Ready"
	// ConditionDuplicate is True on an Image whose spec.name is also used by
	// an older Image; the older one is used in its place.
	ConditionDuplicate = "Duplicate"
)

// Condition reasons.
const (
	// ReasonAnswered: the DataPack's answer is written (Ready=True).
	ReasonAnswered = "Answered"
	// ReasonTooLarge: the answer exceeds the controller's status size budget
	// (Ready=False).
	ReasonTooLarge = "TooLarge"
	// ReasonInvalidSpec: the spec passed admission but cannot be answered,
	// for example an expireTime that does not parse (Ready=False).
	ReasonInvalidSpec = "InvalidSpec"
	// ReasonNameInUse: an older Image has the same spec.name (Duplicate=True).
	ReasonNameInUse = "NameInUse"
	// ReasonNameUnique: no older Image has the same spec.name (Duplicate=False).
	ReasonNameUnique = "NameUnique"
)
