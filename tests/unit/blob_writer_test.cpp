// A blob written as it is made (what a task's result is serialized into):
// hashed on the fly like the whole bytes, small ones kept for the row, large
// ones a file of all but their head, put in place only by commit().
#include "store/blob_writer.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "sys/fd.hpp"
#include "test_support.hpp"

namespace taskfs {
namespace {

namespace fs = std::filesystem;

// Bytes that differ at every offset.
std::string pattern_bytes(std::size_t size) {
  std::string s(size, '\0');
  for (std::size_t i = 0; i < size; ++i) s[i] = static_cast<char>((i * 7 + i / 251) & 0xff);
  return s;
}

std::size_t files_in(const fs::path& dir) {
  std::size_t n = 0;
  for (const auto& e : fs::recursive_directory_iterator(dir)) n += e.is_regular_file() ? 1 : 0;
  return n;
}

class BlobWriterTest : public ::testing::Test {
 protected:
  BlobWriterTest() {
    fs::create_directories(dir_ / "tmp");
    fs::create_directories(dir_ / "blobs");
    tmp_.reset(::open((dir_ / "tmp").c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    blobs_.reset(::open((dir_ / "blobs").c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  }

  // Writes `bytes` in pieces of every size from 1 up, single characters too,
  // as cereal may.
  static void write_in_pieces(BlobWriter& writer, const std::string& bytes) {
    std::size_t at = 0;
    for (std::size_t piece = 1; at < bytes.size(); piece = piece * 3 + 1) {
      std::size_t n = std::min(piece, bytes.size() - at);
      if (n == 1) {
        writer.sputc(bytes[at]);
      } else {
        writer.sputn(bytes.data() + at, static_cast<std::streamsize>(n));
      }
      at += n;
    }
  }

  static std::string read(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream all;
    all << in.rdbuf();
    return all.str();
  }

  test::TempDir dir_;
  Fd tmp_;
  Fd blobs_;
};

TEST_F(BlobWriterTest, ABlobStreamedInPiecesHasTheHashAndSizeOfItsBytes) {
  for (std::size_t size : {std::size_t{0}, std::size_t{1}, kInlineLimit, kInlineLimit + 1,
                           std::size_t{1} << 20, (std::size_t{3} << 20) + 17}) {
    std::string bytes = pattern_bytes(size);
    BlobWriter writer(tmp_.get(), 8);
    write_in_pieces(writer, bytes);
    const StagedBlob& blob = writer.finish();
    EXPECT_EQ(blob.hash, hash_bytes(bytes)) << size;
    EXPECT_EQ(blob.size, size);
    EXPECT_EQ(blob.in_file, size > kInlineLimit) << size;
    EXPECT_EQ(blob.bytes, blob.in_file ? bytes.substr(0, 8) : bytes) << size;
  }
}

TEST_F(BlobWriterTest, ALargeBlobIsAFileOfAllButItsHeadOnceCommitted) {
  std::string bytes = pattern_bytes((std::size_t{5} << 20) + 3);
  BlobWriter writer(tmp_.get(), 8);
  writer.sputn(bytes.data(), static_cast<std::streamsize>(bytes.size()));  // one call, no copy
  writer.commit(blobs_.get(), "ab/abcd");
  EXPECT_EQ(read(dir_ / "blobs" / "ab" / "abcd"), bytes.substr(8));
  EXPECT_EQ(files_in(dir_ / "tmp"), 0u);
}

TEST_F(BlobWriterTest, AWriterDestroyedBeforeCommitLeavesNothing) {
  {
    BlobWriter writer(tmp_.get(), 0);
    write_in_pieces(writer, pattern_bytes(std::size_t{3} << 20));
    EXPECT_EQ(files_in(dir_ / "tmp"), 1u);  // the bytes went out as they came
  }
  EXPECT_EQ(files_in(dir_ / "tmp"), 0u);
  EXPECT_EQ(files_in(dir_ / "blobs"), 0u);
}

TEST_F(BlobWriterTest, ABlobAlreadyInPlaceIsKeptAndTheNewFileRemoved) {
  std::string bytes = pattern_bytes(std::size_t{2} << 20);
  for (int i = 0; i < 2; ++i) {
    BlobWriter writer(tmp_.get(), 0);
    write_in_pieces(writer, bytes);
    writer.commit(blobs_.get(), "cd/cdef");
  }
  EXPECT_EQ(read(dir_ / "blobs" / "cd" / "cdef"), bytes);
  EXPECT_EQ(files_in(dir_ / "tmp"), 0u);
  EXPECT_EQ(files_in(dir_ / "blobs"), 1u);
}

TEST_F(BlobWriterTest, WritingAfterFinishIsRefused) {
  BlobWriter writer(tmp_.get(), 0);
  writer.sputn("abc", 3);
  writer.finish();
  EXPECT_THROW(writer.sputn("d", 1), std::logic_error);
  EXPECT_EQ(writer.finish().bytes, "abc");
}

}  // namespace
}  // namespace taskfs
