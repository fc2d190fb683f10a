#include "spec/variant.hpp"

#include <cerrno>

#include "spec/percent.hpp"

namespace taskfs::spec {
namespace {

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == sep) {
      parts.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  return parts;
}

PathError malformed(std::string_view part, const std::string& why) {
  return PathError(ENOENT, "malformed override '" + std::string(part) + "': " + why);
}

}  // namespace

std::vector<Override> parse_variant(std::string_view own_task, std::string_view variant) {
  std::vector<Override> overrides;
  if (variant == kDefaultVariant) return overrides;
  if (variant.empty()) throw PathError(ENOENT, "empty variant name");
  std::string group(own_task);
  for (std::string_view part : split(variant, ',')) {
    std::size_t colon = part.find(':');
    if (colon == std::string_view::npos) throw malformed(part, "expected param:value");
    std::string_view head = part.substr(0, colon);
    std::size_t eq = head.find('=');
    if (eq != std::string_view::npos) {
      group = std::string(head.substr(0, eq));
      head = head.substr(eq + 1);
      if (group.empty()) throw malformed(part, "empty task name before '='");
    }
    if (head.empty()) throw malformed(part, "empty param name");
    auto value = percent_decode(part.substr(colon + 1));
    if (!value) throw PathError(EINVAL, "bad percent escape in '" + std::string(part) + "'");
    overrides.push_back({group, std::string(head), std::move(*value)});
  }
  return overrides;
}

bool natural_less(std::string_view a, std::string_view b) {
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  std::size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    if (digit(a[i]) && digit(b[j])) {
      std::size_t i_end = i, j_end = j;
      while (i_end < a.size() && digit(a[i_end])) ++i_end;
      while (j_end < b.size() && digit(b[j_end])) ++j_end;
      std::string_view x = a.substr(i, i_end - i), y = b.substr(j, j_end - j);
      while (x.size() > 1 && x[0] == '0') x.remove_prefix(1);
      while (y.size() > 1 && y[0] == '0') y.remove_prefix(1);
      if (x.size() != y.size()) return x.size() < y.size();
      if (x != y) return x < y;
      i = i_end;
      j = j_end;
    } else {
      if (a[i] != b[j]) return a[i] < b[j];
      ++i;
      ++j;
    }
  }
  return a.size() - i < b.size() - j;
}

std::string format_variant(std::string_view own_task, const OverrideMap& overrides) {
  std::string out;
  auto append_group = [&](const std::string& task, const std::map<std::string, std::string>& params,
                          bool prefixed) {
    bool first = true;
    for (const auto& [param, value] : params) {
      if (!out.empty()) out += ',';
      if (first && prefixed) out += task + "=";
      first = false;
      out += param + ":" + percent_encode(value);
    }
  };
  if (auto own = overrides.find(std::string(own_task)); own != overrides.end()) {
    append_group(own->first, own->second, false);
  }
  for (const auto& [task, params] : overrides) {
    if (task != own_task) append_group(task, params, true);
  }
  return out.empty() ? std::string(kDefaultVariant) : out;
}

TaskPath split_path(std::string_view path) {
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  std::size_t slash = path.find('/');
  if (slash == std::string_view::npos) return {path, kDefaultVariant};
  return {path.substr(0, slash), path.substr(slash + 1)};
}

ElementPath split_element_path(std::string_view path) {
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  std::size_t first = path.find('/');
  std::size_t second = first == std::string_view::npos ? first : path.find('/', first + 1);
  if (second == std::string_view::npos) return {split_path(path), {}};
  return {split_path(path.substr(0, second)), path.substr(second + 1)};
}

std::string element_file_name(std::string_view name) {
  if (name == "." || name == "..") return name.size() == 1 ? "%2E" : "%2E%2E";
  return percent_encode(name);
}

std::optional<std::string> element_name(std::string_view file_name) {
  std::optional<std::string> name = percent_decode(file_name);
  if (!name || name->empty()) return std::nullopt;
  return name;
}

}  // namespace taskfs::spec
