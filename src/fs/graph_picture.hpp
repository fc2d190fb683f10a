// mnt/.taskfs/graph.svg: the task graph as a picture, drawn by Graphviz.
#pragma once

#include <string>

#include "engine/engine.hpp"

namespace taskfs::fs {

// The task graph as SVG, each task's box filled by the state of its default
// result (cached, missing, running, failed, nocache), as it is now. Computes
// nothing; call it on a read of graph.svg only, never from lookup or getattr:
// the layout takes time that grows with the graph. A graph too large to lay
// out quickly (over 500 tasks or 500 inputs) gets a picture that says so. Throws std::runtime_error
// when Graphviz fails.
std::string graph_picture(Engine& engine);

}  // namespace taskfs::fs
