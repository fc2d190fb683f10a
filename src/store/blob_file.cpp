#include "store/blob_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>
#include <system_error>

#include "sys/io.hpp"

namespace taskfs {
namespace {

[[noreturn]] void fail(const std::string& doing, int err) {
  throw std::runtime_error("storing a result: " + doing + ": " + std::strerror(err));
}

}  // namespace

BlobFileWriter::BlobFileWriter(const std::filesystem::path& tmp_dir) {
  static std::atomic<unsigned> counter{0};
  tmp_ = tmp_dir / (std::to_string(::getpid()) + "-" + std::to_string(counter++));
  fd_.reset(::open(tmp_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  if (!fd_) fail("creating " + tmp_.string(), errno);
}

BlobFileWriter::~BlobFileWriter() {
  if (!tmp_.empty()) ::unlink(tmp_.c_str());
}

void BlobFileWriter::append(std::string_view bytes) {
  try {
    write_all(fd_.get(), bytes, "writing");
  } catch (const std::system_error& e) {
    fail("writing " + tmp_.string(), e.code().value());
  }
}

void BlobFileWriter::commit(const std::filesystem::path& final_path) {
  // On disk before the row that names it is committed: after a power loss a
  // committed row never points at a short file.
  if (::fdatasync(fd_.get()) != 0 || !fd_.close()) fail("writing " + tmp_.string(), errno);
  std::error_code ec;
  std::filesystem::create_directories(final_path.parent_path(), ec);
  if (::rename(tmp_.c_str(), final_path.c_str()) != 0) {
    fail("renaming into " + final_path.string(), errno);
  }
  tmp_.clear();  // renamed: nothing left to remove
  // The new name on disk too, for the same reason as the data.
  Fd dir(::open(final_path.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!dir || ::fsync(dir.get()) != 0) fail("syncing " + final_path.parent_path().string(), errno);
}

void write_blob_file(const std::filesystem::path& tmp_dir, const std::filesystem::path& final_path,
                     std::string_view bytes) {
  std::error_code ec;
  if (std::filesystem::exists(final_path, ec)) return;  // content-addressed: same bytes
  BlobFileWriter writer(tmp_dir);
  writer.append(bytes);
  writer.commit(final_path);
}

}  // namespace taskfs
