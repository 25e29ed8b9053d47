// The error type that bad input and I/O failures raise across the project.
#pragma once

#include <stdexcept>
#include <string>

#include <fmt/format.h>

namespace sextant {

// Raised for bad input (a file, a config, a request) and I/O failures. The message names
// the file, line, field or request so that a user can act on it without a debugger.
class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
};

// Bad command-line usage; the CLI exits 2 for these (and for bad input), 1 for failures.
class UsageError : public Error {
 public:
  explicit UsageError(const std::string& message) : Error(message) {}
};

template <typename... Args>
[[noreturn]] void fail(fmt::format_string<Args...> format, Args&&... args) {
  throw Error(fmt::format(format, std::forward<Args>(args)...));
}

}  // namespace sextant
