// A 64-bit content hash (FNV-1a) for identifying models, data files and task configurations.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace sextant {

class ContentHash {
 public:
  ContentHash& add(std::string_view bytes);
  ContentHash& add_file(const std::string& path);  // the file's bytes; throws naming it when unreadable
  std::uint64_t value() const { return h_; }
  std::string hex() const;  // 16 hex digits

 private:
  std::uint64_t h_ = 0xcbf29ce484222325ull;
};

}  // namespace sextant
