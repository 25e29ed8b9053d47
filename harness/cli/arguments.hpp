// Command-line options of one subcommand: declared with their help, parsed, and read back typed.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace sextant::harness {

class Arguments {
 public:
  Arguments(std::string command, std::string summary) : command_(std::move(command)), summary_(std::move(summary)) {}

  // Declares an option taking a value ("--model M"); an empty default means none.
  Arguments& option(const std::string& name, const std::string& metavar, const std::string& help,
                    const std::string& default_value = "");
  // Declares a boolean flag ("--json").
  Arguments& flag(const std::string& name, const std::string& help);

  // Parses argv after the subcommand name. Returns false when --help was asked (help is
  // printed); throws UsageError for unknown options or missing values.
  bool parse(const std::vector<std::string>& args);

  std::string help() const;
  bool has(const std::string& name) const;
  std::string get(const std::string& name) const;  // throws UsageError when absent
  std::string get_or(const std::string& name, const std::string& fallback) const;
  long long get_int(const std::string& name) const;
  double get_double(const std::string& name) const;
  bool flag_set(const std::string& name) const;
  const std::vector<std::string>& positional() const { return positional_; }

 private:
  struct Spec {
    std::string metavar, help, default_value;
    bool is_flag = false;
  };
  std::string command_, summary_;
  std::vector<std::string> order_;
  std::map<std::string, Spec> specs_;
  std::map<std::string, std::string> values_;
  std::vector<std::string> positional_;
};

// "a,b,,c" -> {"a", "b", "c"}: the items of a comma-separated option value.
std::vector<std::string> split_list(const std::string& s);

}  // namespace sextant::harness
