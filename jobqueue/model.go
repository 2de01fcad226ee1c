package jobqueue

import (
	"github.com/hearth-go/hearth/gateway"
	"github.com/hearth-go/hearth/internal/namespace"
)

// Job is a job in a user's queue (GS2's Job).
type Job struct {
	// JobID is the job's GRN,
	// grn:gs2:{region}:{owner}:queue:{ns}:user:{userId}:job:{name}.
	JobID string `json:"jobId"`
	// Name is the job's unique name, a UUID given at push.
	Name string `json:"name"`
	// UserID is the user whose queue holds the job.
	UserID string `json:"userId"`
	// ScriptID names the Handler that runs the job.
	ScriptID string `json:"scriptId"`
	// Args is the JSON argument handed to the handler.
	Args string `json:"args"`
	// CurrentRetryCount is the number of attempts made so far; the next
	// attempt's try number.
	CurrentRetryCount int `json:"currentRetryCount"`
	// MaxTryCount is the number of attempts allowed, 1..100.
	MaxTryCount int `json:"maxTryCount"`
	// CreatedAt is when the job was pushed, Unix milliseconds.
	CreatedAt int64 `json:"createdAt"`
	// UpdatedAt is when the job last changed, Unix milliseconds.
	UpdatedAt int64 `json:"updatedAt"`
	// NotBefore, when non-zero, is the time (Unix milliseconds) before
	// which auto-run does not retry the job: the backoff after a failed
	// attempt (Config.Backoff). A Hearth addition.
	NotBefore int64 `json:"notBefore,omitempty"`
}

// JobResult is the record of one attempt at a job (GS2's JobResult). It is
// kept after the job leaves the queue, until Config.ResultRetention.
type JobResult struct {
	// JobResultID is the result's GRN: the job's GRN followed by
	// :jobResult:{tryNumber}.
	JobResultID string `json:"jobResultId"`
	// JobID is the GRN of the job.
	JobID string `json:"jobId"`
	// ScriptID is the job's script.
	ScriptID string `json:"scriptId"`
	// Args is the argument the attempt was given.
	Args string `json:"args"`
	// TryNumber numbers the attempts of a job from 0.
	TryNumber int `json:"tryNumber"`
	// StatusCode is the attempt's outcome, HTTP-like: 2xx is success.
	StatusCode int `json:"statusCode"`
	// Result is what the handler returned (or why the attempt failed).
	Result string `json:"result"`
	// TryAt is when the attempt finished, Unix milliseconds.
	TryAt int64 `json:"tryAt"`
}

// JobResultBody is the short form of a JobResult that Run returns.
type JobResultBody struct {
	// TryNumber numbers the attempts of a job from 0.
	TryNumber int `json:"tryNumber"`
	// StatusCode is the attempt's outcome; 2xx is success.
	StatusCode int `json:"statusCode"`
	// Result is what the handler returned.
	Result string `json:"result"`
	// TryAt is when the attempt finished, Unix milliseconds.
	TryAt int64 `json:"tryAt"`
}

// DeadLetterJob is a job that failed for good: its tries ran out, or an
// attempt failed with a status that is not retryable. A Hearth addition
// (GS2 drops such jobs).
type DeadLetterJob struct {
	// DeadLetterJobID is its GRN,
	// grn:gs2:{region}:{owner}:queue:{ns}:user:{userId}:dead:{name}.
	DeadLetterJobID string `json:"deadLetterJobId"`
	// Name is the name the job had in the queue.
	Name string `json:"name"`
	// UserID is the user whose queue held the job.
	UserID string `json:"userId"`
	// ScriptID, Args and MaxTryCount are the job's.
	ScriptID    string `json:"scriptId"`
	Args        string `json:"args"`
	MaxTryCount int    `json:"maxTryCount"`
	// Results are every attempt's result, oldest first.
	Results []JobResultBody `json:"results"`
	// CreatedAt is when the job was pushed, Unix milliseconds.
	CreatedAt int64 `json:"createdAt"`
	// DeadAt is when the job moved to the dead letters, Unix milliseconds.
	DeadAt int64 `json:"deadAt"`
}

// JobEntry is one job of a Push (GS2's JobEntry).
type JobEntry struct {
	// ScriptID names the Handler; required, at most 1,024 characters.
	ScriptID string `json:"scriptId"`
	// Args is a JSON argument, at most 131,072 characters; empty means
	// "{}".
	Args string `json:"args,omitempty"`
	// MaxTryCount is the number of attempts allowed, 0..100; 0 means 3.
	MaxTryCount int `json:"maxTryCount,omitempty"`
}

// RunResult is the answer of Run (GS2's run result).
type RunResult struct {
	// Job is the job as it was run, or nil when no job ran.
	Job *Job `json:"item,omitempty"`
	// Result is the attempt's result, or nil when no job ran.
	Result *JobResultBody `json:"result,omitempty"`
	// IsLastJob reports that no job remains in the user's queue after this
	// run (also true when the queue was empty, or the namespace runs its
	// jobs automatically).
	IsLastJob bool `json:"isLastJob"`
}

// NotificationSetting is GS2's NotificationSetting, shared with the
// gateway: which gateway namespace notifies the user, and how.
type NotificationSetting = gateway.NotificationSetting

// LogSetting is GS2's log output setting. Hearth stores and returns it and
// ships no logs.
type LogSetting = namespace.LogSetting

// TransactionSetting is GS2's transaction setting of a namespace, stored
// and returned as given; Hearth does not act on it.
type TransactionSetting = namespace.TransactionSetting

// Namespace is a JobQueue namespace.
type Namespace struct {
	// NamespaceID is its GRN, grn:gs2:{region}:{owner}:queue:{name}.
	NamespaceID string `json:"namespaceId"`
	// Name is unique in the service: 1..128 of [A-Za-z0-9_.-].
	Name string `json:"name"`
	// Description is at most 1,024 characters.
	Description string `json:"description,omitempty"`
	// TransactionSetting is stored and returned (see its doc).
	TransactionSetting *TransactionSetting `json:"transactionSetting,omitempty"`
	// EnableAutoRun makes the service's workers run pushed jobs; Run then
	// returns no job.
	EnableAutoRun bool `json:"enableAutoRun"`
	// PushNotification, if set, notifies the user of a push
	// (Gs2JobQueue:Push); only when EnableAutoRun is off.
	PushNotification *NotificationSetting `json:"pushNotification,omitempty"`
	// RunNotification, if set, notifies the user after every attempt
	// (Gs2JobQueue:RunNotification).
	RunNotification *NotificationSetting `json:"runNotification,omitempty"`
	// LogSetting is stored and returned.
	LogSetting *LogSetting `json:"logSetting,omitempty"`
	// CreatedAt and UpdatedAt are Unix milliseconds.
	CreatedAt int64 `json:"createdAt"`
	UpdatedAt int64 `json:"updatedAt"`
	// Revision is 0 at creation and grows with every update.
	Revision int64 `json:"revision"`
}
