// The team cache against a real PostgreSQL server: the private cluster that
// tests/remote/pg_cluster.sh starts (a ctest fixture), one fresh database a test.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <random>
#include <thread>

#include "engine/remote_level.hpp"
#include "remote/pg.hpp"
#include "remote/remote_cache.hpp"
#include "store/store.hpp"
#include "test_support.hpp"

namespace taskfs::remote {
namespace {

using namespace std::chrono_literals;

std::string cluster_conninfo() {
  std::ifstream in(TASKFS_PG_STATE);
  std::string line;
  if (!std::getline(in, line)) {
    throw std::runtime_error(
        std::string("no PostgreSQL test cluster: run tests/remote/pg_cluster.sh start ") +
        TASKFS_PG_STATE + " (ctest does it)");
  }
  return line;
}

std::string random_bytes(std::size_t n, unsigned seed) {
  std::mt19937_64 gen(seed);
  std::string out(n, '\0');
  for (auto& c : out) c = static_cast<char>(gen());
  return out;
}

// A blob held in memory; the source keeps its own copy, since the upload
// reads it later on another thread.
BlobSource source_of(std::string bytes) {
  auto held = std::make_shared<const std::string>(std::move(bytes));
  return {hash_bytes(*held), held->size(), [held] {
            return BlobRead([held](char* out, std::size_t length, std::uint64_t position) {
              std::size_t n = std::min<std::uint64_t>(length, held->size() - position);
              std::copy_n(held->data() + position, n, out);
              return n;
            });
          }};
}

// A result whose value is `value` and whose view is `view`.
RemoteResult result_of(const std::string& name, const std::string& value, const std::string& view) {
  RemoteResult r;
  r.key = hash_bytes("key of " + name);
  r.task = "task";
  r.variant = name;
  r.value_hash = hash_bytes(value);
  r.value_size = value.size();
  r.view_hash = hash_bytes(view);
  r.view_size = view.size();
  r.created = 1234.5;
  return r;
}

// One fresh database on the test cluster, dropped at the end.
class RemoteCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    admin_ = std::make_unique<pg::Connection>(cluster_conninfo(), 2);
    name_ = "t" + std::to_string(std::random_device{}());
    admin_->exec("CREATE DATABASE " + name_);
    conninfo_ = cluster_conninfo() + " dbname=" + name_;
  }
  void TearDown() override { admin_->exec("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)"); }

  RemoteOptions options(std::chrono::milliseconds retry_after = 30s) const {
    RemoteOptions o;
    o.conninfo = conninfo_;
    o.retry_after = retry_after;
    return o;
  }
  // Uploads a result of value `value` (view "v") through `cache`, and waits.
  static void upload_and_wait(RemoteCache& cache, const RemoteResult& result,
                              const std::string& value) {
    cache.upload(result, {source_of(value), source_of("v")});
    ASSERT_TRUE(cache.drain(30s));
  }
  std::int64_t count(const std::string& sql) {
    pg::Connection c(conninfo_, 2);
    return c.query(sql).integer(0, 0);
  }
  static std::string fetch(RemoteCache& cache, const Hash128& hash, std::uint64_t size,
                           bool* ok = nullptr) {
    std::string got;
    bool fetched = cache.fetch_blob(hash, size, [&](std::string_view data) { got += data; });
    if (ok) *ok = fetched;
    return got;
  }

  std::unique_ptr<pg::Connection> admin_;
  std::string name_;
  std::string conninfo_;
};

TEST_F(RemoteCacheTest, AResultUploadedByOneCacheIsFoundByAnotherByteIdentical) {
  std::string value = random_bytes(3 * 1024 * 1024 + 12345, 1);
  std::string view = "rendered text\n";
  RemoteResult result = result_of("a", value, view);
  {
    RemoteCache first(options());
    first.upload(result, {source_of(value), source_of(view)});
    ASSERT_TRUE(first.drain(30s));
    EXPECT_EQ(first.status().uploaded, 1u);
    EXPECT_EQ(first.status().upload_failed, 0u);
  }
  RemoteCache second(options());
  auto found = second.find(result.key);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->variant, "a");
  EXPECT_EQ(found->value_hash, result.value_hash);
  EXPECT_EQ(found->value_size, value.size());
  EXPECT_EQ(found->view_hash, result.view_hash);
  EXPECT_EQ(found->created, 1234.5);
  bool ok = false;
  EXPECT_EQ(fetch(second, found->value_hash, found->value_size, &ok), value);
  EXPECT_TRUE(ok);
  EXPECT_EQ(fetch(second, found->view_hash, found->view_size), view);
  EXPECT_EQ(second.status().hits, 1u);
  EXPECT_TRUE(second.status().reachable);
}

TEST_F(RemoteCacheTest, UploadsWaitWhileLocalWorkRunsThenGoByThemselves) {
  std::atomic<bool> computing{true};
  RemoteOptions waiting = options();
  waiting.local_work_running = [&] { return computing.load(); };
  RemoteCache cache(waiting);
  std::string value = random_bytes(3 * 1024 * 1024, 7);
  RemoteResult result = result_of("deferred", value, "v");
  ASSERT_FALSE(cache.find(result.key));  // connected: the remote's tables exist
  cache.upload(result, {source_of(value), source_of("v")});
  // It waited several times, and nothing reached the remote meanwhile.
  auto deadline = std::chrono::steady_clock::now() + 20s;
  while (cache.status().upload_deferrals < 3 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(1ms);
  }
  ASSERT_GE(cache.status().upload_deferrals, 3u);
  EXPECT_EQ(count("SELECT count(*) FROM taskfs_results"), 0);
  EXPECT_EQ(cache.status().upload_pending, 1u);
  computing = false;
  ASSERT_TRUE(cache.drain(30s));
  EXPECT_EQ(cache.status().uploaded, 1u);
  EXPECT_EQ(fetch(cache, result.value_hash, value.size()), value);
}

TEST_F(RemoteCacheTest, UploadsWaitWhileAReaderAsksTheRemote) {
  test::TempDir dir;
  Store store(dir / "store");
  NewResult made{hash_bytes("made here"), "task", "made", true, {}, 1000.0, 0.5};
  FileView view;
  view.text = "made\n";
  ResultInfo result = store.put_result(made, "made", view);
  RemoteLevel level(options(), store);
  // Hold the results table, so that a reader's question stays unanswered.
  { RemoteCache(options()).find(hash_bytes("creates the schema")); }
  pg::Connection holder(conninfo_, 2);
  holder.exec("BEGIN");
  holder.exec("LOCK TABLE taskfs_results IN ACCESS EXCLUSIVE MODE");
  std::atomic<bool> answered{false};
  level.fetch(hash_bytes("asked by a reader"), "task", "asked",
              [&](std::optional<ResultInfo> found) {
                EXPECT_FALSE(found);
                answered = true;
              });
  level.offer(made.key, "task", "made", result);
  // The upload waits for the reader (it would otherwise wait on the lock,
  // without counting a deferral).
  auto deadline = std::chrono::steady_clock::now() + 20s;
  while (level.status().upload_deferrals < 2 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(1ms);
  }
  EXPECT_GE(level.status().upload_deferrals, 2u);
  EXPECT_FALSE(answered);
  holder.exec("COMMIT");
  ASSERT_TRUE(level.drain(30s));
  EXPECT_TRUE(answered);
  EXPECT_EQ(level.status().uploaded, 1u);
}

TEST_F(RemoteCacheTest, AnUnknownKeyIsAMiss) {
  RemoteCache cache(options());
  EXPECT_FALSE(cache.find(hash_bytes("nothing")));
  EXPECT_EQ(cache.status().misses, 1u);
  EXPECT_TRUE(cache.status().reachable);
}

TEST_F(RemoteCacheTest, BlobsAreChunkedAndStoredOnceWhateverUsesThem) {
  std::string value = random_bytes(3 * 1024 * 1024 + 2, 2);  // 4 chunks
  RemoteCache cache(options());
  cache.upload(result_of("a", value, "x"), {source_of(value), source_of("x")});
  cache.upload(result_of("b", value, "y"), {source_of(value), source_of("y")});
  ASSERT_TRUE(cache.drain(30s));
  EXPECT_EQ(count("SELECT count(*) FROM taskfs_results"), 2);
  EXPECT_EQ(count("SELECT count(*) FROM taskfs_chunks WHERE length(data) > 1"), 4);
  EXPECT_EQ(count("SELECT count(*) FROM taskfs_blobs"), 3);
}

TEST_F(RemoteCacheTest, ATamperedBlobIsAMissThenRemovedSoTheNextUploadRepairsIt) {
  std::string value = random_bytes(2 * 1024 * 1024, 3);
  RemoteResult result = result_of("a", value, "v");
  RemoteCache cache(options());
  ASSERT_NO_FATAL_FAILURE(upload_and_wait(cache, result, value));
  pg::Connection(conninfo_, 2)
      .exec(
          "UPDATE taskfs_chunks SET data = overlay(data placing '\\x00ff'::bytea from 100) "
          "WHERE idx = 1");

  bool ok = true;
  fetch(cache, result.value_hash, result.value_size, &ok);
  EXPECT_FALSE(ok);
  EXPECT_EQ(cache.status().damaged, 1u);
  EXPECT_TRUE(cache.status().reachable) << "damage is not the remote being down";
  EXPECT_FALSE(cache.find(result.key)) << "a result with a damaged blob is forgotten";

  ASSERT_NO_FATAL_FAILURE(upload_and_wait(cache, result, value));
  EXPECT_EQ(fetch(cache, result.value_hash, result.value_size, &ok), value);
  EXPECT_TRUE(ok);
}

TEST_F(RemoteCacheTest, ALocalBlobThatDoesNotMatchItsHashIsNeverUploaded) {
  std::string value = random_bytes(5000, 4);
  RemoteResult result = result_of("a", value, "v");
  std::string damaged = value;
  damaged[10] ^= 1;
  BlobSource source = source_of(damaged);
  source.hash = result.value_hash;
  RemoteCache cache(options());
  cache.upload(result, {source, source_of("v")});
  ASSERT_TRUE(cache.drain(30s));
  EXPECT_EQ(cache.status().upload_failed, 1u);
  EXPECT_FALSE(cache.find(result.key));
  EXPECT_EQ(count("SELECT count(*) FROM taskfs_chunks"), 0);
}

TEST_F(RemoteCacheTest, ARemoteWithANewerSchemaIsLeftAloneAndSaysWhy) {
  { RemoteCache(options()).find(hash_bytes("creates the schema")); }
  pg::Connection(conninfo_, 2).exec("UPDATE taskfs_meta SET value='2' WHERE name='schema_version'");
  RemoteCache cache(options());
  EXPECT_FALSE(cache.find(hash_bytes("k")));
  EXPECT_FALSE(cache.status().reachable);
  EXPECT_NE(cache.status().error.find("schema version 2"), std::string::npos)
      << cache.status().error;
  EXPECT_EQ(count("SELECT value::bigint FROM taskfs_meta WHERE name='schema_version'"), 2);
}

TEST(RemoteCacheDown, AnUnreachableRemoteIsAMissAndNeverShowsTheCredentials) {
  RemoteCache cache({"host=/nonexistent/taskfs user=alice password=hunter2 dbname=x", 2, 30s, {}});
  EXPECT_FALSE(cache.find(hash_bytes("k")));
  std::string got;
  EXPECT_FALSE(cache.fetch_blob(hash_bytes("b"), 3, [&](std::string_view d) { got += d; }));
  RemoteStatus status = cache.status();
  EXPECT_FALSE(status.reachable);
  EXPECT_FALSE(status.error.empty());
  EXPECT_EQ(status.error.find("hunter2"), std::string::npos) << status.error;
}

TEST(RemoteCacheDown, ARemoteThatNeverAnswersIsGivenUpAfterTheConnectTimeout) {
  // A listening socket that never accepts: the kernel completes the TCP
  // handshake, and the server's greeting never comes.
  int listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(listener, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  ASSERT_EQ(listen(listener, 4), 0);
  socklen_t length = sizeof address;
  getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length);
  std::string conninfo =
      "host=127.0.0.1 port=" + std::to_string(ntohs(address.sin_port)) + " dbname=x";

  RemoteCache cache({conninfo, 1, 30s, {}});
  EXPECT_FALSE(cache.find(hash_bytes("k")));
  EXPECT_FALSE(cache.status().reachable);
  EXPECT_NE(cache.status().error.find("timeout"), std::string::npos) << cache.status().error;
  close(listener);
}

TEST_F(RemoteCacheTest, ARemoteThatComesBackIsUsedAgainByItself) {
  // The database does not exist yet: the remote is "down".
  std::string later = name_ + "_later";
  RemoteCache cache({cluster_conninfo() + " dbname=" + later, 2, 50ms, {}});
  EXPECT_FALSE(cache.find(hash_bytes("k")));
  EXPECT_FALSE(cache.status().reachable);
  admin_->exec("CREATE DATABASE " + later);
  bool back = false;
  for (auto deadline = std::chrono::steady_clock::now() + 20s;
       !back && std::chrono::steady_clock::now() < deadline;) {
    cache.find(hash_bytes("k"));
    back = cache.status().reachable;
    if (!back) std::this_thread::yield();
  }
  admin_->exec("DROP DATABASE " + later + " WITH (FORCE)");
  EXPECT_TRUE(back);
}

TEST_F(RemoteCacheTest, TwoMachinesUploadingTheSameKeyAtOnceBothSucceedAndStoreItOnce) {
  std::string value = random_bytes(4 * 1024 * 1024, 5);
  RemoteResult result = result_of("a", value, "v");
  RemoteCache one(options()), two(options());
  one.upload(result, {source_of(value), source_of("v")});
  two.upload(result, {source_of(value), source_of("v")});
  ASSERT_TRUE(one.drain(60s));
  ASSERT_TRUE(two.drain(60s));
  EXPECT_EQ(one.status().upload_failed + two.status().upload_failed, 0u);
  EXPECT_EQ(count("SELECT count(*) FROM taskfs_results"), 1);
  EXPECT_EQ(count("SELECT count(*) FROM taskfs_chunks"), 4 + 1);
}

TEST_F(RemoteCacheTest, AKilledUploadLeavesNothingAndTheNextOneSucceeds) {
  std::string value = random_bytes(4 * 1024 * 1024, 6);
  RemoteResult result = result_of("a", value, "v");
  int ready[2];
  ASSERT_EQ(pipe(ready), 0);
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    // Sends two chunks, says so, then hangs until killed.
    BlobSource slow = source_of(value);
    slow.open = [&] {
      return BlobRead([&](char* out, std::size_t length, std::uint64_t position) {
        if (position >= 2u << 20) {
          (void)!write(ready[1], "x", 1);
          pause();
        }
        std::copy_n(value.data() + position, length, out);
        return length;
      });
    };
    RemoteCache cache(options());
    cache.upload(result, {slow});
    cache.drain(60s);
    _exit(0);
  }
  close(ready[1]);
  pollfd waiting{ready[0], POLLIN, 0};
  ASSERT_EQ(poll(&waiting, 1, 30'000), 1) << "the child never got half way";
  kill(child, SIGKILL);
  waitpid(child, nullptr, 0);
  close(ready[0]);

  RemoteCache cache(options());
  EXPECT_FALSE(cache.find(result.key));
  EXPECT_EQ(count("SELECT count(*) FROM taskfs_blobs"), 0);
  ASSERT_NO_FATAL_FAILURE(upload_and_wait(cache, result, value));
  EXPECT_EQ(fetch(cache, result.value_hash, result.value_size), value);
}

TEST_F(RemoteCacheTest, ARemoteThatGoesDownMidDownloadIsAMissAndComesBack) {
  std::string value = random_bytes(4 * 1024 * 1024, 8);
  RemoteResult result = result_of("a", value, "v");
  RemoteCache cache(options(50ms));
  ASSERT_NO_FATAL_FAILURE(upload_and_wait(cache, result, value));
  std::string got;
  bool cut = false;
  bool fetched = cache.fetch_blob(result.value_hash, result.value_size, [&](std::string_view data) {
    got += data;
    if (!cut) {  // the server ends this session after the first chunk
      cut = true;
      admin_->query(
          "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
          "WHERE datname = $1 AND application_name = 'taskfs'",
          pg::Params().text(name_));
    }
  });
  EXPECT_FALSE(fetched);
  EXPECT_LT(got.size(), value.size());
  EXPECT_FALSE(cache.status().reachable);
  bool back = false;
  for (auto deadline = std::chrono::steady_clock::now() + 20s;
       !back && std::chrono::steady_clock::now() < deadline;) {
    got.clear();
    back = cache.fetch_blob(result.value_hash, result.value_size,
                            [&](std::string_view data) { got += data; });
  }
  EXPECT_TRUE(back);
  EXPECT_EQ(got, value);
}

TEST_F(RemoteCacheTest, ASinkThatThrowsStopsTheDownloadAndTheCacheStaysUsable) {
  std::string value = random_bytes(3 * 1024 * 1024, 7);
  RemoteResult result = result_of("a", value, "v");
  RemoteCache cache(options());
  ASSERT_NO_FATAL_FAILURE(upload_and_wait(cache, result, value));
  EXPECT_THROW(cache.fetch_blob(result.value_hash, result.value_size,
                                [](std::string_view) { throw std::runtime_error("disk full"); }),
               std::runtime_error);
  EXPECT_TRUE(cache.status().reachable);
  EXPECT_EQ(fetch(cache, result.value_hash, result.value_size), value);
}

}  // namespace
}  // namespace taskfs::remote
