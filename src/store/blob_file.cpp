#include "store/blob_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>
#include <system_error>

#include "sys/io.hpp"
#include "sys/store_dir.hpp"

namespace taskfs {
namespace {

// How many taken temporary names to step over before giving up.
constexpr int kTmpNameAttempts = 1000;
// Every this many bytes appended, the kernel is asked to start writing them
// to disk. Otherwise a large blob sits in the page cache until commit's
// fdatasync writes it all at once, after the producer is done: the disk would
// then work only after the CPU (serializing) or the network (a team-cache
// download) instead of alongside it.
constexpr std::uint64_t kWritebackStep = 8 << 20;

[[noreturn]] void fail(const std::string& doing, int err) {
  throw std::runtime_error("storing a result: " + doing + ": " + std::strerror(err));
}

}  // namespace

BlobFileWriter::BlobFileWriter(int tmp_fd) : tmp_dir_(tmp_fd) {
  static std::atomic<unsigned> counter{0};
  for (int attempt = 0; !fd_ && attempt < kTmpNameAttempts; ++attempt) {
    tmp_ = std::to_string(::getpid()) + "-" + std::to_string(counter++);
    fd_.reset(open_below(tmp_dir_, tmp_, O_WRONLY | O_CREAT | O_EXCL));
    if (!fd_ && errno != EEXIST) break;
  }
  if (!fd_) {
    int err = errno;
    tmp_.clear();  // not ours: nothing to remove
    fail("creating a file in tmp/", err);
  }
}

BlobFileWriter::~BlobFileWriter() {
  fd_.reset();
  if (!tmp_.empty()) ::unlinkat(tmp_dir_, tmp_.c_str(), 0);
}

void BlobFileWriter::append(std::string_view bytes) {
  try {
    write_all(fd_.get(), bytes, "writing");
  } catch (const std::system_error& e) {
    fail("writing tmp/" + tmp_, e.code().value());
  }
  written_ += bytes.size();
  if (written_ - writeback_start_ >= kWritebackStep) {
    // Starts the writeback and returns; commit's fdatasync still waits for
    // it. A failure here changes nothing: fdatasync reports the same errors.
    ::sync_file_range(fd_.get(), static_cast<off64_t>(writeback_start_),
                      static_cast<off64_t>(written_ - writeback_start_), SYNC_FILE_RANGE_WRITE);
    writeback_start_ = written_;
  }
}

void BlobFileWriter::commit(int blobs_fd, const std::string& name) {
  // On disk before the row that names it is committed: after a power loss a
  // committed row never points at a short file.
  if (::fdatasync(fd_.get()) != 0 || !fd_.close()) fail("writing tmp/" + tmp_, errno);
  std::string shard = name.substr(0, name.find('/'));
  if (::mkdirat(blobs_fd, shard.c_str(), 0700) != 0 && errno != EEXIST) {
    fail("creating blobs/" + shard, errno);
  }
  Fd dir(open_below(blobs_fd, shard, O_RDONLY | O_DIRECTORY));
  if (!dir) fail("opening blobs/" + shard, errno);
  // renameat replaces a name and never follows it.
  std::string file = name.substr(shard.size() + 1);
  if (::renameat(tmp_dir_, tmp_.c_str(), dir.get(), file.c_str()) != 0) {
    fail("renaming into blobs/" + name, errno);
  }
  tmp_.clear();  // renamed: nothing left to remove
  // The new name on disk too, for the same reason as the data.
  if (::fsync(dir.get()) != 0) fail("syncing blobs/" + shard, errno);
}

}  // namespace taskfs
