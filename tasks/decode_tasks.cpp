// decode_train, decode_eval: a split of Fashion-MNIST as a list of images
// (elements 0, 1, 2, ...), stored one by one as they are decoded. `subset`
// keeps the first N images (0 or -1: all of them) so that a cold run of the
// whole chain takes seconds: each image is then a run of preproc and one of
// fextract, about 0.7 ms each on a 2-core machine.
#include "pipeline.hpp"
#include "preprocess.hpp"

namespace tf = taskfs;

#define FASHION_MNIST_DIR "/usr/share/datasets/fashion-mnist/"

const tf::Task<tf::List<fmnist::Image>> decode_train =
    tf::task("decode_train")
        .param("images", tf::file(FASHION_MNIST_DIR "train-images-idx3-ubyte.gz"))
        .param("labels", tf::file(FASHION_MNIST_DIR "train-labels-idx1-ubyte.gz"))
        .param("subset", 2000)
        .run(TASKFS_FN(fmnist::decode_images));

const tf::Task<tf::List<fmnist::Image>> decode_eval =
    tf::task("decode_eval")
        .param("images", tf::file(FASHION_MNIST_DIR "t10k-images-idx3-ubyte.gz"))
        .param("labels", tf::file(FASHION_MNIST_DIR "t10k-labels-idx1-ubyte.gz"))
        .param("subset", 500)
        .run(TASKFS_FN(fmnist::decode_images));
