package jobqueue

import (
	"encoding/binary"
	"encoding/json"
	"fmt"

	"github.com/hearth-go/hearth/internal/codec"
	"github.com/hearth-go/hearth/internal/keys"
)

// Stored forms. The hot records (queue head, job, result) use a compact
// binary encoding: a version byte, then varints and length-prefixed
// strings in a fixed order. Dead letters, written once, are JSON.
const recordVersion byte = 1

// errCorrupt matches every record that does not decode.
var errCorrupt = codec.ErrCorrupt

// meta is the head of a user's queue.
type meta struct {
	next    uint64 // seq of the next pushed job
	n       int64  // jobs in the queue
	running string // name of the job whose attempt is in flight, or ""
	runTry  int    // its try number
	runAt   int64  // when the attempt started, Unix ms
	runSeq  uint64 // its seq
	// head is at most the seq of the first job: the head job is found by
	// a scan that starts there, so it never walks over the deleted keys of
	// the jobs that ran before (on Badger, tombstones cost a seek each).
	head uint64
}

// idle reports whether the head can be deleted: no job, no attempt.
func (m meta) idle() bool { return m.n == 0 && m.running == "" }

func (m meta) appendTo(b []byte) []byte {
	b = append(b, recordVersion)
	b = binary.AppendUvarint(b, m.next)
	b = binary.AppendVarint(b, m.n)
	b = codec.AppendStr(b, m.running)
	b = binary.AppendVarint(b, int64(m.runTry))
	b = binary.AppendVarint(b, m.runAt)
	b = binary.AppendUvarint(b, m.runSeq)
	return binary.AppendUvarint(b, m.head)
}

func decodeMeta(b []byte) (meta, error) {
	r := codec.NewReader(b, recordVersion)
	m := meta{next: r.Uvarint(), n: r.Varint(), running: r.Str(), runTry: int(r.Varint()), runAt: r.Varint(),
		runSeq: r.Uvarint(), head: r.Uvarint()}
	return m, r.Done("queue head")
}

// jobRec is a queued job. Its user and namespace are in its key.
type jobRec struct {
	name      string
	scriptID  string
	args      string
	try       int // currentRetryCount
	maxTry    int
	createdAt int64
	updatedAt int64
	notBefore int64
}

func (j jobRec) appendTo(b []byte) []byte {
	b = append(b, recordVersion)
	b = codec.AppendStr(b, j.name)
	b = codec.AppendStr(b, j.scriptID)
	b = codec.AppendStr(b, j.args)
	b = binary.AppendVarint(b, int64(j.try))
	b = binary.AppendVarint(b, int64(j.maxTry))
	b = binary.AppendVarint(b, j.createdAt)
	b = binary.AppendVarint(b, j.updatedAt)
	return binary.AppendVarint(b, j.notBefore)
}

func decodeJob(b []byte) (jobRec, error) {
	r := codec.NewReader(b, recordVersion)
	j := jobRec{name: r.Str(), scriptID: r.Str(), args: r.Str(), try: int(r.Varint()), maxTry: int(r.Varint()),
		createdAt: r.Varint(), updatedAt: r.Varint(), notBefore: r.Varint()}
	return j, r.Done("job")
}

// resultRec is one attempt's result. The job's name and the try number are
// in its key.
type resultRec struct {
	scriptID string
	args     string
	status   int
	result   string
	tryAt    int64
}

func (x resultRec) appendTo(b []byte) []byte {
	b = append(b, recordVersion)
	b = codec.AppendStr(b, x.scriptID)
	b = codec.AppendStr(b, x.args)
	b = binary.AppendVarint(b, int64(x.status))
	b = codec.AppendStr(b, x.result)
	return binary.AppendVarint(b, x.tryAt)
}

func decodeResult(b []byte) (resultRec, error) {
	r := codec.NewReader(b, recordVersion)
	x := resultRec{scriptID: r.Str(), args: r.Str(), status: int(r.Varint()), result: r.Str(), tryAt: r.Varint()}
	return x, r.Done("job result")
}

// deadRec is a dead letter, stored as JSON. Its user and namespace are in
// its key.
type deadRec struct {
	Name        string          `json:"name"`
	ScriptID    string          `json:"scriptId"`
	Args        string          `json:"args"`
	MaxTryCount int             `json:"maxTryCount"`
	Results     []JobResultBody `json:"results"`
	CreatedAt   int64           `json:"createdAt"`
	DeadAt      int64           `json:"deadAt"`
}

func (d deadRec) encode() ([]byte, error) { return json.Marshal(d) }

func decodeDead(b []byte) (deadRec, error) {
	var d deadRec
	if err := json.Unmarshal(b, &d); err != nil {
		return deadRec{}, fmt.Errorf("%w: dead letter: %v", errCorrupt, err)
	}
	return d, nil
}

// parseUserKey returns the namespace and user of a key that starts with
// ("queue", kind, ns, user).
func parseUserKey(k []byte) (userKey, error) {
	d := keys.NewDecoder(k)
	var segs [4]string
	for i := range segs {
		s, err := d.Str()
		if err != nil {
			return userKey{}, err
		}
		segs[i] = s
	}
	return userKey{ns: segs[2], user: segs[3]}, nil
}

// appendSeq and decodeSeq are the stored form of a name index entry: the
// job's seq, 8 bytes big-endian.
func appendSeq(b []byte, seq uint64) []byte { return binary.BigEndian.AppendUint64(b, seq) }

func decodeSeq(b []byte) (uint64, error) {
	if len(b) != 8 {
		return 0, fmt.Errorf("%w: job name index", errCorrupt)
	}
	return binary.BigEndian.Uint64(b), nil
}

// parseSeq decodes the seq segment that ends a job key.
func parseSeq(rest []byte) (uint64, error) {
	return keys.NewDecoder(rest).Uint()
}
