// The thumbnails example's tasks: a decoded image, its thumbnail, and a contact
// sheet of every image under data/. All three files in the mount are PGM images.
#include <taskfs/taskfs.hpp>

#include "pgm.hpp"
#include "scale.hpp"

namespace tf = taskfs;

const auto decode = tf::task("decode")
                        .param("image", tf::file("data/rings.pgm"))
                        .run(TASKFS_FN([](const tf::File& file) { return read_pgm(file.path()); }));

const auto thumbnail = tf::task("thumbnail")
                           .input(decode)
                           .param("size", 32)
                           .run(TASKFS_FN([](const Image& image, int size) {
                             return to_pgm(fit_within(image, size));
                           }));

const auto contact_sheet = tf::task("contact_sheet")
                               .param("images", tf::glob("data/*.pgm"))
                               .param("size", 32)
                               .param("columns", 2)
                               .run(TASKFS_FN([](const tf::Files& files, int size, int columns) {
                                 std::vector<Image> images;
                                 for (const auto& path : files.paths())
                                   images.push_back(read_pgm(path));
                                 return to_pgm(tile_thumbnails(images, size, columns));
                               }));
