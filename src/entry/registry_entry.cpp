// Compiled into every task library by taskfs_add_tasks: the one symbol the
// worker looks up after dlopen.
#include <taskfs/detail/task_def.hpp>

extern "C" const taskfs::detail::Registry* TASKFS_REGISTRY_ENTRY() {
  return &taskfs::detail::registry();
}
