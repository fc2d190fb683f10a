#include "fs/graph_picture.hpp"

#include <graphviz/cgraph.h>
#include <graphviz/gvc.h>

#include <memory>
#include <mutex>
#include <stdexcept>
#include <vector>

#include "engine/reports.hpp"

namespace taskfs::fs {
namespace {

// dot's layout grows worse than linearly with the graph, and with the edges
// most of all: on the 2-core development machine a 1000-task fan-in takes
// 0.5 s, but 300 tasks with 3 random inputs each take 4 s (1000 such tasks:
// 84 s). Past these a read of graph.svg would hold a FUSE thread too long.
constexpr std::size_t kMostTasksDrawn = 500;
constexpr std::size_t kMostInputsDrawn = 500;

struct FreeContext {
  void operator()(GVC_t* gvc) const { gvFreeContext(gvc); }
};
struct CloseGraph {
  void operator()(Agraph_t* graph) const { agclose(graph); }
};
struct FreeRenderData {
  void operator()(char* data) const { gvFreeRenderData(data); }
};

// Lays `dot` out and renders it as SVG. Graphviz keeps global state and is not
// safe to call from two threads at once: the caller holds the lock.
std::string svg_of(GVC_t* gvc, const std::string& dot) {
  std::unique_ptr<Agraph_t, CloseGraph> graph(agmemread(dot.c_str()));
  if (!graph) throw std::runtime_error("graphviz could not read the task graph");
  if (gvLayout(gvc, graph.get(), "dot") != 0) {
    throw std::runtime_error("graphviz could not lay out the task graph");
  }
  char* data = nullptr;
  unsigned int size = 0;
  int rendered = gvRenderData(gvc, graph.get(), "svg", &data, &size);
  std::unique_ptr<char, FreeRenderData> owned(data);
  gvFreeLayout(gvc, graph.get());
  if (rendered != 0 || !data) throw std::runtime_error("graphviz could not render SVG");
  return std::string(data, size);
}

std::string too_large_picture(std::size_t tasks, std::size_t inputs) {
  return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"640\" height=\"40\">"
         "<text x=\"10\" y=\"25\">" +
         std::to_string(tasks) + " tasks with " + std::to_string(inputs) +
         " inputs: too many to draw quickly; see .taskfs/graph.dot</text></svg>\n";
}

}  // namespace

std::string graph_picture(Engine& engine) {
  auto catalog = engine.catalog().catalog;
  const auto& tasks = catalog->tasks();
  std::size_t inputs = 0;
  for (const auto& t : tasks) inputs += t.inputs.size();
  if (tasks.size() > kMostTasksDrawn || inputs > kMostInputsDrawn) {
    return too_large_picture(tasks.size(), inputs);
  }
  std::vector<ResultState> states;
  for (const auto& t : tasks) {
    states.push_back(engine.probe(*engine.resolve(t.name, "default")).state);
  }
  std::string dot = state_graph_report(*catalog, states);
  static std::mutex graphviz;
  std::lock_guard lock(graphviz);
  // One context for the daemon's life: it loads Graphviz's plugin list once.
  static std::unique_ptr<GVC_t, FreeContext> gvc(gvContext());
  if (!gvc) throw std::runtime_error("graphviz could not start");
  return svg_of(gvc.get(), dot);
}

}  // namespace taskfs::fs
