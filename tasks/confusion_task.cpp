// confusion_png: the evaluation's confusion matrix as a PNG picture, to open
// in an image viewer straight from the mount (mnt/confusion_png/default).
#include "confusion_picture.hpp"
#include "pipeline.hpp"

namespace tf = taskfs;

const tf::Task<std::string> confusion_png =
    tf::task("confusion_png").input(evaluate).run(TASKFS_FN(fmnist::confusion_png));
