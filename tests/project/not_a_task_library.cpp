// A loadable library without taskfs_registry_v1: loading it as a task library
// must fail with a clear error.
extern "C" int not_a_task_library() { return 0; }
