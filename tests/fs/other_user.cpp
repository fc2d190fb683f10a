#include "other_user.hpp"

#include <pwd.h>
#include <unistd.h>

#include "child_process.hpp"

namespace taskfs::fstest {
namespace {

constexpr const char* kName = "taskfs-other";

std::optional<OtherUser> find_user() {
  passwd entry{};
  passwd* found = nullptr;
  char buf[1024];
  if (::getpwnam_r(kName, &entry, buf, sizeof buf, &found) != 0 || found == nullptr) {
    return std::nullopt;
  }
  return OtherUser{kName, found->pw_uid, found->pw_gid};
}

}  // namespace

std::vector<std::string> OtherUser::command(const std::vector<std::string>& argv) const {
  std::vector<std::string> out = {"setpriv", "--reuid=" + std::to_string(uid),
                                  "--regid=" + std::to_string(gid), "--clear-groups", "--"};
  out.insert(out.end(), argv.begin(), argv.end());
  return out;
}

std::optional<OtherUser> other_user(std::string& why) {
  if (::geteuid() != 0) {
    why = "creating and becoming another user needs root (CI runs as root)";
    return std::nullopt;
  }
  // Test processes run in parallel: another one may be adding the user too,
  // and useradd then fails on its lock; the user exists all the same.
  for (int attempt = 0; attempt < 50 && !find_user(); ++attempt) {
    run_program({"useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", kName},
                "/", {"/dev/null", "/dev/null"});
  }
  std::optional<OtherUser> user = find_user();
  if (!user) why = std::string("useradd could not create the user ") + kName;
  return user;
}

}  // namespace taskfs::fstest
