// The text both front ends show: the task listing, the graph in DOT, the status.
// One place renders each, so `taskfs ls` and mnt/.taskfs/tasks never differ.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "engine/engine.hpp"

namespace taskfs {

// A wall-clock time as reports show it: "2026-11-25 14:12:31", local time.
std::string clock_time(double when);
// A duration as reports show it: "0.407s".
std::string seconds_text(double seconds);
// Every task, its inputs, output type, and params with types and defaults.
std::string tasks_report(const Catalog& catalog);
// The task graph in Graphviz DOT, edges from input to dependent.
std::string graph_report(const Catalog& catalog);
// The same graph with each task's node filled by the state of its default
// result (`states[i]` for `catalog.tasks()[i]`) and a legend of the colors:
// what mnt/.taskfs/graph.svg draws.
std::string state_graph_report(const Catalog& catalog, const std::vector<ResultState>& states);
// What runs, what waits, what failed recently, and the library's state.
std::string status_report(const EngineStatus& status);
// The team cache: reachable or not, hits and misses, uploads.
std::string remote_report(const remote::RemoteStatus& r);
// Recent runs from the store, for `taskfs status` without a daemon.
std::string runs_report(const std::vector<RunRecord>& runs);
// The latest `limit` runs recorded in the store in `store_dir`, newest first,
// read without loading any task library. Throws StoreError.
std::vector<RunRecord> recorded_runs(const std::filesystem::path& store_dir, int limit);

// A size as reports show it: "812 B", "1.5 MiB" (powers of 1024).
std::string size_text(std::uint64_t bytes);
// What an eviction did (taskfs gc): results, bytes before and after.
std::string eviction_report(const Eviction& eviction);
// What forgetting `path` did (taskfs rm).
std::string forget_report(const std::string& path, const Eviction& eviction);
// taskfs du: one line a task, largest first, then "(total)"; sizes in bytes
// when `exact`, else human-readable.
std::string usage_report(const std::vector<TaskUsage>& usage, bool exact);

}  // namespace taskfs
