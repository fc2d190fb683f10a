#include "engine/reports.hpp"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <stdexcept>

#include "clock.hpp"
#include "spec/value_text.hpp"

namespace taskfs {

std::string clock_time(double when) {
  std::time_t t = static_cast<std::time_t>(when);
  std::tm local{};
  ::localtime_r(&t, &local);  // reports are made on several threads at once
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &local);
  return buf;
}

std::string seconds_text(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3fs", s);
  return buf;
}

namespace {

std::string one_line(std::string s) {
  for (char& c : s) {
    if (c == '\n') c = ' ';
  }
  return s;
}

}  // namespace

std::string tasks_report(const Catalog& catalog) {
  std::string out;
  for (const auto& t : catalog.tasks()) {
    out += t.name + (t.nocache ? "  (nocache)" : "") + "\n";
    out += "  output: " + t.output_type + "\n";
    if (!t.inputs.empty()) {
      out += "  inputs:";
      for (const auto& i : t.inputs) out += " " + i;
      out += "\n";
    }
    for (const auto& p : t.params) {
      out += "  param " + p.name + ": " + std::string(spec::type_name(p.type())) + " = " +
             spec::format_value(p.default_value) + "\n";
    }
    out += "  source: " + t.source_file + ":" + std::to_string(t.source_line) + "\n";
  }
  return out;
}

namespace {

// The color a state fills its node with in the picture.
const char* state_color(ResultState state) {
  switch (state) {
    case ResultState::Cached:
      return "palegreen";
    case ResultState::Missing:
      return "white";
    case ResultState::Running:
      return "gold";
    case ResultState::Failed:
      return "salmon";
    case ResultState::Nocache:
      return "lightblue";
  }
  return "white";
}

// The graph in DOT; with `states`, filled by state and with a legend.
std::string dot_graph(const Catalog& catalog, const std::vector<ResultState>* states) {
  std::string out = "digraph taskfs {\n  rankdir=LR;\n  node [shape=box];\n";
  if (states) {
    out += "  node [style=filled];\n  label=\"default results:";
    for (auto s : {ResultState::Cached, ResultState::Missing, ResultState::Running,
                   ResultState::Failed, ResultState::Nocache}) {
      out += std::string(" ") + state_color(s) + " " + std::string(state_name(s)) + ",";
    }
    out.back() = '"';
    out += ";\n";
  }
  const auto& tasks = catalog.tasks();
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    const TaskInfo& t = tasks[i];
    std::vector<std::string> attributes;
    if (t.nocache) attributes.push_back(states ? "style=\"filled,dashed\"" : "style=dashed");
    if (states) {
      attributes.push_back(std::string("fillcolor=") + state_color((*states)[i]));
      attributes.push_back("tooltip=\"" + t.name + ": " + std::string(state_name((*states)[i])) +
                           "\"");
    }
    out += "  \"" + t.name + "\"";
    for (std::size_t a = 0; a < attributes.size(); ++a) {
      out += (a ? ", " : " [") + attributes[a];
    }
    out += attributes.empty() ? ";\n" : "];\n";
    for (const auto& in : t.inputs) out += "  \"" + in + "\" -> \"" + t.name + "\";\n";
  }
  return out + "}\n";
}

}  // namespace

std::string graph_report(const Catalog& catalog) { return dot_graph(catalog, nullptr); }

std::string state_graph_report(const Catalog& catalog, const std::vector<ResultState>& states) {
  if (states.size() != catalog.tasks().size()) {
    throw std::invalid_argument("state_graph_report: one state per task expected");
  }
  return dot_graph(catalog, &states);
}

std::string status_report(const EngineStatus& s) {
  std::string out = "library: " + s.library;
  if (s.library_loaded_at > 0) out += " (loaded " + clock_time(s.library_loaded_at) + ")";
  out += "\n";
  if (!s.library_error.empty()) out += "library error: " + one_line(s.library_error) + "\n";
  double now = epoch_seconds();
  out += "running: " + std::to_string(s.running.size()) + "\n";
  for (const auto& r : s.running) {
    out += "  " + r.task + "/" + r.variant + "  for " + seconds_text(now - r.started) + "\n";
  }
  out += "waiting: " + std::to_string(s.queued) + "\n";
  out += "failed recently: " + std::to_string(s.failures.size()) + "\n";
  for (const auto& f : s.failures) {
    out += "  " + clock_time(f.when) + "  " + f.path + "  " + one_line(f.error) + "\n";
  }
  if (s.remote) out += remote_report(*s.remote);
  out += "recent runs:\n" + runs_report(s.recent_runs);
  return out;
}

std::string remote_report(const remote::RemoteStatus& r) {
  std::string out = "remote cache: ";
  out += r.reachable ? "reachable" : r.error.empty() ? "not asked yet" : "unreachable";
  if (!r.error.empty()) out += " (" + one_line(r.error) + ")";
  out += "\n  hits " + std::to_string(r.hits) + ", misses " + std::to_string(r.misses) +
         ", damaged " + std::to_string(r.damaged) + "\n";
  out += "  uploads: " + std::to_string(r.uploaded) + " done, " + std::to_string(r.upload_pending) +
         " pending, " + std::to_string(r.upload_failed) + " failed\n";
  return out;
}

std::string runs_report(const std::vector<RunRecord>& runs) {
  std::string out;
  for (const auto& r : runs) {
    out += "  " + clock_time(r.started) + "  " + (r.ok ? "ok    " : "FAILED") + "  " +
           seconds_text(r.seconds) + "  " + r.task + "/" + r.variant;
    if (!r.ok) out += "  " + one_line(r.error);
    out += "\n";
  }
  return out;
}

std::vector<RunRecord> recorded_runs(const std::filesystem::path& store_dir, int limit) {
  return Store(store_dir).recent_runs(limit);
}

std::string size_text(std::uint64_t bytes) {
  constexpr const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double size = static_cast<double>(bytes);
  int unit = 0;
  while (size >= 1024 && unit < 4) {
    size /= 1024;
    ++unit;
  }
  char buf[32];
  if (unit == 0) {
    std::snprintf(buf, sizeof buf, "%llu B", static_cast<unsigned long long>(bytes));
  } else {
    std::snprintf(buf, sizeof buf, "%.1f %s", size, kUnits[unit]);
  }
  return buf;
}

std::string eviction_report(const Eviction& e) {
  std::string out = "evicted " + std::to_string(e.keys.size()) +
                    (e.keys.size() == 1 ? " result" : " results") + ": the store held " +
                    size_text(e.bytes_before) + ", now " + size_text(e.bytes_after) + "\n";
  if (e.kept_in_use > 0) {
    out += "kept " + std::to_string(e.kept_in_use) + " in use (being read or computed on)\n";
  }
  if (e.orphan_files > 0) {
    out += "removed " + std::to_string(e.orphan_files) +
           " blob files no result named (left by an interrupted eviction)\n";
  }
  return out;
}

std::string forget_report(const std::string& path, const Eviction& e) {
  return "forgot " + path + ": the store held " + size_text(e.bytes_before) + ", now " +
         size_text(e.bytes_after) + "\n";
}

std::string usage_report(const std::vector<TaskUsage>& usage, bool exact) {
  auto size = [&](std::uint64_t bytes) { return exact ? std::to_string(bytes) : size_text(bytes); };
  std::uint64_t total = 0;
  std::string out;
  char line[512];
  for (const auto& u : usage) {
    total += u.bytes;
    std::string what = u.task.empty() ? "(no result: nocache outputs, freed by taskfs gc)"
                                      : u.task + " (" + std::to_string(u.results) +
                                            (u.results == 1 ? " result)" : " results)");
    std::snprintf(line, sizeof line, "%12s  %s\n", size(u.bytes).c_str(), what.c_str());
    out += line;
  }
  std::snprintf(line, sizeof line, "%12s  (total)\n", size(total).c_str());
  return out + line;
}

}  // namespace taskfs
