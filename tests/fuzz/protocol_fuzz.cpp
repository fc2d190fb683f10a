// libFuzzer harness for the worker protocol decoder: whatever bytes arrive on
// a worker pipe, reading them as framed messages ends in a decoded message, a
// clean end of stream or an exception (std::runtime_error, cereal::Exception),
// never in a crash, a hang or an allocation the bytes do not justify. The
// first byte picks the message type; the rest is the stream.
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <stdexcept>

#include "exec/protocol.hpp"

namespace {

// The stream in a memory file: read_frame reads from a descriptor.
class MemoryFile {
 public:
  MemoryFile(const std::uint8_t* data, std::size_t size) : fd_(::memfd_create("stream", 0)) {
    if (fd_ < 0 || ::write(fd_, data, size) != static_cast<ssize_t>(size) ||
        ::lseek(fd_, 0, SEEK_SET) != 0) {
      std::abort();
    }
  }
  ~MemoryFile() { ::close(fd_); }
  MemoryFile(const MemoryFile&) = delete;
  MemoryFile& operator=(const MemoryFile&) = delete;
  int fd() const { return fd_; }

 private:
  int fd_;
};

template <class Message>
void decode_all(int fd) {
  try {
    for (Message message; taskfs::exec::receive(fd, message);) {
    }
  } catch (const std::runtime_error&) {  // cereal::Exception is one too
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  MemoryFile stream(data + 1, size - 1);
  switch (data[0] % 3) {
    case 0:
      decode_all<taskfs::exec::CatalogMessage>(stream.fd());
      break;
    case 1:
      decode_all<taskfs::exec::RunBatch>(stream.fd());
      break;
    default:
      decode_all<taskfs::exec::RunReplies>(stream.fd());
  }
  return 0;
}
