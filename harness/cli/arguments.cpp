// Parsing of "--name value", "--name=value" and "--flag" options.
#include "harness/cli/arguments.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>

#include "core/error.hpp"

namespace sextant::harness {

Arguments& Arguments::option(const std::string& name, const std::string& metavar, const std::string& help,
                             const std::string& default_value) {
  order_.push_back(name);
  specs_[name] = {metavar, help, default_value, false};
  return *this;
}

Arguments& Arguments::flag(const std::string& name, const std::string& help) {
  order_.push_back(name);
  specs_[name] = {"", help, "", true};
  return *this;
}

bool Arguments::parse(const std::vector<std::string>& args) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--help" || a == "-h") {
      std::fputs(help().c_str(), stdout);
      return false;
    }
    if (a.rfind("--", 0) != 0) {
      positional_.push_back(a);
      continue;
    }
    std::string name = a.substr(2), value;
    bool has_value = false;
    if (auto eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
      has_value = true;
    }
    auto it = specs_.find(name);
    if (it == specs_.end())
      throw UsageError(fmt::format("{}: unknown option --{} (see sextant {} --help)", command_, name, command_));
    if (it->second.is_flag) {
      if (has_value) throw UsageError(fmt::format("{}: --{} takes no value", command_, name));
      values_[name] = std::string(1, '1');
      continue;
    }
    if (!has_value) {
      if (i + 1 >= args.size())
        throw UsageError(fmt::format("{}: --{} needs a value ({})", command_, name, it->second.metavar));
      value = args[++i];
    }
    // Keeping only the last of a repeated option would drop a value without a word.
    if (values_.count(name))
      throw UsageError(
          fmt::format("{}: --{} is given more than once (a list is written comma-separated)", command_, name));
    values_[name] = value;
  }
  return true;
}

std::string Arguments::help() const {
  std::string out = fmt::format("usage: sextant {} [options]\n\n{}\n\noptions:\n", command_, summary_);
  for (const auto& name : order_) {
    const Spec& s = specs_.at(name);
    std::string left = "  --" + name + (s.is_flag ? "" : " " + s.metavar);
    std::string right = s.help;
    if (!s.default_value.empty()) right += fmt::format(" (default: {})", s.default_value);
    out += fmt::format("{:<28} {}\n", left, right);
  }
  out += fmt::format("{:<28} {}\n", "  --help", "show this help");
  return out;
}

std::vector<std::string> split_list(const std::string& s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= s.size()) {
    const std::size_t comma = std::min(s.find(',', start), s.size());
    if (comma > start) out.push_back(s.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

bool Arguments::has(const std::string& name) const {
  if (values_.count(name)) return true;
  auto it = specs_.find(name);
  return it != specs_.end() && !it->second.default_value.empty();
}

std::string Arguments::get(const std::string& name) const {
  if (auto it = values_.find(name); it != values_.end()) return it->second;
  if (auto it = specs_.find(name); it != specs_.end() && !it->second.default_value.empty())
    return it->second.default_value;
  throw UsageError(fmt::format("{}: --{} is required (see sextant {} --help)", command_, name, command_));
}

std::string Arguments::get_or(const std::string& name, const std::string& fallback) const {
  return has(name) ? get(name) : fallback;
}

long long Arguments::get_int(const std::string& name) const {
  const std::string v = get(name);
  try {
    std::size_t used = 0;
    long long x = std::stoll(v, &used);
    if (used == v.size()) return x;
  } catch (const std::exception&) {
  }
  throw UsageError(fmt::format("{}: --{} expects an integer, got \"{}\"", command_, name, v));
}

double Arguments::get_double(const std::string& name) const {
  const std::string v = get(name);
  try {
    std::size_t used = 0;
    double x = std::stod(v, &used);
    if (used == v.size()) return x;
  } catch (const std::exception&) {
  }
  throw UsageError(fmt::format("{}: --{} expects a number, got \"{}\"", command_, name, v));
}

bool Arguments::flag_set(const std::string& name) const { return values_.count(name) != 0; }

}  // namespace sextant::harness
