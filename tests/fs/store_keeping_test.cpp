// Keeping the store in bounds (SPEC 7) through the mount and the command
// line: reads counted and shown by why, taskfs gc (least recently read first,
// never a result being read, crash-safe), store_max_size, taskfs du and rm.
#include <signal.h>

#include <filesystem>
#include <map>
#include <sstream>
#include <string>

#include "big_text.hpp"
#include "mount_fixture.hpp"

namespace taskfs::fstest {
namespace {

namespace fs = std::filesystem;

using StoreKeepingTest = MountTest;

std::string big_bytes(int mb) {
  return fs_tasks::big_text(static_cast<std::size_t>(mb) * fs_tasks::kMiB);
}

// `taskfs du --bytes`: one line a task ("BYTES  TASK (N results)"), then
// "BYTES  (total)". By task, and the total under "".
std::map<std::string, std::uint64_t> du_bytes(const std::string& out) {
  std::map<std::string, std::uint64_t> sizes;
  std::istringstream lines(out);
  for (std::string line; std::getline(lines, line);) {
    std::istringstream words(line);
    std::uint64_t bytes = 0;
    std::string name, rest;
    words >> bytes >> name;
    sizes[std::getline(words, rest) ? name : ""] = bytes;  // the total line ends at its name
  }
  return sizes;
}

// Checks the store as a program outside taskfs would: SQLite's own integrity
// check, and every blob row kept in a file has its file, of its size (less
// the head kept in the row). Prints "ok" or what is wrong.
constexpr const char* kStoreCheck = R"(
import os, sqlite3, sys
db = sqlite3.connect('store/taskfs.db')
problems = [r[0] for r in db.execute('PRAGMA integrity_check') if r[0] != 'ok']
for h, size, head in db.execute('SELECT hash, size, length(head) FROM blobs WHERE data IS NULL'):
    path = os.path.join('store/blobs', h[:2], h)
    if not os.path.exists(path):
        problems.append('missing ' + path)
    elif os.path.getsize(path) + (head or 0) != size:
        problems.append('wrong size ' + path)
for key, h in db.execute('SELECT key, value_hash FROM results UNION ALL SELECT key, view_hash FROM results'):
    if db.execute('SELECT 1 FROM blobs WHERE hash = ?', (h,)).fetchone() is None:
        problems.append('result ' + key + ' names no blob ' + h)
print('\n'.join(problems) or 'ok')
)";

std::size_t blob_files(const fs::path& store) {
  std::size_t n = 0;
  for (const auto& e : fs::recursive_directory_iterator(store / "blobs")) n += e.is_regular_file();
  return n;
}

TEST_F(StoreKeepingTest, ReadsAreCountedAndWhySaysHowOften) {
  for (int i = 0; i < 3; ++i) ASSERT_EQ(sh("cat mnt/total/default").out, "15\n");
  EXPECT_NE(xattr("mnt/total/default", "user.taskfs.why").find(", read 3 times since (last "),
            std::string::npos)
      << xattr("mnt/total/default", "user.taskfs.why");
  Finished why = run({kTaskfs, "why", "total/default"});
  ASSERT_TRUE(why.succeeded()) << why.err;
  EXPECT_NE(why.out.find("read 3 times"), std::string::npos) << why.out;
  // Counted in memory, kept in the store when the daemon ends.
  ASSERT_TRUE(run({kTaskfs, "unmount", mountpoint()}).succeeded());
  ASSERT_TRUE(wait_daemon().succeeded());
  Finished offline = run({kTaskfs, "why", "total/default", "--tasks", kFsTasks});
  EXPECT_NE(offline.out.find("read 3 times"), std::string::npos) << offline.out << offline.err;
}

TEST_F(StoreKeepingTest, GcEvictsTheLeastRecentlyReadFirst) {
  for (int mb : {1, 2, 3})
    ASSERT_TRUE(sh("cat mnt/big/mb:" + std::to_string(mb) + " >/dev/null").succeeded());
  ASSERT_TRUE(sh("cat mnt/big/mb:1 >/dev/null").succeeded());  // mb:2 is now the least recent
  Finished gc = run({kTaskfs, "gc", "--max-size", "5M"});
  ASSERT_TRUE(gc.succeeded()) << gc.err;
  EXPECT_EQ(gc.out.rfind("evicted 1 result:", 0), 0u) << gc.out;
  EXPECT_EQ(state("mnt/big/mb:2"), "missing");
  EXPECT_EQ(state("mnt/big/mb:1"), "cached");
  EXPECT_EQ(state("mnt/big/mb:3"), "cached");
  // The daemon forgot it too: the next read computes it again, right.
  EXPECT_EQ(sh("cat mnt/big/mb:2").out, big_bytes(2));
  EXPECT_EQ(runs("big"), 4);
}

TEST_F(StoreKeepingTest, GcWhileALargeResultIsReadLetsTheReadFinishWithTheRightBytes) {
  ASSERT_TRUE(sh("cat mnt/big/mb:1 >/dev/null && cat mnt/big/mb:16 >/dev/null").succeeded());
  // Reads 1 MiB, says so, waits for the go, reads the rest.
  Child& reader = start({"python3", "-c", R"(
import os, time
with open('mnt/big/mb:16', 'rb') as f, open('copy.bin', 'wb') as out:
    out.write(f.read(1 << 20))
    open('reading', 'w').close()
    deadline = time.time() + 20
    while not os.path.exists('go') and time.time() < deadline:
        time.sleep(0.002)
    out.write(f.read())
)"});
  ASSERT_TRUE(eventually([&] { return fs::exists(root() / "reading"); }));
  Finished gc = run({kTaskfs, "gc", "--max-size", "1"});
  ASSERT_TRUE(gc.succeeded()) << gc.err;
  EXPECT_NE(gc.out.find("kept 1 in use"), std::string::npos) << gc.out;
  EXPECT_EQ(state("mnt/big/mb:1"), "missing");
  EXPECT_EQ(state("mnt/big/mb:16"), "cached") << "evicted while being read";
  write_file("go", "");
  ASSERT_TRUE(reader.wait_for());
  ASSERT_TRUE(reader.finished().succeeded()) << reader.finished().err;
  EXPECT_TRUE(read_file("copy.bin") == big_bytes(16)) << "the read got other bytes";
}

TEST_F(StoreKeepingTest, RmForgetsOneResultAndTheNextReadRecomputesIt) {
  ASSERT_EQ(sh("cat mnt/total/default").out, "15\n");
  ASSERT_EQ(sh("cat mnt/total/scale:2").out, "30\n");
  Finished rm = run({kTaskfs, "rm", "total/default"});
  ASSERT_TRUE(rm.succeeded()) << rm.err;
  EXPECT_EQ(state("mnt/total/default"), "missing");
  EXPECT_EQ(state("mnt/total/scale:2"), "cached");
  EXPECT_EQ(state("mnt/numbers/default"), "cached") << "only the one result goes";
  EXPECT_EQ(sh("cat mnt/total/default").out, "15\n");
  EXPECT_EQ(runs("total"), 3);
  EXPECT_EQ(runs("numbers"), 1);
}

TEST_F(StoreKeepingTest, RmOfAResultNotCachedSaysSo) {
  Finished rm = run({kTaskfs, "rm", "total/scale:3"});
  EXPECT_EQ(rm.exit_code(), 1);
  EXPECT_NE(rm.err.find("not cached"), std::string::npos) << rm.err;
  EXPECT_EQ(run({kTaskfs, "rm", "nosuchtask/default"}).exit_code(), 2);
}

TEST_F(StoreKeepingTest, DuShowsTheStoreByTaskAndItsSumsMatch) {
  ASSERT_TRUE(sh("cat mnt/big/mb:2 mnt/total/default mnt/numbers/n:9 >/dev/null").succeeded());
  Finished du = run({kTaskfs, "du", "--bytes"});
  ASSERT_TRUE(du.succeeded()) << du.err;
  std::map<std::string, std::uint64_t> sizes = du_bytes(du.out);
  ASSERT_EQ(sizes.size(), 4u) << du.out;  // big, numbers, total, and the (total) line
  // A string result is its bytes after cereal's 8-byte size prefix, stored once.
  EXPECT_EQ(sizes["big"], 2 * fs_tasks::kMiB + 8) << du.out;
  EXPECT_GT(sizes["numbers"], 0u);
  EXPECT_GT(sizes["total"], 0u);
  EXPECT_EQ(sizes[""], sizes["big"] + sizes["numbers"] + sizes["total"]) << du.out;
  Finished human = run({kTaskfs, "du"});
  EXPECT_NE(human.out.find("2.0 MiB  big (1 result)"), std::string::npos) << human.out;
  EXPECT_LT(human.out.find("big"), human.out.find("numbers")) << "largest first";
}

TEST_F(StoreKeepingTest, GcKilledHalfWayLeavesTheStoreIntact) {
  ASSERT_TRUE(
      sh("cat mnt/big/mb:1 mnt/big/mb:2 mnt/big/mb:3 mnt/total/default >/dev/null").succeeded());
  ASSERT_TRUE(run({kTaskfs, "unmount", mountpoint()}).succeeded());
  ASSERT_TRUE(wait_daemon().succeeded());
  // kill -9 once just before its commit, once after it removed the first of
  // the three blob files it had to remove.
  for (const char* point : {"commit", "files"}) {
    Finished gc = run({"env", std::string("TASKFS_TEST_KILL_EVICTION=") + point, kTaskfs, "gc",
                       "--max-size", "1"});
    EXPECT_EQ(gc.signal(), SIGKILL) << point << ": " << gc.out << gc.err;
    EXPECT_EQ(run({"python3", "-c", kStoreCheck}).out, "ok\n") << point;
  }
  EXPECT_EQ(blob_files(store()), 2u) << "files the killed gc left";
  // The next gc removes them (no row names them).
  Finished gc = run({kTaskfs, "gc", "--max-size", "1G"});
  EXPECT_NE(gc.out.find("removed 2 blob files no result named"), std::string::npos) << gc.out;
  EXPECT_EQ(blob_files(store()), 0u);
  EXPECT_EQ(run({"python3", "-c", kStoreCheck}).out, "ok\n");
  // Every result reads back right, computed again.
  ASSERT_NO_FATAL_FAILURE(mount());
  for (int mb : {1, 2, 3}) {
    EXPECT_TRUE(sh("cat mnt/big/mb:" + std::to_string(mb)).out == big_bytes(mb)) << mb;
  }
  EXPECT_EQ(sh("cat mnt/total/default").out, "15\n");
}

TEST_F(StoreKeepingTest, RmWithoutADaemonForgetsTheResultInTheStore) {
  ASSERT_TRUE(run({kTaskfs, "unmount", mountpoint()}).succeeded());
  ASSERT_TRUE(wait_daemon().succeeded());
  const std::vector<std::string> tasks = {"--tasks", kFsTasks};
  auto taskfs = [&](std::vector<std::string> argv) {
    argv.insert(argv.begin(), kTaskfs);
    argv.insert(argv.end(), tasks.begin(), tasks.end());
    return run(argv);
  };
  ASSERT_EQ(taskfs({"run", "total/default"}).out, "15\n");
  Finished rm = taskfs({"rm", "total/default"});
  ASSERT_TRUE(rm.succeeded()) << rm.err;
  ASSERT_EQ(taskfs({"run", "total/default"}).out, "15\n");
  EXPECT_EQ(runs("total"), 2);
}

TEST_F(StoreKeepingTest, StoreMaxSizeKeepsTheStoreUnderItAfterWrites) {
  ASSERT_TRUE(run({kTaskfs, "unmount", mountpoint()}).succeeded());
  ASSERT_TRUE(wait_daemon().succeeded());
  write_file("taskfs.ini", "store = store\nmountpoint = mnt\nstore_max_size = 3M\n");
  ASSERT_NO_FATAL_FAILURE(mount());
  EXPECT_TRUE(sh("cat mnt/big/mb:1").out == big_bytes(1));
  EXPECT_TRUE(sh("cat mnt/big/mb:2").out == big_bytes(2));  // 3 MiB and a little: past it
  EXPECT_TRUE(eventually([&] { return state("mnt/big/mb:1") == "missing"; }))
      << run({kTaskfs, "du"}).out;
  EXPECT_EQ(state("mnt/big/mb:2"), "cached");
  std::map<std::string, std::uint64_t> sizes = du_bytes(run({kTaskfs, "du", "--bytes"}).out);
  EXPECT_LE(sizes[""], 3 * fs_tasks::kMiB);
}

}  // namespace
}  // namespace taskfs::fstest
