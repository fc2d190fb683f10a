// results: the report a person reads. Not cached: it is cheap to format from
// its cached inputs.
#include "pipeline.hpp"
#include "report.hpp"

namespace tf = taskfs;

const tf::Task<std::string> results =
    tf::task("results").input(train).input(evaluate).nocache().run(
        TASKFS_FN(fmnist::format_report));
