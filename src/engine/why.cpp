// Engine::why: what differs between a result's key now and the closest cached
// run of its task, walked upstream to the root cause. Nothing is computed:
// it starts from what walk_cached finds, as probe does.
#include <filesystem>
#include <optional>

#include "engine/engine.hpp"
#include "engine/node_key.hpp"
#include "engine/reports.hpp"
#include "engine/why_diff.hpp"

namespace taskfs {

struct Engine::WhyWalk {
  const Plan& plan;
  std::vector<std::optional<NodeKey>> keys;  // where every upstream is cached
  std::vector<std::optional<ResultInfo>> results;
  std::vector<bool> explained;  // said once; a diamond's other paths refer to it
  std::string out;
};

namespace {

void say(std::string& out, int depth, const std::string& line) {
  out += std::string(static_cast<std::size_t>(2 * depth), ' ') + line + "\n";
}

// A source file as the user knows it: from the project root when it is inside.
std::string shown_path(const std::string& file, const std::filesystem::path& root) {
  std::filesystem::path relative = std::filesystem::path(file).lexically_relative(root);
  if (relative.empty() || *relative.begin() == "..") return file;
  return relative.string();
}

}  // namespace

std::string Engine::why(const Request& request, Reading reading) {
  const Plan& plan = request.plan;
  CachedWalk cached = walk_cached(plan, reading);
  std::size_t target = plan.nodes.size() - 1;
  if (!cached.key_error[target].empty()) {
    return "cannot make its key: " + cached.key_error[target] + "\n";
  }
  WhyWalk walk{plan,
               std::move(cached.keys),
               std::move(cached.results),
               std::vector<bool>(plan.nodes.size()),
               {}};
  const PlanNode& node = plan.nodes[target];
  if (node.task->nocache) {
    // What else a read would run: the upstream results that are not cached.
    walk.out = node.task->name + " is nocache: it runs on every read\n";
    if (!walk.keys[target]) explain_missing(walk, target, 0);
    return walk.out;
  }
  if (walk.results[target]) {
    std::string line = "cached: computed " + clock_time(walk.results[target]->created);
    const Hash128& key = walk.keys[target]->key;
    if (auto run = store_.run_of(key)) {
      line += ", took " + seconds_text(run->seconds);
    } else {
      line += " (fetched, not run here)";
    }
    ReadCount reads = reads_of(key);
    if (reads.count == 0) return line + ", not read since\n";
    return line + ", read " + std::to_string(reads.count) +
           (reads.count == 1 ? " time" : " times") + " since (last " + clock_time(reads.last) +
           ")\n";
  }
  explain_missing(walk, target, 0);
  return walk.out;
}

void Engine::explain_missing(WhyWalk& walk, std::size_t i, int depth) {
  const PlanNode& node = walk.plan.nodes[i];
  const std::string& task = node.task->name;
  if (!walk.keys[i]) {
    for (std::size_t input : node.inputs) {
      if (walk.results[input]) continue;
      const PlanNode& up = walk.plan.nodes[input];
      std::string name = "upstream " + up.task->name + "/" + up.variant + " is not cached";
      if (walk.explained[input]) {
        say(walk.out, depth, name + " (see above)");
        continue;
      }
      walk.explained[input] = true;
      say(walk.out, depth, name + ":");
      explain_missing(walk, input, depth + 1);
    }
    return;
  }
  std::vector<CachedRun> runs = store_.cached_runs(task);
  KeyMaking now = making_of(node, *walk.keys[i]);
  std::vector<KeyMaking> candidates;
  for (const auto& run : runs) candidates.push_back(KeyMaking::from(run.provenance));
  std::optional<std::size_t> best = closest(now, candidates);
  if (!best) return say(walk.out, depth, task + " has no cached run to compare with");
  std::vector<KeyDifference> diffs = differences(now, candidates[*best]);
  if (diffs.empty()) {
    return say(walk.out, depth,
               task +
                   ": a run with the same inputs is recorded, but its result is not "
                   "(removed from the store?)");
  }
  for (auto& d : diffs) {
    if (d.kind == KeyDifference::Kind::Code) d.name = shown_path(d.name, options_.project_root);
    std::string line = describe(task, d);
    if (d.kind == KeyDifference::Kind::Input && !d.now.empty() && !d.then.empty()) {
      for (std::size_t input : node.inputs) {
        if (walk.plan.nodes[input].task->name == d.name) {
          line += explain_change(walk, input, d.then);
          break;
        }
      }
    }
    say(walk.out, depth, line);
  }
}

std::string Engine::explain_change(WhyWalk& walk, std::size_t i, const std::string& then) {
  const PlanNode& node = walk.plan.nodes[i];
  if (!walk.keys[i]) return "";
  KeyMaking now = making_of(node, *walk.keys[i]);
  // The upstream run whose result the cached run used.
  for (const auto& run : store_.cached_runs(node.task->name)) {
    if (run.result.value_hash.hex() != then) continue;
    std::vector<KeyDifference> diffs = differences(now, KeyMaking::from(run.provenance));
    if (diffs.empty()) return " (its result differs from the same inputs)";
    std::string because = " because ";
    for (std::size_t k = 0; k < diffs.size(); ++k) {
      auto& d = diffs[k];
      if (d.kind == KeyDifference::Kind::Code) d.name = shown_path(d.name, options_.project_root);
      if (k > 0) because += "; ";
      because += describe(node.task->name, d);
      if (d.kind == KeyDifference::Kind::Input && !d.now.empty() && !d.then.empty()) {
        for (std::size_t input : node.inputs) {
          if (walk.plan.nodes[input].task->name == d.name) {
            because += explain_change(walk, input, d.then);
            break;
          }
        }
      }
    }
    return because;
  }
  return " (the run it came from is no longer in the store)";
}

}  // namespace taskfs
