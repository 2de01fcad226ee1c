package jobqueue

import (
	"fmt"

	"github.com/hearth-go/hearth/internal/namespace"
	"github.com/hearth-go/hearth/internal/validate"
)

// Field limits of the reference (and SEMANTICS.md), in characters where
// they are lengths.
const (
	// MaxUserIDLen is the longest userId.
	MaxUserIDLen = 128
	// MaxScriptIDLen is the longest scriptId.
	MaxScriptIDLen = 1024
	// MaxArgsLen is the longest args of a pushed job.
	MaxArgsLen = 131072
	// MaxJobNameLen is the longest jobName.
	MaxJobNameLen = 36
	// MaxJobsPerPush is the most jobs one Push carries.
	MaxJobsPerPush = 10
	// MaxTryCountLimit is the largest maxTryCount.
	MaxTryCountLimit = 100
	// DefaultMaxTryCount is the maxTryCount of an entry that gives 0.
	DefaultMaxTryCount = 3
	// MaxTryNumber is the largest tryNumber a GetJobResult may ask for.
	MaxTryNumber = 10000
	// DefaultArgs are the args of an entry that gives none.
	DefaultArgs = "{}"
	// DefaultLimit is the page size of a listing that gives none.
	DefaultLimit = 30
	// MaxLimit is the largest page size.
	MaxLimit = 1000
)

func checkUser(userID string) error {
	return validate.RequiredMaxLen("userId", userID, MaxUserIDLen)
}

func checkScriptID(field, scriptID string) error {
	return validate.RequiredMaxLen(field, scriptID, MaxScriptIDLen)
}

func checkJobName(name string) error {
	return validate.RequiredMaxLen("jobName", name, MaxJobNameLen)
}

// checkUserKey validates the namespace name and user ID of a request.
func checkUserKey(u userKey) error {
	if err := namespace.ValidateName(u.ns); err != nil {
		return err
	}
	return checkUser(u.user)
}

// checkEntries validates a Push's entries.
func checkEntries(entries []JobEntry) error {
	if err := validate.MaxItems("jobs", len(entries), MaxJobsPerPush); err != nil {
		return err
	}
	for i, e := range entries {
		f := fmt.Sprintf("jobs[%d].", i)
		if err := checkScriptID(f+"scriptId", e.ScriptID); err != nil {
			return err
		}
		if err := validate.MaxLen(f+"args", e.Args, MaxArgsLen); err != nil {
			return err
		}
		if err := validate.Range(f+"maxTryCount", e.MaxTryCount, 0, MaxTryCountLimit); err != nil {
			return err
		}
	}
	return nil
}

// checkTryNumber validates an optional tryNumber.
func checkTryNumber(try *int) error {
	if try == nil {
		return nil
	}
	return validate.Range("tryNumber", *try, 0, MaxTryNumber)
}

// checkLimit validates a page size and applies the default.
func checkLimit(limit int) (int, error) {
	if limit == 0 {
		return DefaultLimit, nil
	}
	if err := validate.Range("limit", limit, 1, MaxLimit); err != nil {
		return 0, err
	}
	return limit, nil
}
