#include "cli/parse_args.hpp"

#include <iostream>

#include "cli/project.hpp"

namespace taskfs::cli {
namespace po = boost::program_options;

std::optional<ParsedArgs> parse_args(const Args& args, const std::string& usage,
                                     const std::string& summary, po::options_description options) {
  options.add_options()("help,h", "show this help");
  po::options_description all;
  all.add(options).add_options()("positional", po::value<std::vector<std::string>>());
  po::positional_options_description positional;
  positional.add("positional", -1);
  ParsedArgs parsed;
  try {
    po::store(po::command_line_parser(args).options(all).positional(positional).run(),
              parsed.flags);
    po::notify(parsed.flags);
  } catch (const po::error& e) {
    throw UsageError(e.what());
  }
  if (parsed.flags.count("help")) {
    std::cout << "usage: " << usage << "\n" << summary << "\n\n" << options;
    return std::nullopt;
  }
  if (parsed.flags.count("positional")) {
    parsed.positional = parsed.flags["positional"].as<std::vector<std::string>>();
  }
  return parsed;
}

std::optional<ParsedArgs> parse_project_args(const Args& args, const std::string& usage,
                                             const std::string& summary,
                                             const po::options_description& extra) {
  po::options_description options("options");
  add_project_options(options);
  for (const auto& option : extra.options()) options.add(option);
  return parse_args(args, usage, summary, options);
}

}  // namespace taskfs::cli
