#include "engine/engine.hpp"

#include <signal.h>

#include <algorithm>
#include <chrono>
#include <future>
#include <set>
#include <thread>
#include <utility>

#include "clock.hpp"
#include "engine/node_key.hpp"
#include "engine/release_memory.hpp"
#include "log.hpp"
#include "spec/variant.hpp"

namespace taskfs {
namespace {

constexpr std::size_t kFailuresKept = 50;
constexpr int kRecentRunsShown = 20;
// Resolved paths kept, and their plans' nodes: many variants of a large graph
// would otherwise keep a plan each (a 100,000-node plan takes some 10 MiB).
constexpr std::size_t kResolvedKept = 4096;
constexpr std::size_t kResolvedNodesKept = 250'000;
// Hashing is mostly waiting on the disk: two threads overlap two files.
constexpr int kHashingThreads = 2;

exec::WorkerConfig worker_config(const EngineOptions& o) {
  return {o.worker_executable.empty() ? exec::default_worker_executable() : o.worker_executable,
          std::filesystem::absolute(o.library).string(),
          std::filesystem::absolute(o.store_dir).string(),
          std::filesystem::absolute(o.project_root).string(), o.log_fd};
}

int pool_size(int jobs) {
  if (jobs > 0) return jobs;
  return std::max(1u, std::thread::hardware_concurrency());
}

}  // namespace

std::string_view state_name(ResultState state) {
  switch (state) {
    case ResultState::Cached:
      return "cached";
    case ResultState::Missing:
      return "missing";
    case ResultState::Running:
      return "running";
    case ResultState::Failed:
      return "failed";
    case ResultState::Nocache:
      return "nocache";
  }
  return "unknown";
}

Engine::Engine(EngineOptions options)
    : options_(std::move(options)),
      worker_config_(worker_config(options_)),
      store_(options_.store_dir),
      task_logs_(store_.dir_fd()),
      digests_(options_.project_root, options_.allowed_paths, options_.watch_input_files),
      hashing_(kHashingThreads) {
  // A worker that dies makes writes to its pipe fail with EPIPE, not kill us.
  ::signal(SIGPIPE, SIG_IGN);
  pool_ =
      std::make_unique<exec::WorkerPool>(worker_config_, pool_size(options_.jobs),
                                         exec::RunLogging{&task_logs_, options_.task_log_max_size});
  digests_.preload(store_.load_file_digests());
  library_ = std::make_unique<LibraryWatch>(
      worker_config_.library, [this](const FileStamp& stamp, std::uint64_t generation) {
        return load_catalog(stamp, generation);
      });
  if (!options_.remote.empty()) {
    remote::RemoteOptions remote;
    remote.conninfo = options_.remote;
    // Uploads wait while tasks run or wait for a worker: a reader waiting on
    // a computation never shares the machine with an upload. (remote_ goes
    // before pool_: the uploader never asks a pool that is gone.)
    remote.local_work_running = [this] { return pool_->queued() > 0 || !pool_->running().empty(); };
    remote_ = std::make_unique<RemoteLevel>(remote, store_);
  }
  library_->current();
}

Engine::~Engine() { shutdown(); }

void Engine::shutdown() {
  // Hashes in progress and queued fail first: what they would have run then
  // never reaches the pool.
  digests_.stop();
  hashing_.stop();
  pool_->shutdown();
  if (remote_) remote_->stop();  // queued fetches end as misses, which the pool fails
  persist_digests();             // what lookups hashed since the last computation
  reads_.flush();
}

bool Engine::drain_uploads(std::chrono::milliseconds timeout) {
  return !remote_ || remote_->drain(timeout);
}

std::shared_ptr<const Catalog> Engine::load_catalog(const FileStamp& stamp,
                                                    std::uint64_t generation) {
  const std::string& library = worker_config_.library;
  ReleaseMemoryAfter release_memory;  // what decoding (and keeping) the catalog took
  std::shared_ptr<const Catalog> catalog;
  if (auto cached = store_.find_catalog(library, stamp.text())) {
    try {
      catalog = std::make_shared<const Catalog>(decode_tasks(*cached));
    } catch (const std::exception& e) {
      log_line("the store's copy of the catalog of " + library + " is unreadable (" + e.what() +
               "); reading the library itself");
    }
  }
  bool from_worker = !catalog;
  if (from_worker) {
    // Built (and so checked) before it is kept: a bad catalog is never cached.
    catalog = std::make_shared<const Catalog>(pool_->read_library());
    store_.save_catalog(library, stamp.text(), encode_tasks(catalog->tasks()));
  }
  release_memory.nodes = catalog->tasks().size();
  pool_->set_generation(generation, from_worker);
  // The first load is the start; a later one is a rebuild worth telling.
  if (generation > 1) {
    log_line("reloaded the rebuilt task library " + options_.library.string() + " (generation " +
             std::to_string(generation) + ")");
  }
  return catalog;
}

LoadedCatalog Engine::catalog() {
  std::string before = library_->error();
  LoadedCatalog loaded = library_->current();
  if (std::string after = library_->error(); !after.empty() && after != before) log_line(after);
  return loaded;
}

std::shared_ptr<const Request> Engine::resolve(std::string_view task, std::string_view variant) {
  LoadedCatalog loaded = catalog();
  std::string path = std::string(task) + "/" + std::string(variant);
  {
    std::lock_guard lock(mutex_);
    auto it = resolved_.find(path);
    if (it != resolved_.end() && it->second->generation == loaded.generation) return it->second;
  }
  auto request = std::make_shared<Request>();
  request->catalog = loaded.catalog;
  request->generation = loaded.generation;
  request->plan = make_plan(*loaded.catalog, task, variant);
  admit_path_inputs(request->plan, digests_);
  std::lock_guard lock(mutex_);
  if (resolved_.size() >= kResolvedKept ||
      resolved_nodes_ + request->plan.nodes.size() > kResolvedNodesKept) {
    resolved_.clear();
    resolved_nodes_ = 0;
  }
  auto& kept = resolved_[path];
  if (kept) resolved_nodes_ -= kept->plan.nodes.size();  // of an older generation
  kept = request;
  resolved_nodes_ += request->plan.nodes.size();
  return request;
}

std::shared_ptr<const Request> Engine::resolve_path(std::string_view path) {
  spec::TaskPath split = spec::split_path(path);
  return resolve(split.task, split.variant);
}

void Engine::run_once(const Hash128& key, exec::RunRequest request,
                      std::function<void(const Outcome&)> done) {
  {
    std::lock_guard lock(mutex_);
    auto [it, fresh] = flights_.try_emplace(key);
    it->second.waiters.push_back(std::move(done));
    if (!fresh) return;  // the same computation is under way: wait for it
  }
  if (!remote_ || !request.cache) return execute(key, std::move(request));
  std::string task = request.task, variant = request.variant;
  remote_->fetch(key, task, variant,
                 [this, key, request = std::move(request)](std::optional<ResultInfo> hit) mutable {
                   if (!hit) return execute(key, std::move(request));
                   Outcome outcome{true, {}, key, *hit};
                   {
                     std::lock_guard lock(mutex_);
                     known_.emplace(key, *hit);
                   }
                   finish_flight(key, outcome);
                 });
}

void Engine::execute(const Hash128& key, exec::RunRequest request) {
  std::string task = request.task;
  std::string variant = request.variant;
  bool cache = request.cache;
  std::vector<Hash128> upstream = request.upstream;
  pool_->submit(
      std::move(request), [this, key, task, variant, cache, upstream](const exec::RunReply& reply) {
        Outcome outcome;
        outcome.key = key;
        if (!reply.error.empty()) {
          outcome.error = "task '" + task + "' failed: " + reply.error;
          outcome.plan_again = reply.stale_code || reply.upstream_damaged;
          if (reply.stale_code) {
            log_line(task + "/" + variant + ": the library was rebuilt meanwhile; planning again");
          } else if (reply.upstream_damaged) {
            log_line(task + "/" + variant + ": " + reply.error + "; planning again");
            forget_known_made_of(upstream);
          } else {
            log_line(task + "/" + variant + ": " + outcome.error);
            try {
              store_.record_run(
                  {task, variant, key.hex(), reply.started, reply.seconds, false, reply.error});
            } catch (const std::exception& e) {
              log_line(std::string("cannot record the failure in the store: ") + e.what());
            }
          }
        } else {
          outcome.ok = true;
          outcome.result = reply.result;
          if (cache) {
            {
              std::lock_guard lock(mutex_);
              known_.emplace(key, outcome.result);
            }
            // The team cache does not carry a collection's elements (yet).
            if (remote_ && !reply.collection) remote_->offer(key, task, variant, outcome.result);
          }
        }
        finish_flight(key, outcome);
        // After the readers have their bytes: the store may have passed its size.
        if (outcome.ok && cache) keep_in_bounds(outcome.result, reply.collection);
      });
}

void Engine::forget_known_made_of(const std::vector<Hash128>& blobs) {
  std::lock_guard lock(mutex_);
  ++evictions_;
  std::erase_if(known_, [&](const auto& entry) {
    const ResultInfo& r = entry.second;
    return std::find(blobs.begin(), blobs.end(), r.value_hash) != blobs.end() ||
           std::find(blobs.begin(), blobs.end(), r.view_hash) != blobs.end();
  });
}

std::optional<BlobReader> Engine::open_view(const ResultInfo& result) {
  try {
    return store_.open_blob(result.view_hash, result.view_offset, result.view_size);
  } catch (const DamagedBlob& e) {
    std::vector<Hash128> forgotten = store_.forget_blob(e.hash());
    forget_known_made_of({e.hash()});
    forget_known(forgotten);  // a collection whose element it was
    log_line(std::string(e.what()) + ": forgot " + std::to_string(forgotten.size()) +
             " result(s) made of it; the next read computes them again");
    return std::nullopt;
  }
}

void Engine::finish_flight(const Hash128& key, const Outcome& outcome) {
  std::vector<std::function<void(const Outcome&)>> waiters;
  {
    std::lock_guard lock(mutex_);
    auto it = flights_.find(key);
    waiters = std::move(it->second.waiters);
    flights_.erase(it);
    // A fan-in of 100,000 tasks had as many flights at once: erasing them
    // leaves their buckets allocated.
    constexpr std::size_t kBucketsKept = 1024;
    if (flights_.empty() && flights_.bucket_count() > kBucketsKept) flights_ = {};
  }
  for (auto& w : waiters) w(outcome);
}

void Engine::remember(const std::string& path, const Outcome& outcome) {
  std::lock_guard lock(mutex_);
  if (outcome.ok) {
    failed_.erase(path);
    return;
  }
  failed_[path] = outcome.error;
  failures_.push_front({path, outcome.error, epoch_seconds()});
  if (failures_.size() > kFailuresKept) failures_.pop_back();
}

void Engine::persist_digests() {
  std::vector<FileDigest> fresh = digests_.take_new();
  if (fresh.empty()) return;
  try {
    store_.save_file_digests(fresh);
  } catch (const std::exception& e) {
    log_line(std::string("cannot keep input file digests in the store: ") + e.what());
  }
}

std::size_t Engine::cancel(const Request& request) {
  std::set<std::pair<std::string, std::string>> nodes;
  for (const PlanNode& node : request.plan.nodes) nodes.emplace(node.task->name, node.variant);
  std::size_t stopped = pool_->cancel([&](const std::string& task, const std::string& variant) {
    return nodes.contains({task, variant});
  });
  if (stopped > 0) {
    log_line(request.plan.canonical_path() + ": cancelled " + std::to_string(stopped) +
             " computation(s)");
  }
  return stopped;
}

Outcome Engine::compute_blocking(std::shared_ptr<const Request> request, TargetPart part) {
  auto promise = std::make_shared<std::promise<Outcome>>();
  auto future = promise->get_future();
  compute_part(std::move(request), std::move(part),
               [promise](const Outcome& o) { promise->set_value(o); });
  return future.get();
}

std::optional<CollectionInfo> Engine::collection_of(const ResultInfo& result) {
  return store_.find_collection(result.value_hash);
}

std::optional<ElementInfo> Engine::find_element(const CollectionInfo& collection,
                                                std::string_view name) {
  return store_.find_element(collection, name);
}

std::vector<ElementInfo> Engine::elements(const CollectionInfo& collection, std::uint64_t from,
                                          std::size_t limit) {
  return store_.elements(collection, from, limit);
}

std::vector<std::string> Engine::cached_variants(const std::string& task) {
  std::vector<std::string> variants{std::string(spec::kDefaultVariant)};
  for (auto& v : store_.variants(task)) {
    if (v != spec::kDefaultVariant) variants.push_back(std::move(v));
  }
  std::sort(variants.begin() + 1, variants.end(),
            [](const std::string& a, const std::string& b) { return spec::natural_less(a, b); });
  return variants;
}

void Engine::clean_store() {
  if (std::size_t removed = store_.remove_stale_temp_files(); removed > 0) {
    log_line("removed " + std::to_string(removed) +
             " temporary file(s) left in the store's tmp/ by killed processes");
  }
}

EngineStatus Engine::status() {
  catalog();  // a rebuilt library is noticed here too
  EngineStatus s;
  s.running = pool_->running();
  s.queued = pool_->queued();
  s.nodes_planned = nodes_planned_;
  s.nodes_done = nodes_done_;
  s.library = options_.library.string();
  s.library_error = library_->error();
  s.library_loaded_at = library_->loaded_at();
  s.recent_runs = store_.recent_runs(kRecentRunsShown);
  if (remote_) s.remote = remote_->status();
  std::lock_guard lock(mutex_);
  s.failures.assign(failures_.begin(), failures_.end());
  return s;
}

}  // namespace taskfs
