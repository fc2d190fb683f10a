// The demo's tasks, each declared in the *_task(s).cpp file that holds its
// code. A task file includes this header to take another file's task as input.
#pragma once

#include <taskfs/taskfs.hpp>

#include "records.hpp"

extern const taskfs::Task<taskfs::List<fmnist::Image>> decode_train;
extern const taskfs::Task<taskfs::List<fmnist::Image>> decode_eval;
extern const taskfs::Task<taskfs::List<fmnist::Image>> preproc_train;
extern const taskfs::Task<taskfs::List<fmnist::Image>> preproc_eval;
extern const taskfs::Task<taskfs::List<fmnist::Features>> fextract_train;
extern const taskfs::Task<taskfs::List<fmnist::Features>> fextract_eval;
extern const taskfs::Task<fmnist::Model> train;
extern const taskfs::Task<fmnist::Scores> evaluate;
