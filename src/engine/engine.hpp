// The engine facade: the one thing both front ends (the FUSE daemon and the
// CLI) talk to. It turns a path into a plan, checks what is cached, and runs
// what is missing in worker processes, in parallel, never twice at once.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "engine/hashing_threads.hpp"
#include "engine/library_watch.hpp"
#include "engine/node_key.hpp"
#include "engine/options.hpp"
#include "engine/pins.hpp"
#include "engine/read_log.hpp"
#include "engine/remote_level.hpp"
#include "exec/worker_pool.hpp"
#include "graph/plan.hpp"
#include "key/file_digest.hpp"
#include "store/store.hpp"
#include "store/task_log.hpp"

namespace taskfs {

// What a probe found of a plan whose target is cached, trusted by the next
// probes of the same request while nothing it was made of changed (engine/probe.cpp).
struct CachedPlan;

// A path resolved against one catalog, which it keeps alive.
struct Request {
  std::shared_ptr<const Catalog> catalog;
  std::uint64_t generation = 0;
  Plan plan;
  // Set by the probe that last found the target cached; guarded by the
  // engine's mutex (a request is shared by every reader of its path).
  mutable std::shared_ptr<const CachedPlan> cached;
};

enum class ResultState { Cached, Missing, Running, Failed, Nocache };

// The name of a state as xattrs and status show it.
std::string_view state_name(ResultState state);

// What is known about a path without computing anything.
struct Probe {
  ResultState state = ResultState::Missing;
  std::optional<Hash128> key;        // known when every upstream result is cached
  std::optional<ResultInfo> result;  // when cached
  std::string error;                 // when failed
};

// The end of a computation.
struct Outcome {
  bool ok = false;
  std::string error;  // "task 'x' failed: ..." when not ok
  Hash128 key;
  ResultInfo result{};
  // Failed only because what it was planned against changed meanwhile (a
  // rebuilt library, a damaged upstream result now forgotten): planned again, once.
  bool plan_again = false;
  // Engine::compute_element: the source has no element of that name.
  bool no_element = false;
  // Engine::compute_names: the names of the elements, in order.
  std::vector<std::string> names{};
};

// What a computation makes of its target (SPEC 6): the whole result, or of an
// .each task one element only, or its elements' names only.
struct TargetPart {
  enum class Kind { Whole, Element, Names };
  Kind kind = Kind::Whole;
  std::string element;  // Kind::Element: its name
};

// How many elements of an .each result are cached, of how many.
struct EachProgress {
  std::size_t cached = 0;
  std::size_t total = 0;
};

// A recent failure, for .taskfs/status and `taskfs status`.
struct Failure {
  std::string path;
  std::string error;
  double when = 0;
};

struct EngineStatus {
  std::vector<exec::RunningJob> running;
  std::size_t queued = 0;
  // Plan nodes of every compute() so far, and how many of them are done
  // (served or computed): progress for `taskfs run`.
  std::size_t nodes_planned = 0;
  std::size_t nodes_done = 0;
  std::vector<Failure> failures;       // newest first
  std::vector<RunRecord> recent_runs;  // from the store, newest first
  std::string library;
  std::string library_error;
  double library_loaded_at = 0;
  std::optional<remote::RemoteStatus> remote;  // when a team cache is configured
};

class Engine {
 public:
  // Opens the store (throws StoreError) and loads the task library; a library
  // that fails to load leaves the catalog empty with status().library_error set.
  explicit Engine(EngineOptions options);
  ~Engine();
  // Stops computing: running tasks are killed, and every pending compute()
  // gets its failed Outcome before this returns. The FUSE daemon calls it while
  // its session can still answer the readers.
  void shutdown();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // The current catalog, reloaded first if the library file changed.
  LoadedCatalog catalog();
  // Resolves the variant of a task, checking the input files the path names
  // (see admit_path_inputs). Throws spec::PathError.
  std::shared_ptr<const Request> resolve(std::string_view task, std::string_view variant);
  // Resolves a path "task" or "task/variant". Throws spec::PathError.
  std::shared_ptr<const Request> resolve_path(std::string_view path);
  // What is cached, running or failed, computing nothing and writing nothing
  // (safe for lookup, getattr, getxattr). Throws when the store cannot be read.
  Probe probe(const Request& request);
  // Computes the request's target; `done` runs once, on some engine thread
  // (or at once on this one when everything is cached). A computation that
  // meets a rebuilt library is planned again against it, once.
  void compute(std::shared_ptr<const Request> request, std::function<void(const Outcome&)> done);
  // Of an .each target (SPEC 6): computes element `element` only, and what it
  // needs (the outcome's result is the element's; Outcome::no_element when
  // the source has none of that name), or the names of its elements only
  // (Outcome::names: a glob's files, an upstream collection's names).
  void compute_part(std::shared_ptr<const Request> request, TargetPart part,
                    std::function<void(const Outcome&)> done);
  // Of an .each target whose source is known without computing anything:
  // how many of its elements are cached, and the cached result of element
  // `element` (nullopt when not cached, or not known without computing).
  std::optional<EachProgress> each_progress(const Request& request);
  std::optional<ResultInfo> cached_element(const Request& request, const std::string& element);
  // Stops what computes the request's plan (`taskfs cancel`): every node
  // queued or running on a worker fails with "cancelled", and so do their
  // readers. Returns how many computations it stopped.
  std::size_t cancel(const Request& request);
  // compute_part() and wait for it.
  Outcome compute_blocking(std::shared_ptr<const Request> request, TargetPart part = {});
  // Why the request's target would run, or when it was computed (SPEC 7):
  // one line a cause, found by comparing what its key is made of now with the
  // closest cached run of the same task, upstream to the root cause. Computes
  // nothing; with Reading::Marked (the mount) it reads no input file either,
  // and names a file changed since it was last hashed as such.
  std::string why(const Request& request, Reading reading = Reading::Allowed);
  // The bytes of a result's file view; nullopt when they were damaged in the
  // store (deleted, truncated): the results made of them are then forgotten,
  // with a log line, and computing the path again makes them anew.
  std::optional<BlobReader> open_view(const ResultInfo& result);

  // Removes what killed processes left in the store (temporary files of
  // results being written); the daemon does it at mount. Logs what it removed.
  void clean_store();

  // Collections (SPEC 6), read from the store; nothing is computed.
  // The collection a result holds; nullopt when its value is not one (or its
  // elements are gone). Throws when the store cannot be read.
  std::optional<CollectionInfo> collection_of(const ResultInfo& result);
  std::optional<ElementInfo> find_element(const CollectionInfo& collection, std::string_view name);
  // Up to `limit` elements from index `from` on, in order.
  std::vector<ElementInfo> elements(const CollectionInfo& collection, std::uint64_t from,
                                    std::size_t limit);

  EngineStatus status();
  // The canonical variants of `task` with cached results: `default` first,
  // then in natural order (k:5 before k:20).
  std::vector<std::string> cached_variants(const std::string& task);
  // Waits until results computed here are uploaded to the team cache, or
  // `timeout` passed; true when nothing is left (or there is no team cache).
  bool drain_uploads(std::chrono::milliseconds timeout);

  // --- keeping the store in bounds (SPEC 7, store_keeping.cpp)
  // Keeps a result's bytes from eviction while the pin lives (an open file).
  PinTable::Pin pin(const ResultInfo& result) { return pins_.pin(result); }
  // A reader opened the cached result `key`: counted for why and for eviction.
  void note_read(const Hash128& key) { reads_.note(key); }
  // How often `key` was read since it was stored, and when last.
  ReadCount reads_of(const Hash128& key);
  // Evicts least recently read results until the store holds at most
  // `max_bytes` (nullopt: the store_max_size option), never a result being
  // read, computed, or fed to a running computation. Throws
  // std::invalid_argument when no size is given either way.
  Eviction collect(std::optional<std::uint64_t> max_bytes);
  // Forgets the cached result of `request` (taskfs rm): the next read
  // recomputes it. Throws std::runtime_error when it is not cached.
  Eviction forget(const Request& request);

  // What tasks printed: the latest run's output per task and variant (SPEC 7).
  const TaskLogs& task_logs() const { return task_logs_; }

  // The store directory and the task library this engine serves, as absolute
  // paths: how `taskfs run` tells that a mounted daemon serves its project.
  const std::string& store_dir() const { return worker_config_.store_dir; }
  const std::string& library() const { return worker_config_.library; }

  // For tests only: the store, to count runs.
  Store& store() { return store_; }

 private:
  struct Computation;
  // compute() without the retry.
  void compute_once(std::shared_ptr<const Request> request, const TargetPart& part,
                    std::function<void(const Outcome&)> done);
  struct Flight {
    std::vector<std::function<void(const Outcome&)>> waiters;
  };

  // `i` below is the index of a node in the computation's plan.
  // Works out a node's key once its inputs are done, then serves or runs it.
  void advance(const std::shared_ptr<Computation>& c, std::size_t i);
  // The node's key, made with `reading`. With Reading::KnownOnly, a node
  // whose input files must be read is handed to the hashing threads, which go
  // on with it: nullopt. Also nullopt after failing the computation (an
  // unreadable or refused input).
  std::optional<NodeKey> key_of(const std::shared_ptr<Computation>& c, std::size_t i,
                                Reading reading);
  // With `missing`, the store was just asked for the key (prefetch) and
  // had none: it is not asked again.
  void continue_with_key(const std::shared_ptr<Computation>& c, std::size_t i, NodeKey nk,
                         bool missing = false);
  // What a worker needs to run the node under key `nk`.
  exec::RunRequest run_request(const PlanNode& node, NodeKey nk) const;
  // --- .each nodes (SPEC 6, engine/each_run.cpp)
  struct EachRun;
  // Node `i`, an .each task whose whole result `whole` is not cached: its
  // elements are served or run, each under its own key, in parallel, then
  // sealed into the collection that is the node's result.
  void run_each(const std::shared_ptr<Computation>& c, std::size_t i, NodeKey whole);
  // The elements of an upstream collection (the result `upstream`), read
  // from the store. Throws when they are gone.
  std::vector<EachElement> upstream_elements(const ResultInfo& upstream);
  void each_element_done(const std::shared_ptr<EachRun>& run, std::size_t k,
                         const Outcome& outcome);
  // The request's first upstream value is element `element` of the
  // collection `source`: when it is kept in its row (not in blobs, where the
  // worker reads upstream values), its value travels in the request.
  void pass_inline_element(exec::RunRequest& run, const Hash128& source,
                           const EachElement& element);
  // Why the element `element`, a listed file that does not exist, cannot run.
  static std::string no_such_file(const PlanNode& node, const EachElement& element);
  // Every element is there: the collection of them is stored as the result.
  void seal_each(const std::shared_ptr<EachRun>& run);
  // Node `i`, the .each target of a computation of one element or of the
  // names only (engine/each_part.cpp).
  void run_part(const std::shared_ptr<Computation>& c, std::size_t i, NodeKey whole);
  // The element named `name` of an upstream collection; nullopt when it has none.
  std::optional<EachElement> upstream_element(const Hash128& upstream, const std::string& name);
  // The file of element `element` of an .each task over files; nullopt when
  // its source has none of that name (or its list file is not read yet).
  std::optional<std::string> file_element_path(const TaskInfo& task, const std::string& element);
  // The whole key of an .each target, known without computing anything, with
  // the source's elements (or, without `elements`, made without its glob and
  // with no elements); nullopt when some of it is not cached.
  std::optional<NodeKey> cached_source(const Request& request, bool elements);
  // Looks many keys up in the store in one go (one read transaction, rather
  // than one per key: a cold fan-in has thousands), remembering what it
  // finds; returns the keys the store had none for.
  std::unordered_set<Hash128> prefetch(const std::vector<Hash128>& keys);
  void node_done(const std::shared_ptr<Computation>& c, std::size_t i, const Outcome& outcome);
  std::optional<ResultInfo> lookup(const Hash128& key);
  // What is cached of a plan, computing nothing: each node's key where every
  // upstream result is cached (an unreadable input file leaves it unset and
  // says why in key_error; a file that `reading` may not read leaves it unset
  // too), and its result where the store has it. What probe and why both
  // start from.
  struct CachedWalk {
    std::vector<std::optional<NodeKey>> keys;
    std::vector<std::optional<ResultInfo>> results;
    std::vector<std::string> key_error;
  };
  // With `target_source` false, an .each target's key is made without its
  // glob (see node_key).
  CachedWalk walk_cached(const Plan& plan, Reading reading, bool target_source = true);
  // The probe of a request whose target an earlier probe found cached, when
  // none of what that was made of changed since: no result forgotten, and the
  // nodes with input files keyed again to the same keys. nullopt otherwise.
  std::optional<Probe> probe_again(const Request& request);
  // Keeps what a walk that found the request's target cached knew, for
  // probe_again; `evictions` is evictions_ when the walk began.
  void remember_cached(const Request& request, const CachedWalk& walk, std::uint64_t evictions);
  void run_once(const Hash128& key, exec::RunRequest request,
                std::function<void(const Outcome&)> done);
  // Runs a task whose result neither store has. REQUIRES: its flight exists.
  void execute(const Hash128& key, exec::RunRequest request);
  void finish_flight(const Hash128& key, const Outcome& outcome);
  // Drops the known results whose value or view is one of `blobs` (forgotten
  // by the store as damaged).
  void forget_known_made_of(const std::vector<Hash128>& blobs);
  struct WhyWalk;
  // Why node `i` of a why-walk is not cached (lines indented by `depth`).
  void explain_missing(WhyWalk& walk, std::size_t i, int depth);
  // Why the result of node `i` differs from the one with content `then` that
  // a cached run used.
  std::string explain_change(WhyWalk& walk, std::size_t i, const std::string& then);
  void remember(const std::string& path, const Outcome& outcome);
  // Keeps newly hashed input files in the store, for the next process.
  void persist_digests();
  // LibraryWatch's loader: the store's copy of the catalog when the library
  // is unchanged, else what a fresh worker reads; the pool then moves on.
  std::shared_ptr<const Catalog> load_catalog(const FileStamp& stamp, std::uint64_t generation);
  // After a result (a collection's, when `collection`) was stored: evicts
  // when the store passed store_max_size.
  void keep_in_bounds(const ResultInfo& stored, bool collection);
  // REQUIRES: keeping_mutex_ held.
  Eviction evict_locked(std::uint64_t max_bytes);
  // Forgets what the engine remembers of results no longer stored.
  void forget_known(const std::vector<Hash128>& keys);

  EngineOptions options_;
  exec::WorkerConfig worker_config_;
  Store store_;
  TaskLogs task_logs_;
  FileDigests digests_;
  std::unique_ptr<exec::WorkerPool> pool_;
  std::unique_ptr<LibraryWatch> library_;
  std::unique_ptr<RemoteLevel> remote_;  // null without a team cache
  PinTable pins_;
  ReadLog reads_{store_};
  std::mutex keeping_mutex_;  // one eviction at a time
  // The store's size when last measured, and what was stored since (an
  // estimate: blobs two results share count twice until the next measure).
  std::optional<std::uint64_t> measured_bytes_;  // keeping_mutex_
  std::atomic<std::uint64_t> unmeasured_bytes_{0};
  HashingThreads hashing_;

  std::mutex mutex_;
  std::unordered_map<Hash128, Flight> flights_;          // by cache key
  std::unordered_map<Hash128, ResultInfo> known_;        // results seen, by cache key
  std::unordered_map<std::string, std::string> failed_;  // last error, by canonical path
  // Paths already resolved against the current catalog, as spelled by readers.
  std::unordered_map<std::string, std::shared_ptr<const Request>> resolved_;
  std::size_t resolved_nodes_ = 0;  // in their plans
  std::deque<Failure> failures_;
  std::atomic<std::size_t> nodes_planned_{0};
  std::atomic<std::size_t> nodes_done_{0};
  // Evictions and results forgotten as damaged so far: a lookup that began
  // before one does not remember what it found, which may be gone, and a
  // request's CachedPlan from before one is not trusted.
  std::uint64_t evictions_ = 0;
};

}  // namespace taskfs
