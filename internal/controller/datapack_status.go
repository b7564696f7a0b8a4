package controller

import (
	"encoding/json"
	"fmt"
	"time"

	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	imagehubv1 "github.com/labring/imagehub/api/v1"
	"github.com/labring/imagehub/internal/pack"
)

// defaultExpireTime is used when spec.expireTime is empty, which the CRD
// default prevents unless the object was stored without the schema.
const defaultExpireTime = 2 * time.Hour

// expiresAt returns when dp is to be deleted: its creation time plus
// spec.expireTime. An expireTime that does not parse, which admission
// rejects, yields an error and the default lifetime, so that such a pack
// still expires.
func expiresAt(dp *imagehubv1.DataPack) (time.Time, error) {
	created := dp.CreationTimestamp.Time
	if dp.Spec.ExpireTime == "" {
		return created.Add(defaultExpireTime), nil
	}
	lifetime, err := time.ParseDuration(dp.Spec.ExpireTime)
	if err != nil || lifetime <= 0 {
		return created.Add(defaultExpireTime),
			fmt.Errorf("invalid spec.expireTime %q: want a positive Go duration such as 2h", dp.Spec.ExpireTime)
	}
	return created.Add(lifetime), nil
}

// answeredStatus sets status to OK with the answer.
func answeredStatus(status *imagehubv1.DataPackStatus, answer pack.Answer, generation int64) {
	status.Codes = imagehubv1.OK
	status.Datas = answer.Datas
	status.NotFound = answer.NotFound
	status.Message = ""
	status.ObservedGeneration = generation
	message := fmt.Sprintf("Found %d requested names, not found %d.", len(answer.Datas), len(answer.NotFound))
	apimeta.SetStatusCondition(&status.Conditions, metav1.Condition{
		Type:               imagehubv1.ConditionReady,
		Status:             metav1.ConditionTrue,
		Reason:             imagehubv1.ReasonAnswered,
		Message:            message,
		ObservedGeneration: generation,
	})
}

// failedStatus sets status to ERROR with message and drops any answer.
func failedStatus(status *imagehubv1.DataPackStatus, reason, message string, generation int64) {
	status.Codes = imagehubv1.ERROR
	status.Datas = nil
	status.NotFound = nil
	status.Message = message
	status.ObservedGeneration = generation
	apimeta.SetStatusCondition(&status.Conditions, metav1.Condition{
		Type:               imagehubv1.ConditionReady,
		Status:             metav1.ConditionFalse,
		Reason:             reason,
		Message:            message,
		ObservedGeneration: generation,
	})
}

// checkSize returns an error message when status serializes to more than
// maxBytes, or "" when it fits.
func checkSize(status *imagehubv1.DataPackStatus, spec imagehubv1.DataPackSpec, maxBytes int) (string, error) {
	data, err := json.Marshal(status)
	if err != nil {
		return "", fmt.Errorf("failed to serialize the status: %w", err)
	}
	if len(data) <= maxBytes {
		return "", nil
	}
	advice := "request fewer names"
	if spec.Type != imagehubv1.PackBase {
		advice = "request a coarser type than " + string(spec.Type) + " or fewer names"
	}
	return fmt.Sprintf("The answer would be %d bytes, over the controller's limit of %d bytes: %s.",
		len(data), maxBytes, advice), nil
}
