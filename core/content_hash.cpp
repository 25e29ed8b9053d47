// FNV-1a over bytes and files.
#include "core/content_hash.hpp"

#include <fmt/format.h>

#include <fstream>
#include <vector>

#include "core/error.hpp"

namespace sextant {

ContentHash& ContentHash::add(std::string_view bytes) {
  for (unsigned char c : bytes) {
    h_ ^= c;
    h_ *= 0x100000001b3ull;
  }
  return *this;
}

ContentHash& ContentHash::add_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail("{}: cannot open", path);
  std::vector<char> buffer(1 << 16);
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    add(std::string_view(buffer.data(), static_cast<std::size_t>(in.gcount())));
  }
  return *this;
}

std::string ContentHash::hex() const { return fmt::format("{:016x}", h_); }

}  // namespace sextant
