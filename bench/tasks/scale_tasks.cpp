// The scale figure's graphs. bench/CMakeLists.txt copies this library under
// one name per graph, libbench_scale_<shape>_<tasks>.so, and the name says
// which graph it declares: <tasks> trivial tasks, either leaves t0..t(N-2)
// fanning in to t(N-1), which sums them (shape "fanin"), or a chain
// t0 -> t1 -> ... -> t(N-1), each adding one (shape "chain"). Either way the
// last task, t(N-1), is the one read.
#include <dlfcn.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <taskfs/taskfs.hpp>
#include <vector>

namespace tf = taskfs;

namespace {

struct Graph {
  bool chain = false;
  int tasks = 2;
};

// The graph this copy of the library declares, from its file name.
Graph graph_of_this_library() {
  Dl_info info{};
  ::dladdr(reinterpret_cast<void*>(&graph_of_this_library), &info);
  std::string name = std::filesystem::path(info.dli_fname ? info.dli_fname : "").stem();
  Graph graph;
  graph.chain = name.find("_chain_") != std::string::npos;
  if (auto underscore = name.rfind('_'); underscore != std::string::npos) {
    graph.tasks = std::max(2, std::atoi(name.c_str() + underscore + 1));
  }
  return graph;
}

std::string name(int i) { return "t" + std::to_string(i); }

std::vector<tf::Task<long>> make_graph() {
  const Graph graph = graph_of_this_library();
  std::vector<tf::Task<long>> tasks;
  tasks.reserve(graph.tasks);  // a task keeps pointers to its inputs: no reallocation
  tasks.push_back(tf::task(name(0)).param("i", 0).run(TASKFS_FN([](int i) { return long{i}; })));
  for (int i = 1; i + 1 < graph.tasks; ++i) {
    if (graph.chain) {
      tasks.push_back(
          tf::task(name(i)).input(tasks.back()).run(TASKFS_FN([](long x) { return x + 1; })));
    } else {
      tasks.push_back(
          tf::task(name(i)).param("i", i).run(TASKFS_FN([](int i) { return long{i}; })));
    }
  }
  if (graph.chain) {
    tasks.push_back(tf::task(name(graph.tasks - 1)).input(tasks.back()).run(TASKFS_FN([](long x) {
      return x + 1;
    })));
  } else {
    tasks.push_back(tf::task(name(graph.tasks - 1))
                        .inputs(tasks)
                        .run(TASKFS_FN([](const std::vector<long>& xs) {
                          long total = 0;
                          for (long x : xs) total += x;
                          return total;
                        })));
  }
  return tasks;
}

}  // namespace

const std::vector<tf::Task<long>> graph = make_graph();
