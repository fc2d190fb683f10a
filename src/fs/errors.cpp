#include "fs/errors.hpp"

#include <cerrno>
#include <exception>
#include <string>

#include "log.hpp"
#include "spec/variant.hpp"

namespace taskfs::fs {

int log_current_error(std::string_view doing) {
  int error_number = EIO;
  std::string why;
  try {
    throw;
  } catch (const spec::PathError& e) {
    error_number = e.error_number();
    why = e.what();
  } catch (const std::exception& e) {
    why = e.what();
  } catch (...) {
    why = "an exception that is not a std::exception";
  }
  log_line(std::string(doing) + ": " + why);
  return error_number;
}

void reply_current_error(fuse_req_t req, std::string_view doing) {
  fuse_reply_err(req, log_current_error(doing));
}

void reply_failure(fuse_req_t req, std::string_view doing, std::string_view why) {
  log_line(std::string(doing) + ": " + std::string(why));
  fuse_reply_err(req, EIO);
}

}  // namespace taskfs::fs
