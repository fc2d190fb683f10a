// libtaskfs-graphviz.so: Graphviz drawing the task graph for
// mnt/.taskfs/graph.svg, loaded by the daemon on the first read of it
// (fs/graph_picture.cpp; sys/module.hpp says why it is a module).
#include <graphviz/cgraph.h>
#include <graphviz/gvc.h>

#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>

namespace {

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

}  // namespace

// Lays `dot` out and renders it as SVG; throws std::runtime_error when
// Graphviz fails.
extern "C" std::string taskfs_render_svg(const std::string& dot) {
  static std::mutex graphviz;
  std::lock_guard lock(graphviz);
  // One context for the daemon's life: it loads Graphviz's plugin list once.
  static std::unique_ptr<GVC_t, FreeContext> gvc(gvContext());
  if (!gvc) throw std::runtime_error("graphviz could not start");
  return svg_of(gvc.get(), dot);
}
