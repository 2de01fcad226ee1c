package namespace

import "github.com/hearth-go/hearth/internal/validate"

// MaxGRNLen is the longest GRN a namespace setting may hold.
const MaxGRNLen = 1024

// TransactionSetting is GS2's transaction setting of a JobQueue, Gateway or
// Realtime namespace. Hearth stores and returns it and does not act on it:
// no GS2-Distributor exists in-process. Each service re-exports it.
type TransactionSetting struct {
	// EnableAutoRun runs issued transactions on the server side.
	EnableAutoRun bool `json:"enableAutoRun,omitempty"`
	// EnableAtomicCommit commits transactions atomically; only with
	// EnableAutoRun.
	EnableAtomicCommit bool `json:"enableAtomicCommit,omitempty"`
	// TransactionUseDistributor runs transactions asynchronously; only with
	// EnableAtomicCommit.
	TransactionUseDistributor bool `json:"transactionUseDistributor,omitempty"`
	// CommitScriptResultInUseDistributor commits script results
	// asynchronously; only with TransactionUseDistributor.
	CommitScriptResultInUseDistributor bool `json:"commitScriptResultInUseDistributor,omitempty"`
	// AcquireActionUseJobQueue runs acquire actions through a job queue;
	// only with EnableAtomicCommit.
	AcquireActionUseJobQueue bool `json:"acquireActionUseJobQueue,omitempty"`
	// DistributorNamespaceID is a GRN, at most 1,024 characters; empty
	// means grn:gs2:{region}:{owner}:distributor:default.
	DistributorNamespaceID string `json:"distributorNamespaceId,omitempty"`
	// QueueNamespaceID is a GRN, at most 1,024 characters; empty means
	// grn:gs2:{region}:{owner}:queue:default.
	QueueNamespaceID string `json:"queueNamespaceId,omitempty"`
}

// Validate checks t as the request field named field (e.g.
// "transactionSetting"); an error is an *errs.FieldError naming the
// subfield.
func (t TransactionSetting) Validate(field string) error {
	if err := validate.GRN(field+".distributorNamespaceId", t.DistributorNamespaceID, MaxGRNLen); err != nil {
		return err
	}
	return validate.GRN(field+".queueNamespaceId", t.QueueNamespaceID, MaxGRNLen)
}
