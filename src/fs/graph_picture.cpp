#include "fs/graph_picture.hpp"

#include <string>
#include <vector>

#include "engine/reports.hpp"
#include "sys/module.hpp"

namespace taskfs::fs {
namespace {

// dot's layout grows worse than linearly with the graph, and with the edges
// most of all: on the 2-core development machine a 1000-task fan-in takes
// 0.5 s, but 300 tasks with 3 random inputs each take 4 s (1000 such tasks:
// 84 s). Past these a read of graph.svg would hold a FUSE thread too long.
constexpr std::size_t kMostTasksDrawn = 500;
constexpr std::size_t kMostInputsDrawn = 500;

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
  // Graphviz is the module libtaskfs-graphviz.so (sys/module.hpp says why).
  using RenderSvg = std::string (*)(const std::string& dot);
  static const auto render_svg =
      reinterpret_cast<RenderSvg>(module_symbol("libtaskfs-graphviz.so", "taskfs_render_svg"));
  return render_svg(dot);
}

}  // namespace taskfs::fs
