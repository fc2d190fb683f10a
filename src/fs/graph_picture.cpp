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

// dot's layout grows worse than linearly with the graph: past this many
// tasks a read of graph.svg would hold a FUSE thread for seconds.
constexpr std::size_t kMostTasksDrawn = 1000;

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

std::string too_large_picture(std::size_t tasks) {
  return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"520\" height=\"40\">"
         "<text x=\"10\" y=\"25\">" +
         std::to_string(tasks) +
         " tasks: too many to draw here; see .taskfs/graph.dot</text></svg>\n";
}

}  // namespace

std::string graph_picture(Engine& engine) {
  auto catalog = engine.catalog().catalog;
  const auto& tasks = catalog->tasks();
  if (tasks.size() > kMostTasksDrawn) return too_large_picture(tasks.size());
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
