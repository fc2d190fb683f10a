// The graph as DOT: plain for `taskfs graph` and graph.dot, and filled by the
// state of each task's default result for graph.svg. Pure: catalogs by hand.
#include "engine/reports.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

namespace taskfs {
namespace {

Catalog three_tasks() {
  std::vector<TaskInfo> tasks(3);
  tasks[0].name = "load";
  tasks[1].name = "fit";
  tasks[1].inputs = {"load"};
  tasks[2].name = "report";
  tasks[2].inputs = {"fit"};
  tasks[2].nocache = true;
  return Catalog(std::move(tasks));
}

TEST(ReportsTest, StateGraphFillsEachTaskByTheStateOfItsDefaultResult) {
  Catalog catalog = three_tasks();
  std::string dot =
      state_graph_report(catalog, {ResultState::Cached, ResultState::Running, ResultState::Failed});
  EXPECT_NE(dot.find("\"load\" [fillcolor=palegreen"), std::string::npos) << dot;
  EXPECT_NE(dot.find("\"fit\" [fillcolor=gold"), std::string::npos) << dot;
  EXPECT_NE(dot.find("\"report\" [style=\"filled,dashed\", fillcolor=salmon"), std::string::npos)
      << dot;
  EXPECT_NE(dot.find("\"load\" -> \"fit\";"), std::string::npos) << dot;
  EXPECT_NE(dot.find("label=\"default results: palegreen cached, white missing, gold running, "
                     "salmon failed, lightblue nocache\""),
            std::string::npos)
      << dot;
}

TEST(ReportsTest, PlainGraphHasNoColors) {
  std::string dot = graph_report(three_tasks());
  EXPECT_EQ(dot,
            "digraph taskfs {\n  rankdir=LR;\n  node [shape=box];\n"
            "  \"load\";\n"
            "  \"fit\";\n  \"load\" -> \"fit\";\n"
            "  \"report\" [style=dashed];\n  \"fit\" -> \"report\";\n}\n");
}

TEST(ReportsTest, StateGraphWantsOneStatePerTask) {
  EXPECT_THROW(state_graph_report(three_tasks(), {ResultState::Cached}), std::invalid_argument);
}

}  // namespace
}  // namespace taskfs
