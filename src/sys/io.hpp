// Whole reads and writes on file descriptors: retried on EINTR and short
// counts, so callers never write that loop again.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace taskfs {

// Writes all of `bytes` to `fd`. Throws std::system_error (code: the errno,
// what(): "`doing`: reason") when write(2) fails.
void write_all(int fd, std::string_view bytes, const char* doing);

// Reads up to `size` bytes, stopping early only at end of file; returns how
// many were read. Throws std::system_error like write_all.
std::size_t read_full(int fd, char* out, std::size_t size, const char* doing);

// read_full at `offset` of a file, with pread(2) (the file position is untouched).
std::size_t pread_full(int fd, char* out, std::size_t size, std::uint64_t offset,
                       const char* doing);

}  // namespace taskfs
