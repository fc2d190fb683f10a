// The task of a.cpp that b.cpp takes as an input.
#pragma once
#include <string>
#include <taskfs/taskfs.hpp>

extern const taskfs::Task<std::string> greeting;
