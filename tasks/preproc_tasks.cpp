// preproc_train, preproc_eval: decode a split of Fashion-MNIST into float pixels.
// `subset` keeps the first N images (0 or -1: all of them) so that a cold run
// of the whole chain takes seconds; `normalize` standardizes each image.
#include "pipeline.hpp"
#include "preprocess.hpp"

namespace tf = taskfs;

#define FASHION_MNIST_DIR "/usr/share/datasets/fashion-mnist/"

const tf::Task<fmnist::ImageSet> preproc_train =
    tf::task("preproc_train")
        .param("images", tf::file(FASHION_MNIST_DIR "train-images-idx3-ubyte.gz"))
        .param("labels", tf::file(FASHION_MNIST_DIR "train-labels-idx1-ubyte.gz"))
        .param("normalize", false)
        .param("subset", 10000)
        .run(TASKFS_FN(fmnist::load_image_set));

const tf::Task<fmnist::ImageSet> preproc_eval =
    tf::task("preproc_eval")
        .param("images", tf::file(FASHION_MNIST_DIR "t10k-images-idx3-ubyte.gz"))
        .param("labels", tf::file(FASHION_MNIST_DIR "t10k-labels-idx1-ubyte.gz"))
        .param("normalize", false)
        .param("subset", 2000)
        .run(TASKFS_FN(fmnist::load_image_set));
