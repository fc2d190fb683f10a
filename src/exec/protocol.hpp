// Messages between the coordinating process and its workers, framed on pipes
// as a 4-byte length and a cereal binary body.
#pragma once

#include <cereal/archives/binary.hpp>
#include <cereal/types/string.hpp>
#include <cereal/types/variant.hpp>
#include <cereal/types/vector.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "exec/frame_archive.hpp"
#include "graph/catalog.hpp"
#include "key/hash.hpp"
#include "store/records.hpp"
#include "taskfs/value.hpp"

namespace taskfs::exec {

// A worker's descriptors: requests come in on one, replies go out on another,
// and while a task runs its stdout and stderr go to the third.
inline constexpr int kRequestFd = 3;
inline constexpr int kReplyFd = 4;
inline constexpr int kTaskOutputFd = 5;

// The worker's argument asking for its library's catalog in its first message.
inline constexpr char kSendCatalog[] = "--catalog";

// The first message a worker sends: whether its library loaded, and what the
// library declares when asked (kSendCatalog).
struct CatalogMessage {
  std::string error;  // non-empty when the library could not be loaded
  std::vector<TaskInfo> tasks;
  // What the worker writes into the output pipe after each run of a batch
  // (random bytes of its own): where one run's output ends and the next's
  // begins (see OutputSplitter).
  std::string run_end_mark;

  template <class Archive>
  void serialize(Archive& ar) {
    ar(error, tasks, run_end_mark);
  }
};

// One task to run and store the result of (a run of a RunBatch).
struct RunRequest {
  std::string task;
  Hash128 key;
  std::string fingerprint;  // the task's code fingerprint the key was made with
  std::string variant;
  bool cache = true;
  std::vector<Value> params;      // Files params with their matched paths
  std::vector<Hash128> upstream;  // content hashes, in input order
  // .each of an upstream collection whose element is small, kept in its
  // collection's row rather than in blobs (SPEC 6): its value, which the
  // task gets as its first upstream value instead of reading upstream[0].
  bool first_upstream_inline = false;
  std::string first_upstream_value;
  std::vector<Provenance> provenance;
  // Each input file and its stamp when the key was made: a file that changes
  // while the task runs must not have its result stored under that key.
  std::vector<std::string> input_files;
  std::vector<std::string> input_stamps;
  // Seconds the run may last before the coordinator kills its worker (0: no
  // limit). The coordinator's own: not sent to the worker.
  double timeout_seconds = 0;

  template <class Archive>
  void serialize(Archive& ar) {
    ar(task, key, fingerprint, variant, cache, params, upstream, first_upstream_inline,
       first_upstream_value, provenance, input_files, input_stamps);
  }
};

// How a run ended: the stored result, or why there is none.
struct RunReply {
  std::string error;        // non-empty when the task threw
  bool stale_code = false;  // the library was rebuilt since the key was made
  // An upstream result's stored bytes were damaged; the worker forgot them
  // (Store::forget_blob), so a plan made again computes them anew.
  bool upstream_damaged = false;
  ResultInfo result;                // when no error
  double started = 0, seconds = 0;  // the task's start (epoch seconds) and duration
  // The result is a collection (SPEC 6): its elements are rows of this store
  // only, so it stays out of the team cache.
  bool collection = false;

  template <class Archive>
  void serialize(Archive& ar) {
    ar(error, stale_code, upstream_damaged, result, started, seconds, collection);
  }
};

// Runs to make one after the other, in one worker (exec/worker_batch.cpp):
// their results are stored in as few transactions as the runs allow.
struct RunBatch {
  std::vector<RunRequest> runs;

  template <class Archive>
  void serialize(Archive& ar) {
    ar(runs);
  }
};

// The replies of the next runs of a batch, in order, sent once their results
// are stored (a batch's replies may come in several of these).
struct RunReplies {
  std::vector<RunReply> replies;

  template <class Archive>
  void serialize(Archive& ar) {
    ar(replies);
  }
};

// Writes one framed message; throws std::runtime_error when the pipe is closed.
void write_frame(int fd, const std::string& body);
// Reads one framed message; false on a clean end of stream. Memory grows with
// the bytes that arrive, not with the length the frame announces.
bool read_frame(int fd, std::string& body);

template <class T>
void send(int fd, const T& message) {
  std::ostringstream os;
  {
    cereal::BinaryOutputArchive ar(os);
    ar(message);
  }
  write_frame(fd, os.str());
}

// False when the other side closed the pipe. Throws cereal::Exception (a
// std::runtime_error) when the frame is not a well-formed T.
template <class T>
bool receive(int fd, T& message) {
  std::string body;
  if (!read_frame(fd, body)) return false;
  FrameInputArchive ar(body);
  ar(message);
  ar.expect_end();
  return true;
}

}  // namespace taskfs::exec
